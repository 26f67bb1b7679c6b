package retrieval

import (
	"context"
	"slices"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

// fakeNearest knows a few words' neighbours, most similar first.
func fakeNearest(table map[string][]Related) func(string, int) []Related {
	return func(w string, k int) []Related {
		ns := table[w]
		return ns[:min(k, len(ns))]
	}
}

var troopsNeighbours = map[string][]Related{
	"soldiers": {{"troops", 0.9}, {"army", 0.83}, {"wounded", 0.5}},
	"three":    {{"four", 0.95}},
	"blair":    {{"brown", 0.8}},
	"bayern":   {{"munich", 0.8}},
}

func neighbourOptions(nearest func(string, int) []Related) Options {
	return Options{Neighbours: Neighbours{Nearest: nearest, K: 10, Floor: 0.7, Weight: 0.5}}
}

func deploymentStories() []corpus.Chunk {
	chunks := storyChunksOf("deploy", "Pyongyang's deployment",
		"Pyongyang sent three thousand troops to the front, officials said.",
		"The army denied it.")
	chunks = append(chunks, storyChunksOf("hospital", "A new hospital",
		"The hospital treated the wounded from the crash.",
		"Blair opened a ward in Bayern; Brown stayed away.")...)
	return chunks
}

// TestNeighboursFindAParaphrase: the story says "troops", the question
// "soldiers"; with the neighbours in meaning the troops passage ranks
// first, without them no passage holds a word of the question.
func TestNeighboursFindAParaphrase(t *testing.T) {
	ctx := context.Background()
	question := "how many soldiers were sent"
	ix, err := Build(ctx, deploymentStories(), neighbourOptions(fakeNearest(troopsNeighbours)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, question, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Hits[0].Chunk.ID; got != "deploy-0" || res.Hits[0].LexicalRank != 1 {
		t.Errorf("first hit %s (lexical rank %d), want deploy-0 first by words", got, res.Hits[0].LexicalRank)
	}
	if w := res.Terms[Stem("troops")]; w != 0.45 {
		t.Errorf("troops weighs %v, want 0.5·0.9", w)
	}
	if _, ok := res.Terms[Stem("wounded")]; ok {
		t.Errorf("wounded (0.5) is below the 0.7 floor but is a term: %v", res.Terms)
	}
	plain, err := Build(ctx, deploymentStories(), Options{Neighbours: Neighbours{Weight: -1}})
	if err != nil {
		t.Fatal(err)
	}
	res, err = plain.Search(ctx, question, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Terms[Stem("troops")]; ok {
		t.Errorf("without neighbours troops is a term: %v", res.Terms)
	}
}

// TestNeighboursCountOnceWithTheirWord: a passage holding two neighbours
// of one question word scores as the better of them, not their sum, so
// that it doesn't outrank one holding the word itself.
func TestNeighboursCountOnceWithTheirWord(t *testing.T) {
	ctx := context.Background()
	chunks := append(deploymentStories(), storyChunksOf("parade", "A parade",
		"Troops of the army marched.")...)
	ix, err := Build(ctx, chunks, neighbourOptions(fakeNearest(troopsNeighbours)))
	if err != nil {
		t.Fatal(err)
	}
	terms, near := ix.queryTermsNear(Tokenize("soldiers"))
	q := ix.weighted(terms, near, expansionWeight)
	if len(q) != 2 || q[0].group != q[1].group {
		t.Fatalf("troops and army should form one group: %+v", q)
	}
	scoreOf := func(q []weightedTerm) float64 {
		for _, s := range ix.bm.top(q, 10, nil, nil) {
			if ix.chunks[s.doc].ID == "parade-0" {
				return s.score
			}
		}
		t.Fatalf("parade-0 doesn't score for %+v", q)
		return 0
	}
	group, troops, army := scoreOf(q), scoreOf(q[:1]), scoreOf(q[1:])
	if want := max(troops, army); group != want {
		t.Errorf("the passage holding troops and army scores %v, want the better of %v and %v", group, troops, army)
	}
	split := slices.Clone(q)
	split[1].group = split[0].group + 1
	if sum := scoreOf(split); sum <= group {
		t.Errorf("as two groups it scores %v, not more than as one (%v): the test shows nothing", sum, group)
	}
	stories := ix.stix.scores(q, defaultStoryWeights, nil)
	splitStories := ix.stix.scores(split, defaultStoryWeights, nil)
	at := func(sc []scored) float64 {
		for _, s := range sc {
			if ix.stories[s.doc].ID == "parade" {
				return s.score
			}
		}
		return 0
	}
	if at(stories) >= at(splitStories) {
		t.Errorf("the parade story scores %v as one group, %v as two: want less as one", at(stories), at(splitStories))
	}
}

// TestNeighboursSkipNamesAndNumbers: "three" is never widened to "four",
// "Blair" to "Brown", nor "bayern", typed in lower case but written as a
// name by the corpus, to "munich".
func TestNeighboursSkipNamesAndNumbers(t *testing.T) {
	ctx := context.Background()
	chunks := append(deploymentStories(), storyChunksOf("four", "Four of them",
		"Four officials and Munich's mayor met in Bayern on Friday.")...)
	ix, err := Build(ctx, chunks, neighbourOptions(fakeNearest(troopsNeighbours)))
	if err != nil {
		t.Fatal(err)
	}
	terms, _ := ix.queryTermsNear(Tokenize("Did Blair see three soldiers in bayern"))
	for _, w := range []string{"four", "brown", "munich"} {
		if _, ok := terms[Stem(w)]; ok {
			t.Errorf("%s is a term: %v", w, terms)
		}
	}
	if _, ok := terms[Stem("troops")]; !ok {
		t.Errorf("troops is not a term: %v", terms)
	}
	if !ix.writesAsName("bayern") || ix.writesAsName("officials") {
		t.Errorf("writesAsName(bayern)=%v, (officials)=%v; want true, false", ix.writesAsName("bayern"), ix.writesAsName("officials"))
	}
}

func TestWordNeighbours(t *testing.T) {
	ns := WordNeighbours("soldiers", 5)
	if len(ns) != 5 || !slices.ContainsFunc(ns, func(r Related) bool { return r.Word == "troops" }) {
		t.Errorf("WordNeighbours(soldiers) = %v, want troops among 5", ns)
	}
	for i := 1; i < len(ns); i++ {
		if ns[i].Similarity > ns[i-1].Similarity {
			t.Errorf("not most similar first: %v", ns)
		}
	}
	if ns := WordNeighbours("qzxv", 5); ns != nil {
		t.Errorf("WordNeighbours(qzxv) = %v, want nil", ns)
	}
}

// TestMeaningRankingFindsAParaphrase: "soldiers were dispatched" shares no
// word with "troops were deployed" but is nearest it in meaning.
func TestMeaningRankingFindsAParaphrase(t *testing.T) {
	ix, err := Build(context.Background(), storyChunksOf("border", "Border",
		"Officials held a long meeting about the weather.",
		"Thousands of troops were deployed to the frontier.",
		"The festival sold more tickets than last year."), Options{Neighbours: Neighbours{Weight: -1}})
	if err != nil {
		t.Fatal(err)
	}
	got := ix.meaningRanking(Tokenize("how many soldiers were dispatched"), []int{0}, 3)
	if len(got) != 3 || ix.chunks[got[0].doc].ID != "border-1" {
		t.Errorf("meaning ranking %v, want border-1 first of 3", got)
	}
}

// TestNeighboursOfAWordWithoutAVector: "telly" has no vector, so no
// neighbours of its own; its WordNet synonym "tv" has, and they widen
// the question as "telly"'s, in its group.
func TestNeighboursOfAWordWithoutAVector(t *testing.T) {
	ctx := context.Background()
	chunks := storyChunksOf("mobile", "Phones to show programmes",
		"Operators will put television on mobile phones.")
	chunks = append(chunks, storyChunksOf("cup", "Cup final",
		"The final was played in the rain.")...)
	opt := neighbourOptions(fakeNearest(map[string][]Related{"tv": {{"television", 0.9}}}))
	opt.Expand = func(w string) []string {
		if w == "telly" {
			return []string{"tv"}
		}
		return nil
	}
	ix, err := Build(ctx, chunks, opt)
	if err != nil {
		t.Fatal(err)
	}
	terms, near := ix.queryTermsNear(Tokenize("telly on the move"))
	if w := terms[Stem("television")]; w != 0.45 || near[Stem("television")] != Stem("telly") {
		t.Errorf("television weighs %v near %q, want 0.5·0.9 near telly: %v %v", w, near[Stem("television")], terms, near)
	}
	// A word with neighbours of its own keeps them only.
	ix, err = Build(ctx, chunks, neighbourOptions(fakeNearest(map[string][]Related{"tv": {{"television", 0.9}}, "telly": {{"phones", 0.8}}})))
	if err != nil {
		t.Fatal(err)
	}
	if terms, _ := ix.queryTermsNear(Tokenize("telly")); terms[Stem("television")] != 0 || terms[Stem("phones")] == 0 {
		t.Errorf("terms %v, want phones and not television", terms)
	}
}
