package bot

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Cross-validation folds are split by story, as the halves are, and a
// fold's data keeps each case's candidates and ranking groups together.
func TestCrossValidationFoldsByStory(t *testing.T) {
	var d fitData
	for i, story := range []string{"a.txt", "b.txt", "a.txt", "", "c.txt", ""} {
		d.cases = append(d.cases, fitCase{c: EvalCase{ID: string(rune('p' + i)), Story: story}})
		first := len(d.xs)
		for j := 0; j < 2; j++ {
			var x features
			x[fBias], x[fSim] = 1, float64(i)
			d.xs = append(d.xs, x)
			d.ys = append(d.ys, float64(j))
		}
		d.rows = append(d.rows, [2]int{first, len(d.xs)})
		d.groups = append(d.groups, fitGroup{first: first, end: len(d.xs), positives: 1})
	}
	fold := d.folds()
	if fold[0] != fold[2] {
		t.Errorf("two questions about a.txt are in folds %d and %d", fold[0], fold[2])
	}
	if fold[0] == fold[1] || fold[3] == fold[5] {
		t.Errorf("folds %v: different stories, and questions of none, should be dealt out", fold)
	}
	sub := d.subset(func(i int) bool { return d.cases[i].c.Story == "a.txt" })
	if len(sub.cases) != 2 || len(sub.xs) != 4 || len(sub.groups) != 2 {
		t.Fatalf("fold of a.txt: %d cases, %d rows, %d groups; want 2, 4, 2", len(sub.cases), len(sub.xs), len(sub.groups))
	}
	if g := sub.groups[1]; g.first != 2 || g.end != 4 || sub.xs[g.first][fSim] != 2 {
		t.Errorf("second group %+v does not point at the third case's rows", g)
	}
	var drop [nFeatures]bool
	drop[fSim] = true
	if w := d.without(drop); w.xs[3][fSim] != 0 || d.xs[3][fSim] != 1 || w.xs[3][fBias] != 1 {
		t.Errorf("without similarity: %v (from %v)", w.xs[3][:fSim+1], d.xs[3][:fSim+1])
	}
}

// recordingRetriever records the queries a service makes.
type recordingRetriever struct {
	Retriever
	queries *[]Query
}

func (r recordingRetriever) Find(ctx context.Context, q Query) (*SearchResult, error) {
	*r.queries = append(*r.queries, q)
	return r.Retriever.Find(ctx, q)
}

var _ Retriever = recordingRetriever{}

