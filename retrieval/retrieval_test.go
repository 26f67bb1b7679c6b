package retrieval

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/articlebot/articlebot/corpus"
)

func builtinChunks(t testing.TB) []corpus.Chunk {
	t.Helper()
	c, err := corpus.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return c.Chunks()
}

func buildBuiltin(t testing.TB) *Index {
	t.Helper()
	ix, err := Build(context.Background(), builtinChunks(t), Options{Expand: Expand})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestTokenize(t *testing.T) {
	var got []string
	for _, tok := range Tokenize("Kim’s troops—15,000 of them—were sent to the DPRK-Russia front in 2024.") {
		got = append(got, tok.Word+"/"+tok.Stem)
	}
	want := []string{"kim/kim", "troops/troop", "15000/15000", "sent/send", "dprk/dprk", "russia/russia", "front/front", "2024/2024"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Tokenize (-want +got):\n%s", d)
	}
	if a, b := Stems("Kim's letter"), Stems("Kim’s letter"); !cmp.Equal(a, b) {
		t.Errorf("typographic apostrophe changes stems: %v vs %v", a, b)
	}
	toks := Tokenize("Did China send troops? Yes. China did.")
	if !toks[0].Capital || toks[len(toks)-1].Capital {
		t.Errorf("Capital: a name mid-sentence is capital, a sentence's first word is not: %+v", toks)
	}
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func TestLocalEmbedderUnitVectors(t *testing.T) {
	e := NewLocalEmbedder(0)
	for _, text := range []string{"troops", "", "the of and", "???", "Pyongyang Moscow alliance"} {
		v, err := e.Embed(context.Background(), text)
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != LocalDims {
			t.Fatalf("%q: %d dims", text, len(v))
		}
		if n := norm(v); math.Abs(n-1) > 1e-5 {
			t.Errorf("%q: norm %f, want 1", text, n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Embed(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

func TestLocalEmbedderSimilarity(t *testing.T) {
	e := NewLocalEmbedder(0)
	dot := func(a, b string) float64 {
		va, _ := e.Embed(context.Background(), a)
		vb, _ := e.Embed(context.Background(), b)
		var s float64
		for i := range va {
			s += float64(va[i]) * float64(vb[i])
		}
		return s
	}
	if near, far := dot("troop", "troops sent to Russia"), dot("troop", "a birthday letter to Putin"); near <= far {
		t.Errorf("similarity: troop~troops %f <= troop~letter %f", near, far)
	}
}

func TestNormalize(t *testing.T) {
	if n := norm(Normalize([]float32{3, 4})); math.Abs(n-1) > 1e-6 {
		t.Errorf("norm = %f", n)
	}
	if n := norm(Normalize(make([]float32, 8))); math.Abs(n-1) > 1e-6 {
		t.Errorf("zero vector normalised to norm %f; it must not stay all-zero", n)
	}
}

func TestSearchFindsTheTroopsPassage(t *testing.T) {
	ix := buildBuiltin(t)
	res, err := ix.Search(context.Background(), "How many troops has North Korea sent to Russia?", 3)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Covered {
		t.Errorf("not covered: coverage %.2f, missing %v", res.Coverage, res.Missing)
	}
	if len(res.Hits) != 3 {
		t.Fatalf("%d hits, want 3", len(res.Hits))
	}
	if top := res.Hits[0]; !strings.Contains(top.Chunk.Text, "15,000 troops") || top.VectorRank == 0 || top.LexicalRank == 0 {
		t.Errorf("top hit = %+v", top)
	}
}

func TestSearchClampsK(t *testing.T) {
	ix := buildBuiltin(t)
	res, err := ix.Search(context.Background(), "alliance", 1000)
	if err != nil {
		t.Fatalf("k over the collection size: %v", err)
	}
	if len(res.Hits) != ix.Len() {
		t.Errorf("%d hits, want all %d", len(res.Hits), ix.Len())
	}
	if _, err := ix.Search(context.Background(), "alliance", 0); err == nil {
		t.Error("k=0: no error")
	}
}

func TestSearchRefusesOffTopic(t *testing.T) {
	ix := buildBuiltin(t)
	for _, q := range []string{
		"Who won the 2022 World Cup?",
		"How many troops did China send to Russia?",
		"When will Keir Starmer visit India?",
		"",
		"the and of",
	} {
		res, err := ix.Search(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if res.Covered {
			t.Errorf("%q: covered (coverage %.2f); the article doesn't answer it", q, res.Coverage)
		}
	}
}

func TestBoilerplateIsNotIndexed(t *testing.T) {
	ix := buildBuiltin(t)
	res, err := ix.Search(context.Background(), "Keir Starmer official visit to India", ix.Len())
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if strings.Contains(h.Chunk.Text, "Starmer") {
			t.Errorf("boilerplate indexed: %s", h.Chunk.ID)
		}
	}
}

// Expansion draws on WordNet only: synonyms and derivationally related
// forms. No list maps a news metonym ("the Kremlin") to a place.
func TestExpansionUsesSynonymsAndDerivedForms(t *testing.T) {
	ix := buildBuiltin(t)
	res, err := ix.Search(context.Background(), "When did Russia invade Ukraine?", 3)
	if err != nil {
		t.Fatal(err)
	}
	if res.Terms[Stem("invasion")] != expansionWeight {
		t.Errorf("invade did not expand to invasion: terms %v", res.Terms)
	}
	if got := Expand("kremlin"); len(got) != 0 {
		t.Errorf("Expand(kremlin) = %v, want nothing: metonym lists are gone", got)
	}
	if got := Expand("telephone"); !strings.Contains(strings.Join(got, " "), "phone") {
		t.Errorf("Expand(telephone) = %v", got)
	}
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Build(ctx, nil, Options{}); err == nil {
		t.Error("no chunks: no error")
	}
	chunks := builtinChunks(t)
	if _, err := Build(ctx, append(chunks, chunks[0]), Options{}); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate chunk: err = %v", err)
	}
	short := func(ctx context.Context, texts []string) ([][]float32, error) { return [][]float32{{1}}, nil }
	if _, err := Build(ctx, chunks, Options{EmbedDocuments: short}); err == nil {
		t.Error("embedder returning too few vectors: no error")
	}
	failing := func(ctx context.Context, text string) ([]float32, error) { return nil, errors.New("boom") }
	if _, err := Build(ctx, chunks, Options{Embed: failing}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("failing embedder: err = %v", err)
	}
}

func TestBuildReusesPrecomputedEmbeddings(t *testing.T) {
	ctx := context.Background()
	chunks := builtinChunks(t)
	first, err := Build(ctx, chunks, Options{})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	local := NewLocalEmbedder(0)
	counting := func(ctx context.Context, texts []string) ([][]float32, error) {
		calls++
		out := make([][]float32, len(texts))
		for i, t := range texts {
			out[i], _ = local.Embed(ctx, t)
		}
		return out, nil
	}
	pre := first.Embeddings()
	delete(pre, chunks[0].ID)
	if _, err := Build(ctx, chunks, Options{EmbedDocuments: counting, Embed: local.Embed, Precomputed: pre}); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("%d embedding calls, want 1 for the one missing chunk", calls)
	}
}

func BenchmarkBuildIndex(b *testing.B) {
	chunks := builtinChunks(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(context.Background(), chunks, Options{Expand: Expand}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	ix := buildBuiltin(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Search(context.Background(), "How many troops has North Korea sent to Russia?", 4); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStemUndoublesBritishL: British spelling doubles the "l" of "trial"
// before "-ing" and "-ed", where Porter2 leaves it; a word's own double
// "l" stays.
func TestStemUndoublesBritishL(t *testing.T) {
	for _, tt := range []struct{ words []string }{
		{[]string{"trial", "trials", "trialling", "trialled"}},
		{[]string{"dial", "dialling", "dialled"}},
		{[]string{"fuel", "fuelling", "fuelled"}},
		{[]string{"travel", "travelling", "travelled"}},
		{[]string{"fall", "falling"}},
		{[]string{"call", "called", "calling"}},
	} {
		want := Stem(tt.words[0])
		for _, w := range tt.words[1:] {
			if got := Stem(w); got != want {
				t.Errorf("Stem(%q) = %q, want %q as Stem(%q)", w, got, want, tt.words[0])
			}
		}
	}
	// A vowel pair sounded as one doubles no "l": "Neill" is no "Neil".
	for _, w := range []string{"neill", "marseille", "braille", "quell"} {
		if got := Stem(w); !strings.HasSuffix(got, "ll") {
			t.Errorf("Stem(%q) = %q, want its double l kept", w, got)
		}
	}
	if got := Stem("falling"); got != "fall" {
		t.Errorf("Stem(falling) = %q, want fall", got)
	}
}
