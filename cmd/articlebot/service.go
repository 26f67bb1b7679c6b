package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/internal/config"
	"github.com/articlebot/articlebot/internal/openaiclient"
	"github.com/articlebot/articlebot/retrieval"
)

// config resolves the effective settings: flags over environment over the
// config file over defaults.
func (cl *cli) config(e *env) (config.Config, error) {
	cfg, err := config.Resolve(cl.configFile, e.getenv)
	if err != nil {
		return cfg, err
	}
	if cl.corpusDir != "" {
		cfg.CorpusDir = cl.corpusDir
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return cfg, nil
}

// loadCorpus loads the configured corpus, or the built-in article, and
// logs what the load passed over or repaired.
func loadCorpus(cfg config.Config, log *slog.Logger) (*corpus.Corpus, error) {
	if cfg.CorpusDir == "" {
		return corpus.Builtin()
	}
	c, err := corpus.LoadDir(cfg.CorpusDir)
	if err != nil {
		return nil, err
	}
	logLoad(c, log)
	return c, nil
}

// maxLoadWarnings is how many of a load's warnings are logged one by one;
// a collection of broken files gets a count, not thousands of lines.
const maxLoadWarnings = 20

func logLoad(c *corpus.Corpus, log *slog.Logger) {
	warnings := c.Report.Warnings
	for i, w := range warnings {
		if i == maxLoadWarnings {
			log.Warn("more corpus warnings not shown", "count", len(warnings)-i)
			break
		}
		log.Warn("corpus: "+string(w.Kind)+": "+w.Detail, "path", w.Path)
	}
	log.Info("corpus loaded", "summary", c.Summary())
}

// service loads the corpus, indexes it and returns the answering service,
// logging to standard error.
func (cl *cli) service(ctx context.Context, e *env) (*bot.Service, error) {
	cfg, err := cl.config(e)
	if err != nil {
		return nil, err
	}
	log, err := newLogger(cfg.Log, e.stderr)
	if err != nil {
		return nil, err
	}
	svc, _, err := cl.buildService(ctx, cfg, log, nil)
	return svc, err
}

// indexReport says how the index was built, for `articlebot index`.
type indexReport struct {
	Articles int
	retrieval.BuildStats
	// Embedder names the embedding model and server, or "local".
	Embedder string
	// Path is the persisted index file; empty when nothing is persisted.
	Path    string
	Elapsed time.Duration
	// APIErr is why the embeddings API could not index the corpus when the
	// service fell back to local embeddings; nil otherwise.
	APIErr error
}

// buildService builds the answering service the configuration asks for:
// API embeddings persisted under the data directory, or local ones; a chat
// model drafting answers, or the extractive drafter. progress, when set,
// follows the embedding of the corpus.
func (cl *cli) buildService(ctx context.Context, cfg config.Config, log *slog.Logger, progress func(done, total int)) (*bot.Service, indexReport, error) {
	start := time.Now()
	rep := indexReport{Embedder: config.ModelLocal}
	c, err := loadCorpus(cfg, log)
	if err != nil {
		return nil, rep, err
	}
	rep.Articles = len(c.Articles)
	chunks := c.Chunks()
	opt := retrieval.Options{Expand: retrieval.Expand}
	if cl.minCoverage > 0 {
		opt.Relevance = retrieval.DefaultRelevance
		opt.Relevance.MinCoverage = cl.minCoverage
	}
	bopt := bot.Options{
		TopK:                cfg.Answer.TopK,
		MaxQuestionLen:      cfg.Answer.MaxQuestionLength,
		MinSentenceCoverage: cl.minSentence,
		Timeout:             time.Duration(cfg.Answer.Timeout),
		CacheSize:           cfg.Answer.CacheSize,
		CacheTTL:            time.Duration(cfg.Answer.CacheTTL),
		Logger:              log,
		Observe:             cl.observe,
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

	var ix *retrieval.Index
	if cfg.OpenAI.UsesEmbeddings() {
		ix, err = buildAPIIndex(ctx, cfg, client, chunks, opt, log, progress, &rep)
		switch {
		case err == nil:
			embedding = cfg.OpenAI.EmbeddingModel
		case ctx.Err() == nil && !openaiclient.IsConfig(err):
			// The embeddings API is down: answer from local embeddings
			// rather than not at all, until the next start.
			log.Warn("the embeddings API is unavailable; using local embeddings until restart", "err", err)
			ix, rep.Embedder, rep.Path, rep.APIErr = nil, config.ModelLocal, "", err
		default:
			return nil, rep, fmt.Errorf("couldn't index the corpus: %w", err)
		}
	}
	if ix == nil {
		ix, err = retrieval.Build(ctx, chunks, opt)
		if err != nil {
			return nil, rep, fmt.Errorf("couldn't index the corpus: %w", err)
		}
		rep.BuildStats = retrieval.BuildStats{Chunks: len(chunks), Embedded: len(chunks)}
	}
	if cfg.OpenAI.UsesChat() {
		chat = cfg.OpenAI.ChatModel
		d := bot.NewOpenAIDrafter(client, chat)
		d.Temperature = float32(cfg.OpenAI.Temperature)
		bopt.Drafter = d
	}
	bopt.Model = chat + "/" + embedding
	rep.Elapsed = time.Since(start)
	return bot.New(c, ix, bopt), rep, nil
}

// buildAPIIndex embeds the chunks through the API, reusing the embeddings
// persisted under the data directory and saving the new ones.
func buildAPIIndex(ctx context.Context, cfg config.Config, client *openaiclient.Client, chunks []corpus.Chunk,
	opt retrieval.Options, log *slog.Logger, progress func(done, total int), rep *indexReport) (*retrieval.Index, error) {
	emb := retrieval.NewOpenAIEmbedder(client, cfg.OpenAI.EmbeddingModel)
	emb.Progress = progress
	opt.Embed = emb.Embed
	opt.EmbedDocuments = emb.EmbedDocuments
	// A failed query embedding ranks by BM25 alone rather than failing the
	// question, unless the configuration is wrong.
	opt.LexicalFallback = func(err error) bool { return !openaiclient.IsConfig(err) }
	rep.Embedder = cfg.OpenAI.EmbeddingModel + " at " + client.BaseURL()

	dir, err := dataDir(cfg)
	if err != nil {
		log.Warn("no data directory; the index will not be persisted", "err", err)
		ix, err := retrieval.Build(ctx, chunks, opt)
		rep.BuildStats = retrieval.BuildStats{Chunks: len(chunks), Embedded: len(chunks)}
		return ix, err
	}
	st := retrieval.NewStore(dir, cfg.OpenAI.EmbeddingModel, client.BaseURL())
	ix, stats, err := retrieval.BuildPersisted(ctx, chunks, opt, st)
	rep.BuildStats, rep.Path = stats, st.Path()
	if stats.Discarded != nil {
		log.Warn("the persisted index was unusable; rebuilding it", "path", st.Path(), "err", stats.Discarded)
	}
	if err != nil {
		return nil, err
	}
	if stats.SaveErr != nil {
		log.Warn("couldn't persist the index; it will be rebuilt at the next start", "path", st.Path(), "err", stats.SaveErr)
	}
	log.Debug("index ready", "chunks", stats.Chunks, "embedded", stats.Embedded, "reused", stats.Reused, "path", st.Path())
	return ix, nil
}

// dataDir is the configured data directory, or articlebot's directory in
// the user's cache directory.
func dataDir(cfg config.Config) (string, error) {
	if cfg.DataDir != "" {
		return cfg.DataDir, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", errors.New("set ARTICLEBOT_DATA_DIR (data_dir): there is no user cache directory")
	}
	return filepath.Join(dir, "articlebot"), nil
}