// Fit scores the candidates Answer scores: it searches each part of a
// question as Answer does, the parts of a two-part question first in the
// stories the whole of it is about.
func TestFitSearchesAsAnswerDoes(t *testing.T) {
	c, r := builtinRetriever(t)
	var queries []Query
	svc := New(c, recordingRetriever{r, &queries}, Options{})
	q := "How many troops did North Korea send, and when did Kim and Putin speak?"
	if _, err := svc.Answer(context.Background(), Request{Question: q}, nil); err != nil {
		t.Fatal(err)
	}
	answered := queries
	queries = nil
	cases := []EvalCase{{ID: "x", Kind: KindMulti, Question: q, Answer: AnswerGroups{{"15,000"}, {"August 13"}}}}
	if _, _, err := svc.Fit(context.Background(), cases, FitOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(answered) < 2 || answered[0].About == "" {
		t.Fatalf("Answer's queries %+v: want two parts searched within the whole question's stories", answered)
	}
	if diff := cmp.Diff(answered, queries); diff != "" {
		t.Errorf("Fit's queries differ from Answer's (-Answer +Fit):\n%s", diff)
	}
}

// Cross-validation counts the answerable parts whose answering sentence
// ranks first, apart from the thresholds.
func TestRankedFirstCountsAnsweringSentencesRankedFirst(t *testing.T) {
	sentence := func(text string, sim float64) candidate {
		c := candidate{text: text}
		c.f[fBias], c.f[fSim] = 1, sim
		return c
	}
	part := fitPart{cands: []candidate{sentence("The bridge opened.", 1), sentence("It cost 15,000 pounds.", 0)}}
	fcs := []fitCase{
		{c: EvalCase{ID: "a", Kind: KindFact, Answer: AnswerGroups{{"15,000"}}}, parts: []fitPart{part}},
		{c: EvalCase{ID: "b", Kind: KindFact, Answer: AnswerGroups{{"June"}}}, parts: []fitPart{part}},
		{c: EvalCase{ID: "c", Kind: KindUnanswerable}, parts: []fitPart{part}},
	}
	for _, tc := range []struct {
		sim         float64
		first, want int
	}{{1, 0, 1}, {-1, 1, 1}} {
		m := &Model{Weights: make([]float64, nFeatures)}
		m.Weights[fSim] = tc.sim
		first, rankable := rankedFirst(fcs, same(m, len(fcs)), func(string, string) bool { return false })
		if first != tc.first || rankable != tc.want {
			t.Errorf("similarity weight %v: %d of %d parts ranked first, want %d of %d", tc.sim, first, rankable, tc.first, tc.want)
		}
	}
}

// Asked alone, a calibration question is searched within its own story,
// as Answer searches a question restricted to one article; the fit asks
// it of the whole corpus too.
func TestAloneSearchesTheStoryAsArticleDoes(t *testing.T) {
	c, r := builtinRetriever(t)
	var queries []Query
	svc := New(c, recordingRetriever{r, &queries}, Options{})
	art := c.Articles[0]
	q := "How many troops did North Korea send?"
	if _, err := svc.Answer(context.Background(), Request{Question: q, Article: art.ID}, nil); err != nil {
		t.Fatal(err)
	}
	scoped := queries
	if len(scoped) == 0 || scoped[0].Article != art.ID {
		t.Fatalf("Answer's queries %+v: want them restricted to %s", scoped, art.ID)
	}
	cases := []EvalCase{{ID: "x", Kind: KindFact, Story: art.Path, Question: q, Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"15,000"}}}
	for name, run := range map[string]func() error{
		"fit": func() error { _, _, err := svc.Fit(context.Background(), cases, FitOptions{Alone: true}); return err },
		"evaluate": func() error {
			_, err := svc.EvaluateAlone(context.Background(), "x", SplitAll, append(cases, EvalCase{ID: "y", Kind: KindOffTopic, Question: "Who won the World Cup?"}))
			return err
		},
	} {
		queries = nil
		if err := run(); err != nil {
			t.Fatal(err)
		}
		var alone, whole int
		for _, q := range queries {
			switch q.Article {
			case art.ID:
				alone++
			case "":
				whole++
			}
		}
		if alone == 0 || name == "evaluate" && whole > 0 || name == "fit" && whole == 0 {
			t.Errorf("%s: %d queries of the story alone, %d of the whole corpus: %+v", name, alone, whole, queries)
		}
	}
}

