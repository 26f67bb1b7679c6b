package retrieval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

// syntheticChunks makes n chunks over stories of per chunks each, from a
// small vocabulary, so that words recur across stories.
func syntheticChunks(n, per int, seed uint64) []corpus.Chunk {
	words := strings.Fields(`market shares profit bank rates election minister vote party match goal
		league striker film award actor music album phone software internet court judge police
		strike union wages oil prices growth budget tax school health hospital transport rail`)
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]corpus.Chunk, n)
	for i := range out {
		var b strings.Builder
		for j := range 12 + r.IntN(30) {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		story := i / per
		out[i] = corpus.Chunk{
			ID: fmt.Sprintf("s%d-c%d", story, i), ArticleID: fmt.Sprintf("s%d", story),
			ArticleTitle: fmt.Sprintf("Story %d", story), Section: corpus.IntroSection, Seq: i % per, Text: b.String(),
		}
	}
	return out
}

// recordingStore is a VectorStore that records how many results each query
// asked for.
type recordingStore struct {
	VectorStore
	asked []int
}

func (s *recordingStore) Query(ctx context.Context, vec []float32, k int, story string) ([]VectorHit, error) {
	s.asked = append(s.asked, k)
	return s.VectorStore.Query(ctx, vec, k, story)
}

var _ VectorStore = (*recordingStore)(nil)

func TestSearchAsksTheStoreForWhatFusionNeeds(t *testing.T) {
	rec := &recordingStore{}
	opt := Options{NewVectorStore: func() (VectorStore, error) {
		s, err := NewChromemStore()
		rec.VectorStore = s
		return rec, err
	}}
	// A search of the whole collection: one narrowed to a few stories
	// scores their chunks' vectors without the store.
	opt.StoryPolicy = StoryPolicy{Margin: math.Inf(1)}
	ix, err := Build(context.Background(), syntheticChunks(2000, 5, 1), opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(context.Background(), "oil prices and growth", 4); err != nil {
		t.Fatal(err)
	}
	if len(rec.asked) != 1 || rec.asked[0] >= 200 {
		t.Errorf("asked the store for %v results of %d, want the fusion depth", rec.asked, ix.Len())
	}
}

// TestTopKMatchesFullRanking checks the bounded-depth fusion against fusing
// the full rankings: the same top hits.
func TestTopKMatchesFullRanking(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, syntheticChunks(1500, 6, 2), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"oil prices", "striker goal league", "court judge police strike", "film"} {
		got, err := ix.Search(ctx, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		full, err := ix.Search(ctx, q, ix.Len())
		if err != nil {
			t.Fatal(err)
		}
		ids := func(hs []Hit) []string {
			var out []string
			for _, h := range hs {
				out = append(out, h.Chunk.ID)
			}
			return out
		}
		if a, b := ids(got.Hits), ids(full.Hits[:5]); !slices.Equal(a, b) {
			t.Errorf("%q: top 5 %v, full ranking's %v", q, a, b)
		}
	}
}

func TestBM25PostingsMatchBruteForce(t *testing.T) {
	chunks := syntheticChunks(300, 3, 3)
	ix, err := Build(context.Background(), chunks, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id := ix.lex.ids[Stem("profit")]
	got := ix.bm.top([]weightedTerm{{term: id, w: 1, group: id}}, len(chunks), nil, nil)
	n := 0
	for i, c := range chunks {
		if slices.Contains(Stems(c.IndexText()), Stem("profit")) {
			n++
			if !slices.ContainsFunc(got, func(s scored) bool { return s.doc == i }) {
				t.Errorf("chunk %d holds the term but was not scored", i)
			}
		}
	}
	if len(got) != n {
		t.Errorf("scored %d chunks, %d hold the term", len(got), n)
	}
	for i := 1; i < len(got); i++ {
		if better(got[i], got[i-1]) {
			t.Fatalf("not best first at %d", i)
		}
	}
}

func TestFindScopesToOneStory(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, syntheticChunks(600, 6, 4), Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Find(ctx, Query{Text: "oil prices", K: 10, Article: "s7"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 6 {
		t.Errorf("%d hits, want the story's 6 chunks", len(res.Hits))
	}
	for _, h := range res.Hits {
		if h.Chunk.ArticleID != "s7" {
			t.Errorf("hit from %s, want only s7", h.Chunk.ArticleID)
		}
	}
	if _, err := ix.Find(ctx, Query{Text: "oil", K: 3, Article: "nope"}); !errors.Is(err, ErrUnknownStory) {
		t.Errorf("unknown story: err = %v", err)
	}
}

func TestLocalVectorsDependOnlyOnTheChunk(t *testing.T) {
	ctx := context.Background()
	chunks := syntheticChunks(100, 5, 5)
	a, err := Build(ctx, chunks[:10], Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(ctx, chunks, Options{})
	if err != nil {
		t.Fatal(err)
	}
	va, vb := a.Embeddings()[chunks[3].ID], b.Embeddings()[chunks[3].ID]
	if !slices.Equal(va, vb) {
		t.Error("a chunk's local vector changed with the rest of the corpus")
	}
}

// shufflingStore is a VectorStore that returns its results in a random
// order among equal similarities, as a concurrent scan may.
type shufflingStore struct {
	VectorStore
	r *rand.Rand
}

func (s *shufflingStore) Query(ctx context.Context, vec []float32, k int, story string) ([]VectorHit, error) {
	hits, err := s.VectorStore.Query(ctx, vec, k, story)
	s.r.Shuffle(len(hits), func(i, j int) { hits[i], hits[j] = hits[j], hits[i] })
	slices.SortStableFunc(hits, func(a, b VectorHit) int {
		switch {
		case a.Similarity > b.Similarity:
			return -1
		case a.Similarity < b.Similarity:
			return 1
		}
		return 0
	})
	return hits, err
}

// TestEqualVectorsRankTheSameEveryTime: two stories with the same text
// (a collection holding one story twice) have equal vectors; whatever
// order the store returns them in, the ranking is the same every time.
func TestEqualVectorsRankTheSameEveryTime(t *testing.T) {
	chunks := syntheticChunks(200, 5, 3)
	for i := 100; i < 105; i++ {
		chunks[i].Text, chunks[i].ArticleTitle = chunks[i-100].Text, chunks[i-100].ArticleTitle
	}
	opt := Options{NewVectorStore: func() (VectorStore, error) {
		s, err := NewChromemStore()
		return &shufflingStore{VectorStore: s, r: rand.New(rand.NewPCG(7, 7))}, err
	}}
	ix, err := Build(context.Background(), chunks, opt)
	if err != nil {
		t.Fatal(err)
	}
	order := func() string {
		res, err := ix.Search(context.Background(), chunks[2].Text, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, fmt.Sprintf("%s@%d", h.Chunk.ID, h.VectorRank))
		}
		return strings.Join(ids, " ")
	}
	first := order()
	for range 20 {
		if got := order(); got != first {
			t.Fatalf("the ranking changed between runs:\n%s\n%s", first, got)
		}
	}
}
