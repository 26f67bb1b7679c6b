package main

import (
	"context"
	"fmt"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/internal/config"
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

// loadCorpus loads the configured corpus, or the built-in article.
func loadCorpus(cfg config.Config) (*corpus.Corpus, error) {
	if cfg.CorpusDir != "" {
		return corpus.LoadDir(cfg.CorpusDir)
	}
	return corpus.Builtin()
}

// service loads the corpus, indexes it and returns the answering service.
func (cl *cli) service(ctx context.Context, e *env) (*bot.Service, error) {
	cfg, err := cl.config(e)
	if err != nil {
		return nil, err
	}
	c, err := loadCorpus(cfg)
	if err != nil {
		return nil, err
	}
	opt := retrieval.Options{Expand: retrieval.Expand}
	if cl.minCoverage > 0 {
		opt.Relevance = retrieval.DefaultRelevance
		opt.Relevance.MinCoverage = cl.minCoverage
	}
	ix, err := retrieval.Build(ctx, c.Chunks(), opt)
	if err != nil {
		return nil, fmt.Errorf("couldn't index the corpus: %w", err)
	}
	return bot.New(c, ix, bot.Options{
		TopK:                cfg.Answer.TopK,
		MaxQuestionLen:      cfg.Answer.MaxQuestionLength,
		MinSentenceCoverage: cl.minSentence,
	}), nil
}