// Asked both ways, a question is still one question: the report counts it
// once.
func TestAloneCountsEachQuestionOnce(t *testing.T) {
	c, r := builtinRetriever(t)
	svc := New(c, r, Options{})
	art := c.Articles[0]
	cases := []EvalCase{{ID: "x", Kind: KindFact, Story: art.Path, Question: "How many troops did North Korea send?", Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"15,000"}}}
	_, rep, err := svc.Fit(context.Background(), cases, FitOptions{Alone: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Questions != 1 || rep.Answerable != 1 {
		t.Errorf("questions %d, answerable %d: want 1 and 1", rep.Questions, rep.Answerable)
	}
}

// Fit with Thresholds keeps the service's weights, gate and support level.
func TestThresholdsKeepTheWeights(t *testing.T) {
	c, r := builtinRetriever(t)
	svc := New(c, r, Options{})
	cases := []EvalCase{
		{ID: "x", Kind: KindFact, Question: "How many troops did North Korea send?", Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"15,000"}},
		{ID: "y", Kind: KindUnanswerable, Question: "Who won the World Cup?"},
	}
	m, _, err := svc.Fit(context.Background(), cases, FitOptions{Thresholds: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Weights, svc.model.Weights) || m.Gate != svc.model.Gate || m.Support != svc.model.Support {
		t.Errorf("refit model %+v: want the service's weights, gate and support %+v", m, svc.model)
	}
	if m.Answer <= 0 || m.Answer >= 1 {
		t.Errorf("answer threshold %.3f", m.Answer)
	}
}

// Fit compares, on the calibration questions, the refit decided by
// cross-validation with the service's own model: here the embedded model,
// which answers the troops question and refuses the World Cup.
func TestFitComparesWithTheServicesModel(t *testing.T) {
	c, r := builtinRetriever(t)
	svc := New(c, r, Options{})
	cases := []EvalCase{
		{ID: "x", Kind: KindFact, Question: "How many troops did North Korea send?", Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"15,000"}},
		{ID: "y", Kind: KindUnanswerable, Question: "Who won the World Cup?"},
	}
	_, rep, err := svc.Fit(context.Background(), cases, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Service == nil || rep.Refit == nil {
		t.Fatalf("no comparison: %+v", rep)
	}
	if got := rep.Service.Collection; got["answerable"] != 1 || got["unanswerable"] != 1 {
		t.Errorf("service's model: %v, want both questions right", rep.Service)
	}
	if _, ok := rep.Refit.Collection["unanswerable"]; !ok || len(rep.Refit.Collection) != 2 {
		t.Errorf("refit: %v, want the two groups", rep.Refit)
	}
}

// The margin refuses a best sentence that doesn't stand out from the next
// other sentence; the same sentence twice (overlapping passages, a
// story's duplicate) is no other sentence.
func TestMarginRefusesABestThatDoesNotStandOut(t *testing.T) {
	cand := func(text string, p float64) candidate { return candidate{text: text, p: p, terms: map[string]bool{}} }
	cut := Cutoffs{Answer: 0.2, Follow: 0.9, Margin: 0.1}
	for _, tt := range []struct {
		name   string
		cands  []candidate
		answer bool
	}{
		{"stands out", []candidate{cand("a", 0.6), cand("b", 0.3)}, true},
		{"close runner-up", []candidate{cand("a", 0.6), cand("b", 0.55)}, false},
		{"the same sentence twice", []candidate{cand("a", 0.6), cand("a", 0.6), cand("b", 0.3)}, true},
		{"alone", []candidate{cand("a", 0.6)}, true},
		{"below the answer threshold", []candidate{cand("a", 0.15)}, false},
	} {
		d := pick(analysis{}, tt.cands, cut, func(string, string) bool { return false })
		if got := len(d.picked) > 0; got != tt.answer {
			t.Errorf("%s: answered %v, want %v", tt.name, got, tt.answer)
		}
	}
	if d := pick(analysis{}, []candidate{cand("a", 0.6), cand("b", 0.55)}, Cutoffs{Answer: 0.2, Follow: 0.9}, nil); len(d.picked) != 1 {
		t.Error("no margin: a close runner-up refused the question")
	}
}

// A question asked of its story alone is decided in groups of its own:
// the thresholds must serve one-story questions (the built-in article,
// --article) as well as a collection's, and the worst group of either
// counts.
func TestAloneCasesAreGroupsOfTheirOwn(t *testing.T) {
	var tl tally
	fcs := []fitCase{
		{c: EvalCase{Kind: KindUnanswerable}},
		{c: EvalCase{Kind: KindUnanswerable}, alone: true, parts: []fitPart{{cands: []candidate{{text: "a", p: 0.9, terms: map[string]bool{}}}}}},
	}
	tl.add(fcs, same(DefaultModel, 2), Cutoffs{Answer: 0.5, Follow: 0.5}, func(string, string) bool { return false })
	if tl.total["unanswerable"] != 1 || tl.total["unanswerable"+aloneGroup] != 1 {
		t.Fatalf("groups %v, want the collection's and the story's apart", tl.total)
	}
	if w := tl.worst(); w != 0 {
		t.Errorf("worst %.3f, want 0: the story alone answered its unanswerable question", w)
	}
}
