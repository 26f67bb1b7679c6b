package retrieval

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/articlebot/articlebot/internal/openaiclient"
	"github.com/articlebot/articlebot/internal/openaitest"
)

// noSleep makes retries immediate.
func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

func newOpenAIEmbedder(t testing.TB, srv *openaitest.Server) *OpenAIEmbedder {
	t.Helper()
	c := openaiclient.New(openaiclient.Config{BaseURL: srv.URL, MaxRetries: 2, Backoff: openaiclient.Backoff{Sleep: noSleep}})
	return NewOpenAIEmbedder(c, "text-embedding-test")
}

func TestOpenAIEmbedderBatchesAndNormalises(t *testing.T) {
	srv := openaitest.New(t)
	emb := newOpenAIEmbedder(t, srv)
	texts := make([]string, 10)
	for i := range texts {
		texts[i] = fmt.Sprintf("passage number %d about troops", i)
	}
	vecs, err := emb.EmbedDocuments(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(openaitest.Embeddings); n != 1 {
		t.Errorf("%d requests for 10 texts, want 1", n)
	}
	want := openaitest.HashEmbed("", texts)
	for i, v := range vecs {
		if n := norm(v); n < 0.999 || n > 1.001 {
			t.Errorf("vector %d has norm %f", i, n)
		}
		// The fake lists embeddings in reverse: each must still match its text.
		w := Normalize(want[i])
		for j := range v {
			if v[j] != w[j] {
				t.Fatalf("vector %d is not its text's embedding", i)
			}
		}
	}
}

func TestOpenAIEmbedderRespectsLimits(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetMaxInputs(4)
	emb := newOpenAIEmbedder(t, srv)
	emb.BatchSize = 4
	var progress []string
	emb.Progress = func(done, total int) { progress = append(progress, fmt.Sprintf("%d/%d", done, total)) }
	texts := make([]string, 10)
	for i := range texts {
		texts[i] = strings.Repeat("word ", i+1)
	}
	vecs, err := emb.EmbedDocuments(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 10 || srv.Count(openaitest.Embeddings) != 3 {
		t.Errorf("%d vectors in %d requests, want 10 in 3", len(vecs), srv.Count(openaitest.Embeddings))
	}
	if got := strings.Join(progress, " "); got != "4/10 8/10 10/10" {
		t.Errorf("progress = %s", got)
	}
	srv.Reset()
	emb.BatchSize, emb.BatchChars = 100, 20
	if _, err := emb.EmbedDocuments(context.Background(), texts[:4]); err != nil {
		t.Fatal(err)
	}
	for _, r := range srv.Requests() {
		chars := 0
		for _, in := range r.Inputs {
			chars += len(in)
		}
		if chars > 20 && len(r.Inputs) > 1 {
			t.Errorf("a request of %d characters in %d inputs exceeds the limit", chars, len(r.Inputs))
		}
	}
}

func TestOpenAIEmbedderPrefetch(t *testing.T) {
	srv := openaitest.New(t)
	emb := newOpenAIEmbedder(t, srv)
	ctx := context.Background()
	if err := emb.Prefetch(ctx, []string{"when did they meet", "what did they agree"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"when did they meet", "what did they agree"} {
		if _, err := emb.Embed(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Count(openaitest.Embeddings); n != 1 {
		t.Errorf("%d requests for two prefetched queries, want 1", n)
	}
	if _, err := emb.Embed(ctx, "when did they meet"); err != nil || srv.Count(openaitest.Embeddings) != 2 {
		t.Errorf("a prefetched query is used once: %d requests", srv.Count(openaitest.Embeddings))
	}
	// A failed prefetch fails the queries without more requests.
	srv.Reset()
	srv.Fail(openaitest.Embeddings, openaitest.ServerError(), 3)
	if err := emb.Prefetch(ctx, []string{"a", "b"}); err == nil {
		t.Fatal("prefetch succeeded against a failing server")
	}
	for _, q := range []string{"a", "b"} {
		if _, err := emb.Embed(ctx, q); err == nil {
			t.Errorf("%s: no error", q)
		}
	}
	if n := srv.Count(openaitest.Embeddings); n != 3 {
		t.Errorf("%d requests, want the 3 attempts of the prefetch only", n)
	}
}

// Two compound questions answered at once each keep their prefetched parts.
func TestOpenAIEmbedderPrefetchesOfConcurrentQuestionsDontEvictEachOther(t *testing.T) {
	srv := openaitest.New(t)
	emb := newOpenAIEmbedder(t, srv)
	ctx := context.Background()
	if err := emb.Prefetch(ctx, []string{"q1 part a", "q1 part b"}); err != nil {
		t.Fatal(err)
	}
	if err := emb.Prefetch(ctx, []string{"q2 part a", "q2 part b"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"q1 part a", "q1 part b", "q2 part a", "q2 part b"} {
		if _, err := emb.Embed(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Count(openaitest.Embeddings); n != 2 {
		t.Errorf("%d embedding requests, want 2 (one prefetch per question)", n)
	}
}

func TestOpenAIEmbedderErrors(t *testing.T) {
	srv := openaitest.New(t)
	srv.RequireKey("sk-right")
	emb := newOpenAIEmbedder(t, srv)
	_, err := emb.Embed(context.Background(), "q")
	if !openaiclient.IsConfig(err) {
		t.Errorf("wrong key: err = %v", err)
	}
	srv.SetEmbed(func(model string, inputs []string) [][]float32 { return [][]float32{{1, 0}} })
	srv.RequireKey("")
	if _, err := emb.EmbedDocuments(context.Background(), []string{"a", "b"}); err == nil || !strings.Contains(err.Error(), "got 1 embeddings for 2") {
		t.Errorf("short reply: err = %v", err)
	}
}

func TestLexicalFallbackWhenQueryEmbeddingFails(t *testing.T) {
	srv := openaitest.New(t)
	emb := newOpenAIEmbedder(t, srv)
	chunks := builtinChunks(t)
	opt := Options{Embed: emb.Embed, EmbedDocuments: emb.EmbedDocuments, Expand: Expand,
		LexicalFallback: func(err error) bool { return !openaiclient.IsConfig(err) }}
	ix, err := Build(context.Background(), chunks, opt)
	if err != nil {
		t.Fatal(err)
	}
	srv.Fail(openaitest.Embeddings, openaitest.ServerError(), 3)
	res, err := ix.Search(context.Background(), "How many troops has North Korea sent to Russia?", 3)
	if err != nil {
		t.Fatal(err)
	}
	if res.EmbedErr == nil || !res.Covered || !strings.Contains(res.Hits[0].Chunk.Text, "15,000") || res.Hits[0].VectorRank != 0 {
		t.Errorf("lexical fallback: embedErr %v, covered %v, top %q", res.EmbedErr, res.Covered, res.Hits[0].Chunk.Text)
	}
	srv.RequireKey("sk-other")
	if _, err := ix.Search(context.Background(), "troops", 3); !openaiclient.IsConfig(err) {
		t.Errorf("a configuration error must not fall back: %v", err)
	}
}

// Over-long inputs are cut on a character boundary, within the model's
// token limit whatever its tokenizer: at most one token per byte.
func TestOpenAIEmbedderCutsLongInputs(t *testing.T) {
	srv := openaitest.New(t)
	emb := newOpenAIEmbedder(t, srv)
	texts := []string{
		"a" + strings.Repeat("é", 15000),
		strings.Repeat("北朝鮮の兵士 ", 3000),
		strings.Repeat("troops ", 5000),
		"short passage",
	}
	if _, err := emb.EmbedDocuments(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	if _, err := emb.Embed(context.Background(), texts[0]); err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, r := range srv.Requests() {
		inputs = append(inputs, r.Inputs...)
	}
	if len(inputs) != 5 {
		t.Fatalf("%d inputs sent, want 5", len(inputs))
	}
	for i, in := range inputs {
		orig := texts[i%len(texts)]
		if i == 4 {
			orig = texts[0]
		}
		switch {
		case !utf8.ValidString(in):
			t.Errorf("input %d is cut inside a character", i)
		case len(in) > DefaultMaxInputTokens:
			t.Errorf("input %d has %d bytes, more than the %d tokens the model takes", i, len(in), DefaultMaxInputTokens)
		case !strings.HasPrefix(orig, in) || len(in) < min(len(orig), DefaultMaxInputTokens-16):
			t.Errorf("input %d (%d bytes) is not the text's start, cut to fit (%d bytes)", i, len(in), len(orig))
		}
	}
	if inputs[3] != "short passage" {
		t.Errorf("a short input was changed: %q", inputs[3])
	}
}
