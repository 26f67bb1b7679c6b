package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/bot/openaichat"
	"github.com/articlebot/articlebot/bot/retrievalindex"
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
	client  *openaiclient.Client // nil when no API is configured
	// live is the service that answers: Service, until a remote index
	// finished in the background replaces it.
	live           liveService
	background     sync.WaitGroup
	stopBackground context.CancelFunc
	// swapped is closed when a remote index built in the background is
	// swapped in.
	swapped chan struct{}
}

// AppOptions are what a command adds to the configuration.
type AppOptions struct {
	// Stderr receives the logs; nil discards them.
	Stderr io.Writer
	// Serve builds the Discord bot and the health listener as well.
	Serve bool
	// Progress, when set, follows the embedding of the corpus.
	Progress func(done, total int)
	// FullIndex lifts openai.index_timeout: the index command exists to
	// build the remote index, however long it takes.
	FullIndex bool
	// Reread reads every file of the collection again rather than only
	// those whose size or modification time changed (index --full).
	Reread bool
	// MinCoverage, when above 0, overrides the retrieval coverage
	// threshold that sources reports (eval's flag).
	MinCoverage float64
}

// NewApp builds the program cfg describes. With opt.Serve it starts the
// health listener first, so that /healthz answers while the corpus is
// indexed, and checks that a Discord token is set before any indexing.
// Close releases what it started.
func NewApp(ctx context.Context, cfg config.Config, opt AppOptions) (_ *App, err error) {
	if opt.Serve && cfg.Discord.Token == "" {
		return nil, badInput(errors.New("DISCORD_TOKEN is not set: set it (or DISCORD_TOKEN_FILE) to the bot token from " +
			"https://discord.com/developers/applications → your application → Bot"))
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
	if cfg.OpenAI.Enabled() {
		a.client = openaiclient.New(openaiclient.Config{
			BaseURL:    cfg.OpenAI.BaseURL,
			APIKey:     cfg.OpenAI.APIKey.Reveal(),
			Timeout:    time.Duration(cfg.OpenAI.Timeout),
			MaxRetries: cfg.OpenAI.MaxRetries,
		})
		if err := a.probe(ctx); err != nil {
			return nil, err
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
	a.discord = discord.New(s, &a.live, discord.Options{
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
// model drafting answers, or the extractive drafter. Embedding the corpus
// through the API is bounded by openai.index_timeout (but for `index`,
// whose job it is): past it, or when the API fails, the service answers
// from local embeddings, and serve finishes the remote index in the
// background and swaps it in.
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
	c, ix, err := openLocalIndex(ctx, cfg, opt, o.Reread, log, &a.Index)
	if err != nil {
		return err
	}
	var chunks []corpus.Chunk
	read := -1 // files loadCorpus read, when it did
	if c == nil {
		if c, err = loadCorpus(cfg, log); err != nil {
			return err
		}
		chunks, read = c.Chunks(), len(c.Files)
	}
	a.Index.Articles, a.Index.Duplicates = len(c.Articles), c.Report.Duplicates
	bopt := bot.Options{
		TopK:           cfg.Answer.TopK,
		MaxQuestionLen: cfg.Answer.MaxQuestionLength,
		Timeout:        time.Duration(cfg.Answer.Timeout),
		SearchTimeout:  time.Duration(cfg.Answer.SearchTimeout),
		CacheSize:      cfg.Answer.CacheSize,
		CacheTTL:       time.Duration(cfg.Answer.CacheTTL),
		Logger:         log,
		Observe:        a.observe,
	}
	chat := config.ModelExtractive
	if cfg.OpenAI.UsesChat() {
		chat = cfg.OpenAI.ChatModel
		d := openaichat.New(a.client, chat)
		d.Temperature = float32(cfg.OpenAI.Temperature)
		bopt.Drafter = d
	}
	bopt.Model = chat + "/" + config.ModelLocal

	if ix == nil && cfg.OpenAI.UsesEmbeddings() {
		// remote builds the service over the API's embeddings.
		remote := func(ctx context.Context, rep *indexReport, progress func(done, total int)) (*bot.Service, error) {
			emb := retrieval.NewOpenAIEmbedder(a.client, cfg.OpenAI.EmbeddingModel)
			emb.Progress = progress
			ix, err := buildAPIIndex(ctx, cfg, emb, a.client, chunks, opt, log, rep)
			if err != nil {
				return nil, err
			}
			ropt := bopt
			// A compound question's parts are embedded in one request.
			ropt.PrepareQueries = emb.Prefetch
			ropt.Model = chat + "/" + cfg.OpenAI.EmbeddingModel
			return bot.New(c, retrievalindex.New(ix), ropt), nil
		}
		ictx, cancel := ctx, context.CancelFunc(func() {})
		if !o.FullIndex {
			ictx, cancel = context.WithTimeout(ctx, time.Duration(cfg.OpenAI.IndexTimeout))
		}
		rep := a.Index
		svc, err := remote(ictx, &rep, o.Progress)
		timedOut := ictx.Err() != nil
		cancel()
		switch {
		case err == nil:
			a.Index = rep
			a.Index.Reread = max(a.Index.Reread, read)
			a.Index.Elapsed = time.Since(start)
			a.setService(svc)
			return nil
		case ctx.Err() == nil && !openaiclient.IsConfig(err):
			// The embeddings API is down or slow: answer from local
			// embeddings rather than not at all.
			if timedOut {
				err = fmt.Errorf("embedding the corpus took longer than openai.index_timeout (%s): %w", cfg.OpenAI.IndexTimeout, err)
			}
			a.Index.APIErr = err
			a.degrade(telemetry.ComponentEmbeddings, "the remote index is not in use: "+err.Error())
			if o.Serve {
				log.Warn("the embeddings API is unavailable or slow; answering from local embeddings while the remote index is built in the background", "err", err)
				defer a.finishInBackground(ctx, func(ctx context.Context) (*bot.Service, error) {
					var rep indexReport
					return remote(ctx, &rep, nil)
				})
			} else {
				log.Warn("the embeddings API is unavailable or slow; using local embeddings", "err", err)
			}
		default:
			return fmt.Errorf("couldn't index the corpus: %w", err)
		}
	}
	if ix == nil {
		if ix, err = buildLocalIndex(ctx, cfg, c, chunks, opt, log, &a.Index); err != nil {
			return fmt.Errorf("couldn't index the corpus: %w", err)
		}
	}
	if !o.FullIndex {
		// A command that answers searches soon: fill the vector store
		// meanwhile (index, which never searches, is spared it).
		ix.Prefill()
	}
	a.Index.Reread = max(a.Index.Reread, read)
	a.Index.Elapsed = time.Since(start)
	a.setService(bot.New(c, retrievalindex.New(ix), bopt))
	return nil
}

// setService makes svc the service that answers, for the front ends too.
func (a *App) setService(svc *bot.Service) {
	a.Service = svc
	a.live.Store(svc)
}

// finishInBackground builds the remote index until it succeeds, ctx ends or
// the configuration is found wrong, then swaps its service in. A failed
// attempt is retried after openai.index_timeout.
func (a *App) finishInBackground(ctx context.Context, build func(context.Context) (*bot.Service, error)) {
	ctx, a.stopBackground = context.WithCancel(ctx)
	a.swapped = make(chan struct{})
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		for {
			svc, err := build(ctx)
			switch {
			case err == nil:
				a.live.Store(svc)
				a.restore(telemetry.ComponentEmbeddings)
				a.Log.Info("the remote index is ready; answering from it", "chunks", svc.Index().Len())
				close(a.swapped)
				return
			case ctx.Err() != nil:
				return
			case openaiclient.IsConfig(err):
				a.Log.Error("the embeddings API rejected articlebot's configuration; staying on local embeddings", "err", err)
				return
			}
			a.Log.Warn("couldn't build the remote index; retrying", "err", err, "in", a.Config.OpenAI.IndexTimeout)
			t := time.NewTimer(time.Duration(a.Config.OpenAI.IndexTimeout))
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
	}()
}

// observe is told of every question: it feeds the metrics and tracks the
// language model's degraded state. A rejected configuration degrades it;
// an answer the model drafted with nothing amiss restores it.
func (a *App) observe(ev bot.Event) {
	a.Metrics.Observe(ev)
	switch {
	case ev.Kind == bot.KindModelConfig:
		a.degrade(telemetry.ComponentLLM, "the language model API rejected the API key, model or URL (see the log)")
	case ev.Kind == "" && ev.Drafter == bot.DrafterLLM:
		a.restore(telemetry.ComponentLLM)
	}
}

func (a *App) degrade(component, reason string) {
	a.Health.Degrade(component, reason)
	a.Metrics.Degraded(component, true)
}

func (a *App) restore(component string) {
	a.Health.Restore(component)
	a.Metrics.Degraded(component, false)
}

// probe checks at start that the API takes the key, so that a wrong
// OPENAI_API_KEY is a clear startup error rather than a bot whose every
// answer falls back. Anything else (a server that is down, or lacks the
// models list) is left to the requests that follow.
func (a *App) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(a.Config.OpenAI.IndexTimeout))
	defer cancel()
	err := a.client.Probe(ctx)
	var e *openaiclient.Error
	if errors.As(err, &e) && e.Kind == openaiclient.Unauthorized {
		return fmt.Errorf("couldn't use the API at %s: %w", a.client.BaseURL(), err)
	}
	if err != nil {
		a.Log.Debug("the API key could not be checked at start", "err", err)
	}
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

// Close stops the background indexing and the health listener, waiting a
// little for requests in flight. It is safe to call more than once.
func (a *App) Close() error {
	if a.stopBackground != nil {
		a.stopBackground()
	}
	a.background.Wait()
	if a.Listener == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := a.Listener.Shutdown(ctx)
	a.Listener = nil
	return err
}

// liveService answers through the current service, which a remote index
// finished in the background may replace while questions are answered.
type liveService struct{ p atomic.Pointer[bot.Service] }

var _ discord.Answerer = (*liveService)(nil)

func (l *liveService) Store(svc *bot.Service) { l.p.Store(svc) }

// Current is the service answering now.
func (l *liveService) Current() *bot.Service { return l.p.Load() }

func (l *liveService) Answer(ctx context.Context, req bot.Request, onPartial func(string)) (*bot.Answer, error) {
	return l.p.Load().Answer(ctx, req, onPartial)
}

func (l *liveService) Summarize(ctx context.Context, length bot.Length, section string) (*bot.Summary, error) {
	return l.p.Load().Summarize(ctx, length, section)
}

func (l *liveService) Search(ctx context.Context, query string, k int) (*bot.SearchResult, error) {
	return l.p.Load().Search(ctx, query, k)
}

func (l *liveService) CleanQuestion(q string) (string, error) { return l.p.Load().CleanQuestion(q) }

func (l *liveService) Section(name string) (string, error) { return l.p.Load().Section(name) }
