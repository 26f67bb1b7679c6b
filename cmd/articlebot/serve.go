package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"

	"github.com/articlebot/articlebot/internal/config"
)

var serveCmd = &command{
	name:    "serve",
	summary: "Run the Discord bot (needs DISCORD_TOKEN) until interrupted.",
	run: func(ctx context.Context, e *env, cl *cli, args []string) error {
		if len(args) != 0 {
			return cl.usagef("serve takes no arguments")
		}
		a, err := cl.app(ctx, e, AppOptions{Serve: true})
		if err != nil {
			return err
		}
		defer a.Close()
		return a.Run(ctx)
	},
}

// describeModels says, for /about, how answers are drafted and with what.
func describeModels(cfg config.Config) (drafter, models string) {
	embed := "local embedder"
	if cfg.OpenAI.UsesEmbeddings() {
		embed = "embeddings " + cfg.OpenAI.EmbeddingModel
	}
	if cfg.OpenAI.UsesChat() {
		return "llm", "chat " + cfg.OpenAI.ChatModel + ", " + embed + "; extractive fallback"
	}
	return "extractive", embed + "; extractive answers"
}

// discordgoLog is where discordgo's package-wide log goes: the logger of the
// latest serve (tests run several in one process).
var (
	discordgoLog     atomic.Pointer[slog.Logger]
	discordgoLogOnce sync.Once
)

// routeDiscordgoLogs sends discordgo's log to the process logger. discordgo
// only logs errors it recovers from itself (reconnects), so they are
// warnings here.
func routeDiscordgoLogs(log *slog.Logger) {
	discordgoLog.Store(log)
	discordgoLogOnce.Do(func() {
		discordgo.Logger = func(level, caller int, format string, a ...any) {
			l := slog.LevelDebug
			if level == discordgo.LogError {
				l = slog.LevelWarn
			}
			discordgoLog.Load().Log(context.Background(), l, "discordgo: "+fmt.Sprintf(format, a...))
		}
	})
}
