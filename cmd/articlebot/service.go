package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"

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
		return cfg, badInput(err)
	}
	if cl.corpusDir != "" {
		// A --corpus that names no directory is a mistake in the call
		// (exit 2), like an unknown article; a directory that can't be
		// read is a failure found while loading (exit 1).
		switch info, err := os.Stat(cl.corpusDir); {
		case err != nil:
			return cfg, cl.usagef("--corpus %s: no such directory", cl.corpusDir)
		case !info.IsDir():
			return cfg, cl.usagef("--corpus %s is a file, not a directory: --corpus takes the folder the articles are in", cl.corpusDir)
		}
		cfg.CorpusDir = cl.corpusDir
	}
	if err := cfg.Validate(); err != nil {
		return cfg, badInput(fmt.Errorf("invalid configuration:\n%w", err))
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

// app resolves the configuration and builds the program, logging to
// standard error.
func (cl *cli) app(ctx context.Context, e *env, opt AppOptions) (*App, error) {
	cfg, err := cl.config(e)
	if err != nil {
		return nil, err
	}
	opt.Stderr = e.stderr
	opt.MinCoverage = cl.minCoverage
	return NewApp(ctx, cfg, opt)
}

// service builds the program and returns its answering service, for the
// commands that only answer.
func (cl *cli) service(ctx context.Context, e *env) (*bot.Service, error) {
	a, err := cl.app(ctx, e, AppOptions{})
	if err != nil {
		return nil, err
	}
	return a.Service, nil
}

// indexReport says how the index was built, for `articlebot index`.
type indexReport struct {
	Articles int
	// Duplicates are stories loaded once, as another's alias.
	Duplicates int
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

// buildAPIIndex embeds the chunks through the API, reusing the embeddings
// persisted under the data directory and saving the new ones.
func buildAPIIndex(ctx context.Context, cfg config.Config, emb *retrieval.OpenAIEmbedder, client *openaiclient.Client, chunks []corpus.Chunk,
	opt retrieval.Options, log *slog.Logger, rep *indexReport) (*retrieval.Index, error) {
	opt.Embed = emb.Embed
	opt.EmbedDocuments = emb.EmbedDocuments
	// A failed query embedding ranks by BM25 alone rather than failing the
	// question, even when the configuration is wrong: the answer's event
	// says so, and the App reports the degraded state.
	opt.LexicalFallback = func(error) bool { return true }
	rep.Embedder = cfg.OpenAI.EmbeddingModel + " at " + client.BaseURL()

	return buildIndex(ctx, cfg, chunks, opt, cfg.OpenAI.EmbeddingModel, client.BaseURL(), log, rep, nil)
}

// buildLocalIndex indexes the chunks with local embeddings: persisted under
// the data directory for a corpus directory, in memory for the built-in
// article (a few dozen passages index faster than a file is read, and a
// first `ask` should write nothing).
func buildLocalIndex(ctx context.Context, cfg config.Config, c *corpus.Corpus, chunks []corpus.Chunk, opt retrieval.Options,
	log *slog.Logger, rep *indexReport) (*retrieval.Index, error) {
	if cfg.CorpusDir == "" {
		ix, err := retrieval.Build(ctx, chunks, opt)
		rep.BuildStats = retrieval.BuildStats{Chunks: len(chunks), Embedded: len(chunks), Tokenized: len(chunks)}
		if ix != nil {
			rep.Stories, rep.Processed = len(ix.Stories()), len(ix.Stories())
		}
		return ix, err
	}
	return buildIndex(ctx, cfg, chunks, opt, retrieval.NewLocalEmbedder(opt.LocalDims).Model(), "", log, rep,
		func(st *retrieval.Store) (*retrieval.Index, retrieval.BuildStats, error) {
			// The corpus is saved with the index, for openLocalIndex.
			return retrieval.BuildPersistedCorpus(ctx, c, chunks, programVersion(), opt, st)
		})
}

// openLocalIndex loads the configured collection and its local index
// through the index file in the data directory (retrieval.OpenCorpus):
// from the file alone when no story file changed, reading and processing
// only the changed ones otherwise, and saving the result. It returns nil
// for the built-in article, for API embeddings or without a data
// directory, and the caller loads and builds.
func openLocalIndex(ctx context.Context, cfg config.Config, opt retrieval.Options, reread bool, log *slog.Logger, rep *indexReport) (*corpus.Corpus, *retrieval.Index, error) {
	if cfg.CorpusDir == "" || cfg.OpenAI.UsesEmbeddings() {
		return nil, nil, nil
	}
	dir, err := corpusDataDir(cfg)
	if err != nil {
		return nil, nil, nil
	}
	st := retrieval.NewStore(dir, retrieval.NewLocalEmbedder(opt.LocalDims).Model(), "")
	c, ix, stats, err := retrieval.OpenCorpus(ctx, cfg.CorpusDir, programVersion(), reread, opt, st)
	if err != nil {
		return nil, nil, err
	}
	if stats.Reread > 0 {
		logLoad(c, log)
	}
	rep.BuildStats, rep.Path = stats, st.Path()
	logBuild(log, st, stats)
	return c, ix, nil
}

// buildIndex builds the index persisted under the corpus's data directory
// for model, re-processing only new and changed stories; without a data
// directory it builds in memory.
func buildIndex(ctx context.Context, cfg config.Config, chunks []corpus.Chunk, opt retrieval.Options,
	model, server string, log *slog.Logger, rep *indexReport,
	build func(st *retrieval.Store) (*retrieval.Index, retrieval.BuildStats, error)) (*retrieval.Index, error) {
	dir, err := corpusDataDir(cfg)
	if err != nil {
		log.Warn("no data directory; the index will not be persisted", "err", err)
		ix, err := retrieval.Build(ctx, chunks, opt)
		rep.BuildStats = retrieval.BuildStats{Chunks: len(chunks), Embedded: len(chunks), Tokenized: len(chunks)}
		return ix, err
	}
	st := retrieval.NewStore(dir, model, server)
	if build == nil {
		build = func(st *retrieval.Store) (*retrieval.Index, retrieval.BuildStats, error) {
			return retrieval.BuildPersisted(ctx, chunks, opt, st)
		}
	}
	ix, stats, err := build(st)
	rep.BuildStats, rep.Path = stats, st.Path()
	if err != nil {
		if stats.Discarded != nil {
			log.Warn("the persisted index was unusable; rebuilding it", "path", st.Path(), "err", stats.Discarded)
		}
		return nil, err
	}
	logBuild(log, st, stats)
	return ix, nil
}

// logBuild logs what went wrong with a persisted index, and what was done.
func logBuild(log *slog.Logger, st *retrieval.Store, stats retrieval.BuildStats) {
	if stats.Discarded != nil {
		log.Warn("the persisted index was unusable; rebuilding it", "path", st.Path(), "err", stats.Discarded)
	}
	if stats.SaveErr != nil {
		log.Warn("couldn't persist the index; it will be rebuilt at the next start", "path", st.Path(), "err", stats.SaveErr)
	}
	log.Debug("index ready", "chunks", stats.Chunks, "embedded", stats.Embedded, "reused", stats.Reused, "files_read", stats.Reread, "path", st.Path())
}

// corpusDataDir is where the configured corpus's index lives: the data
// directory for the built-in article, and a folder of it named for the
// corpus directory (its base name and a hash of its absolute path) for a
// collection, so that two collections don't take turns rebuilding one file.
func corpusDataDir(cfg config.Config) (string, error) {
	dir, err := dataDir(cfg)
	if err != nil || cfg.CorpusDir == "" {
		return dir, err
	}
	abs, err := filepath.Abs(cfg.CorpusDir)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	name := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, filepath.Base(abs))
	return filepath.Join(dir, "corpora", name+"-"+hex.EncodeToString(sum[:4])), nil
}

// dataDir is the configured data directory, or articlebot's directory in
// the user's cache directory.
func dataDir(cfg config.Config) (string, error) {
	if cfg.DataDir != "" {
		return cfg.DataDir, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", badInput(errors.New("set ARTICLEBOT_DATA_DIR (data_dir): there is no user cache directory"))
	}
	return filepath.Join(dir, "articlebot"), nil
}

// programVersion identifies the program's build: its VCS revision when it
// was built from a clean checkout, else its executable's size and time.
var programVersion = sync.OnceValue(func() string {
	id := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		id = bi.Main.Path + "@" + bi.Main.Version
		clean := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				id += " " + s.Value
				clean = true
			case "vcs.modified":
				clean = clean && s.Value == "false"
			}
		}
		if clean {
			return id
		}
	}
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			id += fmt.Sprintf(" %s %d %d", exe, st.Size(), st.ModTime().UnixNano())
		}
	}
	return id
})
