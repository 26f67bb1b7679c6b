package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/internal/config"
	"github.com/articlebot/articlebot/internal/openaiclient"
	"github.com/articlebot/articlebot/internal/telemetry"
	"github.com/articlebot/articlebot/retrieval"
)

// App is the whole program built from one configuration: the corpus and its
// index, the answering service and its drafter, and for serve the metrics,
// the health listener and the Discord bot. Every command and the end-to-end
// tests build it with NewApp, so the binary and its tests cannot run
// different wirings.
type App struct {
	Config  config.Config
	Log     *slog.Logger
	Service *bot.Service
	// Conversations keeps conversations for follow-up questions; saved
	// under the data directory when serving with one set.
	Conversations *bot.ConversationStore
	// Index says how the index was built.
	Index   indexReport
	Metrics *telemetry.Metrics
	Health  *telemetry.Health
	// Listener serves health and metrics; nil unless serving with
	// http.addr set.
	Listener *telemetry.Server

	discord *discord.Bot
}

// AppOptions are what a command adds to the configuration.
type AppOptions struct {
	// Stderr receives the logs; nil discards them.
	Stderr io.Writer
	// Serve builds the Discord bot and the health listener as well.
	Serve bool
	// Progress, when set, follows the embedding of the corpus.
	Progress func(done, total int)
	// MinCoverage and MinSentenceCoverage, when above 0, override the
	// calibrated relevance thresholds (eval's calibration flags).
	MinCoverage, MinSentenceCoverage float64
}

// NewApp builds the program cfg describes. With opt.Serve it starts the
// health listener first, so that /healthz answers while the corpus is
// indexed, and checks that a Discord token is set before any indexing.
// Close releases what it started.
func NewApp(ctx context.Context, cfg config.Config, opt AppOptions) (_ *App, err error) {
	if opt.Serve && cfg.Discord.Token == "" {
		return nil, errors.New("DISCORD_TOKEN is not set: set it (or DISCORD_TOKEN_FILE) to the bot token from " +
			"https://discord.com/developers/applications → your application → Bot")
	}
	stderr := opt.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	log, err := newLogger(cfg.Log, stderr)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Metrics: telemetry.New(), Health: &telemetry.Health{}}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if opt.Serve {
		routeDiscordgoLogs(log)
		a.Health.Require("index")
		a.Health.Require("discord")
		if cfg.HTTP.Addr != "" {
			if a.Listener, err = telemetry.Listen(cfg.HTTP.Addr, a.Metrics, a.Health, log); err != nil {
				return nil, err
			}
		}
	}
	if err := a.buildService(ctx, opt); err != nil {
		return nil, err
	}
	if err := a.buildConversations(opt.Serve); err != nil {
		return nil, err
	}
	if !opt.Serve {
		return a, nil
	}
	a.Health.Set("index", true)
	drafter, models := describeModels(cfg)
	log.Info("index loaded", "articles", len(a.Service.Corpus().Titles()), "chunks", a.Service.Index().Len(), "drafter", drafter)
	s, err := discord.NewSession(cfg.Discord.Token.Reveal(), cfg.Discord.APIURL)
	if err != nil {
		return nil, err
	}
	a.discord = discord.New(s, a.Service, discord.Options{
		GuildID:         cfg.Discord.GuildID,
		AllowedGuilds:   cfg.Discord.AllowedGuilds,
		AllowedChannels: cfg.Discord.AllowedChannels,
		UserRate:        cfg.Discord.UserRate,
		UserBurst:       cfg.Discord.UserBurst,
		CommandRate:     cfg.Discord.CommandRate,
		CommandBurst:    cfg.Discord.CommandBurst,
		MaxConcurrent:   cfg.Discord.MaxConcurrent,
		QueueSize:       cfg.Discord.QueueSize,
		QueueWait:       time.Duration(cfg.Discord.QueueWait),
		InstantWait:     time.Duration(cfg.Discord.InstantReplyWait),
		MaxQuestionLen:  cfg.Answer.MaxQuestionLength,
		AnswerTimeout:   time.Duration(cfg.Answer.Timeout),
		ShutdownTimeout: time.Duration(cfg.Discord.ShutdownTimeout),
		About: discord.About{
			Titles: a.Service.Corpus().Titles(), Sections: a.Service.Corpus().Sections(), Chunks: a.Service.Index().Len(),
			Drafter: drafter, Models: models, Version: version,
		},
		Conversations: a.Conversations,
		Logger:        log,
		Metrics:       a.Metrics,
		OnConnected:   func(ok bool) { a.Health.Set("discord", ok) },
		// Hashes of user IDs stay comparable across restarts, and
		// without the token nobody can recompute them.
		UserKey: []byte("articlebot user hash\x00" + cfg.Discord.Token.Reveal()),
	})
	return a, nil
}

