package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/articlebot/articlebot/bot"
)

// chatKey is the one conversation of a chat session.
const chatKey = "chat"

// chatConversation is the one conversation `chat` keeps, in the program's
// conversation store with its configured bounds on turns and idle age.
type chatConversation struct {
	store *bot.ConversationStore
}

func (c *chatConversation) history() []bot.Turn { return c.store.History(chatKey) }

func (c *chatConversation) add(a *bot.Answer) { c.store.Add(chatKey, bot.TurnOf(a)) }

// command runs a chat command line (/new, /history) and reports whether the
// line was one. With asJSON its output is one JSON object, as answers are.
func (c *chatConversation) command(w io.Writer, line string, asJSON bool) bool {
	switch strings.ToLower(line) {
	case "/new", "/reset":
		c.store.Reset(chatKey)
		if asJSON {
			_ = writeJSONLine(w, map[string]any{"new_conversation": true})
			return true
		}
		fmt.Fprintln(w, "Started a new conversation.")
		fmt.Fprintln(w)
		return true
	case "/history":
		turns := c.history()
		if asJSON {
			if turns == nil {
				turns = []bot.Turn{}
			}
			_ = writeJSONLine(w, map[string]any{"history": turns})
			return true
		}
		if len(turns) == 0 {
			fmt.Fprintln(w, "No conversation yet: ask a question.")
		}
		for i, t := range turns {
			fmt.Fprintf(w, "%d. %s\n", i+1, t.Question)
			if t.Standalone != "" {
				fmt.Fprintf(w, "   (searched as: %s)\n", t.Standalone)
			}
			fmt.Fprintf(w, "   %s\n", strings.ReplaceAll(t.Answer, "\n", "\n   "))
		}
		fmt.Fprintln(w)
		return true
	}
	return false
}
