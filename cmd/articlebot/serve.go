package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/internal/config"
	"github.com/articlebot/articlebot/internal/telemetry"
)

var serveCmd = &command{
	name:    "serve",
	summary: "Run the Discord bot (needs DISCORD_TOKEN) until interrupted.",
	run: func(ctx context.Context, e *env, cl *cli, args []string) error {
		if len(args) != 0 {
			return cl.usagef("serve takes no arguments")
		}
		cfg, err := cl.config(e)
		if err != nil {
			return err
		}
		if cfg.Discord.Token == "" {
			return errors.New("DISCORD_TOKEN is not set: set it (or DISCORD_TOKEN_FILE) to the bot token from " +
				"https://discord.com/developers/applications → your application → Bot")
		}
		log, err := newLogger(cfg.Log, e.stderr)
		if err != nil {
			return err
		}
		routeDiscordgoLogs(log)

		metrics := telemetry.New()
		health := &telemetry.Health{}
		health.Require("index")
		health.Require("discord")
		if cfg.HTTP.Addr != "" {
			srv, err := telemetry.Listen(cfg.HTTP.Addr, metrics, health, log)
			if err != nil {
				return err
			}
			defer func() {
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(ctx)
			}()
		}

		cl.observe = metrics.Observe
		svc, _, err := cl.buildService(ctx, cfg, log, nil)
		if err != nil {
			return err
		}
		health.Set("index", true)
		drafter, models := describeModels(cfg)
		log.Info("index loaded", "articles", len(svc.Corpus().Titles()), "chunks", svc.Index().Len(), "drafter", drafter)

		s, err := discord.NewSession(cfg.Discord.Token.Reveal(), cfg.Discord.APIURL)
		if err != nil {
			return err
		}
		b := discord.New(s, svc, discord.Options{
			GuildID:         cfg.Discord.GuildID,
			AllowedGuilds:   cfg.Discord.AllowedGuilds,
			AllowedChannels: cfg.Discord.AllowedChannels,
			UserRate:        cfg.Discord.UserRate,
			UserBurst:       cfg.Discord.UserBurst,
			MaxConcurrent:   cfg.Discord.MaxConcurrent,
			MaxQuestionLen:  cfg.Answer.MaxQuestionLength,
			AnswerTimeout:   time.Duration(cfg.Answer.Timeout),
			ShutdownTimeout: time.Duration(cfg.Discord.ShutdownTimeout),
			About: discord.About{
				Titles: svc.Corpus().Titles(), Sections: svc.Corpus().Sections(), Chunks: svc.Index().Len(),
				Drafter: drafter, Models: models, Version: version,
			},
			Logger:      log,
			Metrics:     metrics,
			OnConnected: func(ok bool) { health.Set("discord", ok) },
			// Hashes of user IDs stay comparable across restarts, and
			// without the token nobody can recompute them.
			UserKey: []byte("articlebot user hash\x00" + cfg.Discord.Token.Reveal()),
		})
		if err := b.Run(ctx); err != nil {
			return fmt.Errorf("discord: %w", err)
		}
		log.Info("stopped")
		return nil
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
