package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/articlebot/articlebot/bot"
)

// conversationsFile is where serve keeps conversations, under the data
// directory, so that follow-ups still work after a restart.
const conversationsFile = "conversations.json"

// buildConversations makes the conversation store, bounded as configured,
// and exports its gauges. Serving with a data directory set, it is saved
// there; a saved file that can't be read is logged and started afresh.
func (a *App) buildConversations(persist bool) error {
	cfg := a.Config.Conversation
	opt := bot.ConversationOptions{MaxTurns: cfg.MaxTurns, MaxBytes: cfg.MaxBytes, MaxIdle: time.Duration(cfg.MaxIdle)}
	if persist && a.Config.DataDir != "" {
		opt.Path = filepath.Join(a.Config.DataDir, conversationsFile)
	}
	st, err := bot.NewConversationStore(opt)
	if err != nil {
		a.Log.Warn("couldn't load the saved conversations; starting without them", "path", opt.Path, "err", err)
	}
	a.Conversations = st
	if err := a.Metrics.Conversations(st.Stats); err != nil {
		return fmt.Errorf("couldn't export the conversation metrics: %w", err)
	}
	return nil
}
