package retrieval

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/internal/openaitest"
)

func apiOptions(emb *OpenAIEmbedder) Options {
	return Options{Embed: emb.Embed, EmbedDocuments: emb.EmbedDocuments, Expand: Expand}
}

func TestPersistedIndexTakesOneRequestThenNone(t *testing.T) {
	srv := openaitest.New(t)
	dir := t.TempDir()
	chunks := builtinChunks(t)
	ctx := context.Background()

	emb := newOpenAIEmbedder(t, srv)
	ix, stats, err := BuildPersisted(ctx, chunks, apiOptions(emb), NewStore(dir, emb.Model(), ""))
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(openaitest.Embeddings); n != 1 {
		t.Errorf("first build: %d embedding requests, want 1 batch", n)
	}
	if stats.Embedded != len(chunks) || stats.Reused != 0 || stats.Discarded != nil || stats.SaveErr != nil {
		t.Errorf("first build: %+v", stats)
	}

	// A restart: a new embedder and store over the same directory.
	srv.Reset()
	emb2 := newOpenAIEmbedder(t, srv)
	ix2, stats, err := BuildPersisted(ctx, chunks, apiOptions(emb2), NewStore(dir, emb2.Model(), ""))
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(openaitest.Embeddings); n != 0 {
		t.Errorf("second build: %d embedding requests, want 0", n)
	}
	if stats.Embedded != 0 || stats.Reused != len(chunks) {
		t.Errorf("second build: %+v", stats)
	}
	for id, v := range ix.Embeddings() {
		w := ix2.Embeddings()[id]
		for i := range v {
			if v[i] != w[i] {
				t.Fatalf("chunk %s: reloaded embedding differs", id)
			}
		}
	}
}

func TestChangedArticleReembedsOnlyItsChunks(t *testing.T) {
	srv := openaitest.New(t)
	dir, data := t.TempDir(), t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("harbour.md", "---\ntitle: Harbour\n---\nThe harbour reopened on Monday.\n\nFerries resume in June.\n")
	write("rail.md", "---\ntitle: Rail\n---\nThe new line opens in May.\n\nTickets go on sale next week.\n\nFares stay the same.\n")
	build := func() BuildStats {
		c, err := corpus.LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		emb := newOpenAIEmbedder(t, srv)
		_, stats, err := BuildPersisted(context.Background(), c.Chunks(), apiOptions(emb), NewStore(data, emb.Model(), ""))
		if err != nil {
			t.Fatal(err)
		}
		return stats
	}
	build()
	write("rail.md", "---\ntitle: Rail\n---\nThe new line opens in July.\n\nTickets go on sale next week.\n\nFares stay the same.\n")
	srv.Reset()
	stats := build()
	if srv.Count(openaitest.Embeddings) != 1 || srv.Inputs() != 1 || stats.Embedded != 1 || stats.Reused != 4 {
		t.Errorf("after changing one paragraph: %d requests, %d texts embedded, stats %+v; want 1, 1",
			srv.Count(openaitest.Embeddings), srv.Inputs(), stats)
	}
	if got := srv.Requests()[0].Inputs[0]; !strings.Contains(got, "July") {
		t.Errorf("re-embedded %q, want the changed paragraph", got)
	}
}

