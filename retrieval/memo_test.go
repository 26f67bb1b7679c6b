package retrieval

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/articlebot/articlebot/corpus"
	"github.com/kljensen/snowball/english"
)

// qaQuestions are the built-in article's evaluation questions.
func qaQuestions(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../testdata/qa.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q struct{ Question string }
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatal(err)
		}
		out = append(out, q.Question)
	}
	if len(out) == 0 {
		t.Fatal("no questions")
	}
	return out
}

// TestSearchIsTheSameWhateverIsMemoised searches for every question three
// times: on a new index (nothing of it memoised), again, and from several
// goroutines at once on another new index; the results must be the same.
// Stems, synonyms and neighbours in meaning are memoised, and the
// embedding's best passage is found while the stories are ranked.
func TestSearchIsTheSameWhateverIsMemoised(t *testing.T) {
	ctx := context.Background()
	qs := qaQuestions(t)
	qs = append(qs, "who's the man in charge at bayern", "what did the soldiers and troops do", "")
	search := func(ix *Index, q string) *Result {
		t.Helper()
		res, err := ix.Find(ctx, Query{Text: q, K: 4})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	ix := buildBuiltin(t)
	first := make([]*Result, len(qs))
	for i, q := range qs {
		first[i] = search(ix, q)
	}
	other := buildBuiltin(t)
	var wg sync.WaitGroup
	again := make([][]*Result, 3)
	for g := range again {
		again[g] = make([]*Result, len(qs))
		wg.Go(func() {
			for i, q := range qs {
				again[g][i] = search(other, q)
			}
		})
	}
	wg.Wait()
	for i, q := range qs {
		for _, got := range [][]*Result{{search(ix, q)}, {again[0][i], again[1][i], again[2][i]}} {
			for _, r := range got {
				if d := gocmp.Diff(first[i], r, gocmp.Comparer(func(a, b error) bool { return a == b })); d != "" {
					t.Errorf("%q: differs from the first search (-first +again):\n%s", q, d)
				}
			}
		}
	}
}

// TestStemMemoIsTheStemmer checks Stem against the Snowball stemmer it
// memoises, for words met once and again, and past the memo's bound.
func TestStemMemoIsTheStemmer(t *testing.T) {
	words := []string{"running", "runs", "ran", "said", "sent", "troops", "quarterly", "profits", "rise", "a", "is", "generously"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, 3+r.IntN(8))
		for i := range b {
			b[i] = "abcdefghilmnoprstuy"[r.IntN(19)]
		}
		words = append(words, string(b)+[]string{"", "s", "ing", "ed", "ly", "ness"}[r.IntN(6)])
	}
	small := memo[string]{max: 100}
	for range 2 {
		for _, w := range words {
			want := english.Stem(w, false)
			if s, ok := irregular[w]; ok {
				want = s
			}
			if got := Stem(w); got != want {
				t.Errorf("Stem(%q) = %q, want %q", w, got, want)
			}
			if got := small.get(w, snowball); got != english.Stem(w, false) {
				t.Errorf("a full memo's stem of %q = %q", w, got)
			}
		}
	}
	if n := small.n.Load(); n != 100 {
		t.Errorf("the memo holds %d words, want its bound of 100", n)
	}
}

// TestStoryScoresMatchStoryByStory checks storyIndex.scores, which adds up in
// slices kept between queries term by term, against scoring each story
// in turn.
func TestStoryScoresMatchStoryByStory(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, syntheticChunks(3000, 5, 3), Options{Expand: Expand})
	if err != nil {
		t.Fatal(err)
	}
	ix.lexical()
	r := rand.New(rand.NewPCG(3, 4))
	n := uint32(len(ix.lex.stems))
	for q := range 200 {
		var query []weightedTerm
		for i := range 1 + r.IntN(6) {
			// Some groups of several terms, as neighbours make.
			g := uint32(i)
			for range 1 + r.IntN(3) {
				query = append(query, weightedTerm{term: r.Uint32N(n), w: 0.25 + r.Float64(), group: g})
			}
		}
		var keep func(uint32) bool
		if q%3 == 0 {
			keep = func(s uint32) bool { return s%4 != 0 }
		}
		got := ix.stix.scores(query, defaultStoryWeights, keep)
		want := storyByStoryScores(ix.stix, query, defaultStoryWeights, keep)
		if d := gocmp.Diff(want, got, gocmp.AllowUnexported(scored{})); d != "" {
			t.Fatalf("query %d %v (-story by story +scores):\n%s", q, query, d)
		}
	}
}

// storyByStoryScores is storyIndex.scores story by story: each story's score
// is the sum over the query's groups of its best term's score, for the
// stories holding a term of the query that keep allows.
func storyByStoryScores(si *storyIndex, query []weightedTerm, w storyWeights, keep func(story uint32) bool) []scored {
	var out []scored
	for st := range uint32(si.nStories) {
		if keep != nil && !keep(st) {
			continue
		}
		held, score := false, 0.0
		groups(query, func(lo, hi int) {
			best := 0.0
			for _, q := range query[lo:hi] {
				ps := si.postings[q.term]
				if i, ok := slices.BinarySearchFunc(ps, st, func(p storyPosting, st uint32) int { return cmp.Compare(p.story, st) }); ok {
					held = true
					best = max(best, si.termScore(ps[i], q.w, si.idf(q.term), w))
				}
			}
			score += best
		})
		if held {
			out = append(out, scored{int(st), score})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	return out
}

// TestSearchBreaksVectorTiesByID searches a collection holding one
// passage in eight stories, which the store's concurrent scan may return
// in any order: the embedding's best passage, and so the stories searched
// and the hits, must be the same every time.
func TestSearchBreaksVectorTiesByID(t *testing.T) {
	ctx := context.Background()
	chunks := syntheticChunks(200, 5, 9)
	for i := range 8 {
		chunks = append(chunks, corpus.Chunk{
			ID: fmt.Sprintf("dup%d-c0", i), ArticleID: fmt.Sprintf("dup%d", i), ArticleTitle: "Harbour news",
			Section: corpus.IntroSection, Text: "The harbour reopened after the storm, and the ferries sailed at dawn.",
		})
	}
	ix, err := Build(ctx, chunks, Options{Expand: Expand})
	if err != nil {
		t.Fatal(err)
	}
	var first *Result
	for i := range 40 {
		res, err := ix.Find(ctx, Query{Text: "When did the ferries sail after the harbour reopened?", K: 4})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = res
			continue
		}
		if d := gocmp.Diff(first, res); d != "" {
			t.Fatalf("search %d differs from the first (-first +again):\n%s", i, d)
		}
	}
	if !slices.Contains(first.Scope, "dup0") {
		t.Errorf("searched %v, want the first of the equal stories among them", first.Scope)
	}
}