// buildService builds the answering service the configuration asks for:
// API embeddings persisted under the data directory, or local ones; a chat
// model drafting answers, or the extractive drafter.
func (a *App) buildService(ctx context.Context, o AppOptions) error {
	cfg, log := a.Config, a.Log
	start := time.Now()
	a.Index = indexReport{Embedder: config.ModelLocal}
	opt := retrieval.Options{Expand: retrieval.Expand}
	if o.MinCoverage > 0 {
		opt.Relevance = retrieval.DefaultRelevance
		opt.Relevance.MinCoverage = o.MinCoverage
	}
	// An unchanged collection starts from its index file alone.
	c, ix, err := openLocalIndex(ctx, cfg, opt, &a.Index)
	if err != nil {
		return err
	}
	var chunks []corpus.Chunk
	if c == nil {
		if c, err = loadCorpus(cfg, log); err != nil {
			return err
		}
		chunks = c.Chunks()
	}
	a.Index.Articles, a.Index.Duplicates = len(c.Articles), c.Report.Duplicates
	bopt := bot.Options{
		TopK:                cfg.Answer.TopK,
		MaxQuestionLen:      cfg.Answer.MaxQuestionLength,
		MinSentenceCoverage: o.MinSentenceCoverage,
		Timeout:             time.Duration(cfg.Answer.Timeout),
		CacheSize:           cfg.Answer.CacheSize,
		CacheTTL:            time.Duration(cfg.Answer.CacheTTL),
		Logger:              log,
		Observe:             a.Metrics.Observe,
	}
	chat, embedding := config.ModelExtractive, config.ModelLocal
	var client *openaiclient.Client
	if cfg.OpenAI.Enabled() {
		client = openaiclient.New(openaiclient.Config{
			BaseURL:    cfg.OpenAI.BaseURL,
			APIKey:     cfg.OpenAI.APIKey.Reveal(),
			Timeout:    time.Duration(cfg.OpenAI.Timeout),
			MaxRetries: cfg.OpenAI.MaxRetries,
		})
	}

	if ix == nil && cfg.OpenAI.UsesEmbeddings() {
		emb := retrieval.NewOpenAIEmbedder(client, cfg.OpenAI.EmbeddingModel)
		emb.Progress = o.Progress
		ix, err = buildAPIIndex(ctx, cfg, emb, client, chunks, opt, log, &a.Index)
		switch {
		case err == nil:
			embedding = cfg.OpenAI.EmbeddingModel
			// A compound question's parts are embedded in one request.
			bopt.PrepareQueries = emb.Prefetch
		case ctx.Err() == nil && !openaiclient.IsConfig(err):
			// The embeddings API is down: answer from local embeddings
			// rather than not at all, until the next start.
			log.Warn("the embeddings API is unavailable; using local embeddings until restart", "err", err)
			ix, a.Index.Embedder, a.Index.Path, a.Index.APIErr = nil, config.ModelLocal, "", err
		default:
			return fmt.Errorf("couldn't index the corpus: %w", err)
		}
	}
	if ix == nil {
		ix, err = buildLocalIndex(ctx, cfg, c, chunks, opt, log, &a.Index)
		if err != nil {
			return fmt.Errorf("couldn't index the corpus: %w", err)
		}
	}
	if cfg.OpenAI.UsesChat() {
		chat = cfg.OpenAI.ChatModel
		d := bot.NewOpenAIDrafter(client, chat)
		d.Temperature = float32(cfg.OpenAI.Temperature)
		bopt.Drafter = d
	}
	bopt.Model = chat + "/" + embedding
	a.Index.Elapsed = time.Since(start)
	a.Service = bot.New(c, ix, bopt)
	return nil
}

// Run runs the Discord bot until ctx ends, then lets answers in flight
// finish. It needs an App built with AppOptions.Serve.
func (a *App) Run(ctx context.Context) error {
	if a.discord == nil {
		return errors.New("the app was not built to serve")
	}
	if err := a.discord.Run(ctx); err != nil {
		return fmt.Errorf("discord: %w", err)
	}
	a.Log.Info("stopped")
	return nil
}

// Close stops the health listener, waiting a little for requests in
// flight. It is safe to call more than once.
func (a *App) Close() error {
	if a.Listener == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := a.Listener.Shutdown(ctx)
	a.Listener = nil
	return err
}