func TestCorruptIndexIsRebuilt(t *testing.T) {
	chunks := builtinChunks(t)
	corruptions := map[string]func(b []byte) []byte{
		"flipped byte": func(b []byte) []byte { b[len(b)-10] ^= 0xff; return b },
		"truncated":    func(b []byte) []byte { return b[:len(b)/2] },
		"empty":        func([]byte) []byte { return nil },
		"garbage":      func([]byte) []byte { return []byte("{not json\x00\x01") },
		"other model": func(b []byte) []byte {
			return []byte(strings.Replace(string(b), `"model":"text-embedding-test"`, `"model":"other"`, 1))
		},
		"not unit vectors": func(b []byte) []byte {
			return []byte(strings.Replace(string(b), `"dims":256`, `"dims":128`, 1))
		},
	}
	for name, corrupt := range corruptions {
		t.Run(name, func(t *testing.T) {
			srv := openaitest.New(t)
			dir := t.TempDir()
			emb := newOpenAIEmbedder(t, srv)
			st := NewStore(dir, emb.Model(), "")
			if _, _, err := BuildPersisted(context.Background(), chunks, apiOptions(emb), st); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(st.Path())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(st.Path(), corrupt(raw), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := st.load(context.Background()); !errors.Is(err, ErrCorruptIndex) {
				t.Fatalf("Load of a damaged file: err = %v", err)
			}
			srv.Reset()
			ix, stats, err := BuildPersisted(context.Background(), chunks, apiOptions(emb), st)
			if err != nil {
				t.Fatal(err)
			}
			if !errors.Is(stats.Discarded, ErrCorruptIndex) || stats.Embedded != len(chunks) || srv.Count(openaitest.Embeddings) != 1 {
				t.Errorf("stats %+v after %d requests; want the damage reported and everything re-embedded", stats, srv.Count(openaitest.Embeddings))
			}
			if got, err := st.load(context.Background()); err != nil || got == nil || len(got.chunkVectors()) != len(chunks) {
				t.Errorf("the rebuilt file: %v, err %v", got, err)
			}
			if res, err := ix.Search(context.Background(), "How many troops has North Korea sent?", 1); err != nil || !strings.Contains(res.Hits[0].Chunk.Text, "15,000") {
				t.Errorf("search after rebuild: %v", err)
			}
		})
	}
}

func TestStoreIsPerModel(t *testing.T) {
	dir := t.TempDir()
	a, b := NewStore(dir, "model-a", ""), NewStore(dir, "model/b:latest", "http://localhost:11434/v1")
	if a.Path() == b.Path() || strings.ContainsAny(filepath.Base(b.Path()), "/:") {
		t.Errorf("paths %s and %s", a.Path(), b.Path())
	}
	if NewStore(dir, "m", "http://a/v1").Path() == NewStore(dir, "m", "http://b/v1").Path() {
		t.Error("one model on two servers shares a store")
	}
	ctx := context.Background()
	if _, _, err := BuildPersisted(ctx, builtinChunks(t), Options{}, a); err != nil {
		t.Fatal(err)
	}
	if got, err := b.load(ctx); err != nil || got != nil {
		t.Errorf("another model's store: %v, %v", got, err)
	}
	// The same file under another model's name is foreign, not trusted.
	if err := os.Rename(a.Path(), b.Path()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.load(ctx); !errors.Is(err, ErrCorruptIndex) {
		t.Errorf("another model's file: err = %v", err)
	}
}

func TestConcurrentBuildsAreSerialised(t *testing.T) {
	srv := openaitest.New(t)
	emb := newOpenAIEmbedder(t, srv)
	st := NewStore(t.TempDir(), emb.Model(), "")
	chunks := builtinChunks(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			ix, _, err := BuildPersisted(context.Background(), chunks, apiOptions(emb), st)
			if err == nil {
				_, err = ix.Search(context.Background(), "troops", 2)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// The first build embeds; the others, serialised after it, reuse its
	// embeddings and only embed their queries.
	if n := srv.Count(openaitest.Embeddings); n != 1+len(errs) {
		t.Errorf("%d embedding requests, want 1 batch plus a query per search", n)
	}
}

func BenchmarkBuildPersistedReuse(b *testing.B) {
	srv := openaitest.New(b)
	emb := newOpenAIEmbedder(b, srv)
	st := NewStore(b.TempDir(), emb.Model(), "")
	chunks := builtinChunks(b)
	if _, _, err := BuildPersisted(context.Background(), chunks, apiOptions(emb), st); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := BuildPersisted(context.Background(), chunks, apiOptions(emb), st); err != nil {
			b.Fatal(err)
		}
	}
}
