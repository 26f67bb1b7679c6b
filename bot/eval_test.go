package bot

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// bbc is the service over the whole BBC collection, built once per test
// process: indexing 2,225 stories is the expensive part of evaluating them.
var bbc struct {
	once sync.Once
	svc  *Service
	err  error
}

func bbcService(tb testing.TB) *Service {
	tb.Helper()
	if _, err := os.Stat(bbcDir); errors.Is(err, fs.ErrNotExist) {
		tb.Skipf("%s is absent", bbcDir)
	}
	bbc.once.Do(func() {
		c, err := corpus.LoadDir(bbcDir)
		if err != nil {
			bbc.err = err
			return
		}
		ix, err := retrieval.Build(context.Background(), c.Chunks(), retrieval.Options{Expand: retrieval.Expand})
		if err != nil {
			bbc.err = err
			return
		}
		bbc.svc = New(c, testRetriever(ix), Options{})
	})
	if bbc.err != nil {
		tb.Fatal(bbc.err)
	}
	return bbc.svc
}

func readSet(tb testing.TB, file string) *EvalSet {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	set, err := ReadEvalSet(f, strings.TrimSuffix(filepath.Base(file), ".jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	return set
}

// raceEnabled is set by race_test.go: under the race detector the BBC
// collection takes too long to evaluate, and the evaluation tests no
// concurrency the other tests don't.
var raceEnabled bool

// evalRatchets are the levels of issue 10's answering model (bot/model.json,
// fit on the BBC calibration half), measured on 2026-12-01. The levels
// before it were lower on the BBC held-out half for refusals and wrong
// stories, higher for answers there and on the built-in set, whose word
// lists and thresholds had been fitted to its own 60 questions. Raise them
// as answers improve: a change that lowers a floor, or raises the share of
// answers citing another story, fails here.
// On 2026-12-02, after story-first retrieval, the answering model gained
// the answer's place beside the question's focus words, focus coverage in
// the sentence, the vector match's lead, a ranking loss in its fit and
// multi-part questions that carry their names (measured against main):
// held-out answers 0.588 -> 0.603, unanswerable refused 0.478 -> 0.609,
// other-story answers 0.100 -> 0.074; built-in answers 0.674 -> 0.696,
// unanswerable refused 0.643 -> 0.714; Kessford unanswerable refused 0.250
// -> 0.625. For it, held-out
// off-topic refusals fell 1.000 -> 0.933 ("How do you say thank you in
// Japanese?" finds a story holding all its everyday words) and Kessford
// answers 0.733 -> 0.667 (a paraphrase refused): the thresholds, fit on
// the calibration half, trade them.
// The BBC set is guarded on its held-out half only; its calibration half
// is for fitting.
var evalRatchets = []struct {
	file, split string
	// floors
	answer, unanswerable, offTopic, passageAt4 float64
	// ceiling
	otherStory float64
	// lower asks the questions in lower case (LowerCase)
	lower bool
}{
	// A question asking for a number, a date or a name is answered only by
	// a sentence stating one (2026-12-02): built-in unanswerable refused
	// 0.714 -> 0.786.
	// A story lacking half or more of the question's names answers
	// nothing (2026-12-03, chosen on the BBC calibration half): 0.786 ->
	// 0.857.
	{"../testdata/qa.jsonl", SplitAll, 0.695, 0.855, 0, 0.891, 0, false},
	// In lower case (2026-12-04, when a lower-case question first got the
	// capitals of the words the corpus writes as names): answers 0.717 ->
	// 0.674, unanswerable refused 0.786 as it was; the questions as
	// written are unchanged. A word the corpus never uses read as a name
	// by the background collection's use ("china"): unanswerable refused
	// 0.786 -> 0.857.
	{"../testdata/qa.jsonl", SplitAll, 0.67, 0.855, 0, 0.891, 0, true},
	// "What material" wants a substance (WordNet), which the story never
	// names (2026-12-02): unanswerable refused 0.625 -> 0.750.
	// For "how much", a count of things is no amount (2026-12-03): 0.750
	// -> 0.875.
	{"../testdata/kessford.jsonl", SplitAll, 0.666, 0.875, 1, 1, 0, false},
	{"../testdata/kessford.jsonl", SplitAll, 0.666, 0.875, 1, 1, 0, true},
	// Story-first retrieval (2026-12-02) raised held-out answers 0.471 ->
	// 0.588, passage recall@4 0.721 -> 0.868 and lowered answers citing
	// another story 0.141 -> 0.114; unanswerable questions refused fell
	// 0.565 -> 0.478, as they are about the same names and topic as their
	// story, whose passages the model now reads instead of scattered ones.
	// Ranking each part's stories by the whole question lowered it to
	// 0.100 (mixed 0.043 -> 0.014).
	// Numbers inside dates and times are no counts, a price no count of
	// things, a day or a month no one, and a "what"/"which" question's
	// noun says the kind of fact (WordNet): unanswerable refused 0.609 ->
	// 0.696 (2026-12-02); a question asking for a number, a date or a name
	// answered only by a sentence stating one: 0.696 -> 0.739.
	// The set grew from 220 to 415 questions on 2026-12-02 (30 more stories
	// chosen at random, written before any was asked): the held-out half,
	// 106 -> 204 questions, measured with the same model answers 0.664
	// (was 0.632), refuses 0.679 of unanswerable questions (was 0.739) and
	// 0.957 of off-topic ones (0.933); other story 0.064, passage@4 0.867.
	// The answer-type and name checks of 2026-12-03, chosen on the
	// calibration half (a "how many" count counts what is asked, a "how
	// much" wants an amount, a story lacking half the question's names
	// answers nothing, ...): held-out unanswerable refused 0.679 -> 0.755,
	// other story 0.063 -> 0.050, answers 0.664 -> 0.672.
	// The set grew from 415 to 610 questions on 2026-12-03 (30 more
	// stories chosen at random, written before any was asked): the
	// held-out half, 204 -> 301 questions, measured with the same model
	// answers 0.644 (was 0.672), refuses 0.687 of unanswerable questions
	// (was 0.755) and 0.967 of off-topic ones (0.957); other story 0.067
	// (0.050), passage@4 0.851 (0.867). Its new questions alone, on
	// stories no rule was chosen with: 0.583 / 0.567 / 1.000, other
	// story 0.102. The 24-hour clock with its zone as a time of day
	// ("1945 GMT"): answers 0.644 -> 0.649.
	// A lower-case question given the capitals of the words the corpus
	// writes as names (2026-12-04, chosen on the calibration half as
	// written and in lower case): unanswerable refused 0.687 -> 0.723,
	// other story 0.066 -> 0.057, answers 0.649 -> 0.633 (paraphrases,
	// written in lower case, 0.298 -> 0.234: named, they answer as their
	// capitalised forms do).
	// An answer stating every part but saying nothing answers the rest is
	// wrong (2026-12-04, a measure made stricter, no answer changed):
	// held-out answers 0.633 -> 0.622 (t353-4, b168-4), in lower case
	// 0.622 -> 0.612.
	{"../testdata/bbc-dev.jsonl", SplitHeldOut, 0.62, 0.72, 0.965, 0.85, 0.06, false},
	// In lower case, with the capitals restored (before: answers 0.654,
	// unanswerable refused 0.578, off-topic refused 0.967, other story
	// 0.089).
	{"../testdata/bbc-dev.jsonl", SplitHeldOut, 0.61, 0.685, 0.965, 0.85, 0.06, true},
	// Two-part questions one part of which the story doesn't answer
	// (2026-12-04, written before any was asked, one per story of the
	// development set, in its halves): held-out, 0.532 stated the answered
	// part and said the rest went unanswered (calibration 0.604).
	{"../testdata/bbc-partial.jsonl", SplitHeldOut, 0.53, 0, 0, 0.93, 0.03, false},
}

func TestEvalRatchet(t *testing.T) {
	for _, r := range evalRatchets {
		name := filepath.Base(r.file)
		if r.lower {
			name += " in lower case"
		}
		t.Run(name, func(t *testing.T) {
			set := readSet(t, r.file)
			var svc *Service
			switch set.Corpus {
			case "":
				svc = newService(t)
			case bbcDir:
				if raceEnabled {
					t.Skip("the BBC collection is too slow to evaluate under the race detector")
				}
				svc = bbcService(t)
			default:
				svc = dirService(t, filepath.Join("../testdata", set.Corpus))
			}
			cases, _ := Select(set.Cases, r.split)
			if r.lower {
				cases = LowerCase(cases)
			}
			rep, err := svc.Evaluate(context.Background(), set.Name, r.split, cases)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %s: answers %.3f, unanswerable refused %.3f, off-topic refused %.3f, other story %.3f, mixed %.3f, recall %+v",
				set.Name, r.split, rep.AnswerAccuracy, rep.UnanswerableRefused, rep.OffTopicRefused, rep.OtherStory, rep.Mixed, rep.Recall)
			for _, m := range []struct {
				name      string
				got, want float64
			}{
				{"answer accuracy", rep.AnswerAccuracy, r.answer},
				{"unanswerable refused", rep.UnanswerableRefused, r.unanswerable},
				{"off-topic refused", rep.OffTopicRefused, r.offTopic},
				{"passage recall@4", rep.Recall[1].Passage, r.passageAt4},
			} {
				if m.got < m.want {
					t.Errorf("%s fell to %.3f, below the ratchet %.3f", m.name, m.got, m.want)
				}
			}
			if rep.OtherStory > r.otherStory {
				t.Errorf("answers citing another story rose to %.3f, above the ratchet %.3f", rep.OtherStory, r.otherStory)
			}
		})
	}
}

// TestEvalSetsAreWellFormed checks what ReadEvalSet can't: that every
// story exists, that its evidence is in it, and that the BBC set's halves
// are split by story and balanced across folders.
func TestEvalSetsAreWellFormed(t *testing.T) {
	kinds := map[string]int{}
	for _, r := range evalRatchets {
		set := readSet(t, r.file)
		for _, c := range set.Cases {
			kinds[c.Kind]++
		}
	}
	for _, k := range EvalKinds {
		if kinds[k] < 3 {
			t.Errorf("only %d %s questions", kinds[k], k)
		}
	}
	if _, err := os.Stat(bbcDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is absent", bbcDir)
	}
	set := readSet(t, "../testdata/bbc-dev.jsonl")
	splitOf := map[string]string{}
	halves := map[string]map[string]int{}   // split → folder → stories
	perSplit := map[string]map[string]int{} // split → kind → questions
	for _, c := range set.Cases {
		if perSplit[c.Split] == nil {
			perSplit[c.Split] = map[string]int{}
		}
		perSplit[c.Split][c.Kind]++
		if c.Split == "" {
			t.Errorf("%s has no split", c.ID)
		}
		if c.Story == "" {
			continue
		}
		if s, ok := splitOf[c.Story]; ok && s != c.Split {
			t.Errorf("%s: story %s is in both halves", c.ID, c.Story)
		} else if !ok {
			splitOf[c.Story] = c.Split
			folder, _, _ := strings.Cut(c.Story, "/")
			if halves[c.Split] == nil {
				halves[c.Split] = map[string]int{}
			}
			halves[c.Split][folder]++
		}
		checkEvidence(t, c)
	}
	// The partial questions are about the same stories, in the same halves.
	for _, c := range readSet(t, "../testdata/bbc-partial.jsonl").Cases {
		if s, ok := splitOf[c.Story]; !ok || s != c.Split {
			t.Errorf("%s: story %s is in the %q half, not %q as in bbc-dev.jsonl", c.ID, c.Story, c.Split, s)
		}
		checkEvidence(t, c)
	}
	if len(splitOf) < 30 {
		t.Errorf("the BBC set covers %d stories, want 30 or more", len(splitOf))
	}
	for _, folder := range []string{"business", "entertainment", "politics", "sport", "tech"} {
		a, b := halves[SplitCalibration][folder], halves[SplitHeldOut][folder]
		if a == 0 || b == 0 || a-b > 1 || b-a > 1 {
			t.Errorf("%s stories split %d/%d", folder, a, b)
		}
	}
	for _, k := range EvalKinds {
		if k == KindPartial {
			continue // in bbc-partial.jsonl, a question per story of these
		}
		a, b := perSplit[SplitCalibration][k], perSplit[SplitHeldOut][k]
		if a == 0 || b == 0 || float64(max(a, b)) > 1.3*float64(min(a, b)) {
			t.Errorf("%s questions split %d/%d", k, a, b)
		}
	}
}

// checkEvidence checks that a BBC case's story exists and holds its
// evidence.
func checkEvidence(t *testing.T, c EvalCase) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(bbcDir, c.Story))
	if err != nil {
		t.Errorf("%s: %v", c.ID, err)
		return
	}
	for _, ev := range c.Evidence {
		if !strings.Contains(fold(string(raw)), fold(ev)) {
			t.Errorf("%s: evidence %q is not in %s", c.ID, ev, c.Story)
		}
	}
}

// dirService is the service over a directory's articles.
func dirService(t *testing.T, dir string) *Service {
	t.Helper()
	c, err := corpus.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return serviceOver(t, c)
}

// A case built in code is checked as a file's are: an answerable one
// without evidence is an error, not a panic.
func TestEvaluateChecksItsCases(t *testing.T) {
	cases := []EvalCase{{ID: "x", Kind: KindFact, Question: "How many troops?", Answer: AnswerGroups{{"15,000"}}}}
	if _, err := newService(t).Evaluate(context.Background(), "t", SplitAll, cases); err == nil || !strings.Contains(err.Error(), "evidence") {
		t.Errorf("err = %v, want one about the missing evidence", err)
	}
}

func TestEvaluateNamesAMissingStory(t *testing.T) {
	cases := []EvalCase{{ID: "x", Kind: KindUnanswerable, Story: "business/999.txt", Question: "Who?"}}
	if _, err := newService(t).Evaluate(context.Background(), "t", SplitAll, cases); err == nil || !strings.Contains(err.Error(), "business/999.txt") {
		t.Errorf("err = %v, want one naming the missing story", err)
	}
}

// An evaluation scores answers, not the machine's speed: the answer and
// search deadlines, which a loaded machine can overrun, don't apply to it.
// (Under -race at load 17 a dialogue set failed with the search's "context
// deadline exceeded".) Outside an evaluation they still do.
func TestEvaluationRunsWithoutDeadlines(t *testing.T) {
	c, r := builtinRetriever(t)
	svc := New(c, r, Options{Timeout: time.Nanosecond, SearchTimeout: time.Nanosecond})
	cases := []EvalCase{{ID: "troops", Kind: KindFact, Question: "How many troops has North Korea sent to Russia?", Answer: AnswerGroups{{"15,000"}},
		Evidence: []string{"around 15,000 troops"}}}
	rep, err := svc.Evaluate(context.Background(), "t", SplitAll, cases)
	if err != nil || !rep.Results[0].Correct {
		t.Errorf("evaluation under a 1ns deadline: err %v, %+v", err, rep)
	}
	d := []Dialogue{{ID: "d", Turns: []DialogueTurn{{Kind: KindFact, Question: "How many troops has North Korea sent to Russia?", Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"around 15,000 troops"}},
		{Kind: KindFact, Question: "who reported that?", Standalone: "Who reported the troops North Korea sent?", Answer: AnswerGroups{{"National Intelligence Service"}},
			Evidence: []string{"National Intelligence Service"}}}}}
	if _, err := svc.EvaluateDialogues(context.Background(), "d", SplitAll, d); err != nil {
		t.Errorf("dialogues under a 1ns deadline: %v", err)
	}
	if _, err := svc.Ask(context.Background(), "How many troops has North Korea sent to Russia?"); err == nil {
		t.Error("a question outside an evaluation ignored its 1ns deadline")
	}
}

// TestTimeWarnerAcceptance is issue 9's acceptance question, asked of the
// whole BBC collection: it is answered with "76%" from the Time Warner
// story, whose title the source names.
func TestTimeWarnerAcceptance(t *testing.T) {
	if raceEnabled {
		t.Skip("the BBC collection is too slow to index under the race detector")
	}
	svc := bbcService(t)
	a, err := svc.Ask(context.Background(), "How much did Time Warner's quarterly profits rise?")
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || !strings.Contains(a.Text, "76%") {
		t.Fatalf("answer %q: want 76%%", a.Text)
	}
	if len(a.Sources) == 0 || a.Sources[0].Article != "Ad sales boost Time Warner profit" {
		t.Errorf("sources %+v: want the first from “Ad sales boost Time Warner profit”", a.Sources)
	}
}

// A question's sentence rank says where the model ranks the first
// candidate sentence stating the expected fact: 1 when the best does, 0
// when none does, so a wrong answer at rank 1 is the decision's fault.
func TestSentenceRank(t *testing.T) {
	cases := []EvalCase{
		{ID: "troops", Kind: KindFact, Question: "How many troops has North Korea sent to Russia?", Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"15,000 troops"}},
		{ID: "absent", Kind: KindFact, Question: "How many troops has North Korea sent to Russia?", Answer: AnswerGroups{{"90,000"}}, Evidence: []string{"90,000"}},
		{ID: "two", Kind: KindMulti, Question: "How many troops has North Korea sent to Russia, and when did Kim and Putin speak on the phone?",
			Answer: AnswerGroups{{"15,000"}, {"August 13"}}, Evidence: []string{"15,000 troops", "on August 13"}},
		{ID: "world cup", Kind: KindUnanswerable, Question: "Who won the 2022 World Cup?"},
	}
	rep, err := newService(t).Evaluate(context.Background(), "t", SplitAll, cases)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1, 0, 1, 0} {
		if got := rep.Results[i].SentenceRank; got != want {
			t.Errorf("%s: sentence rank %d, want %d", cases[i].ID, got, want)
		}
	}
	if got, want := rep.SentenceAt1, 2.0/3; got != want {
		t.Errorf("sentence@1 %.3f, want %.3f", got, want)
	}
}

// A partial question is right when its answer states the part the story
// answers and says that nothing answers the rest; answering every part
// is wrong, however well.
func TestPartialQuestions(t *testing.T) {
	troops := "How many troops has North Korea sent to Russia"
	cases := []EvalCase{
		{ID: "cup", Kind: KindPartial, Question: troops + ", and who won the 2022 World Cup?", Unanswered: "who won the 2022 World Cup",
			Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"15,000 troops"}},
		{ID: "both", Kind: KindPartial, Question: troops + ", and when did Kim and Putin speak on the phone?", Unanswered: "when did Kim and Putin speak on the phone",
			Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"15,000 troops"}},
	}
	rep, err := newService(t).Evaluate(context.Background(), "t", SplitAll, cases)
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Results[0]; !r.Correct || r.SentenceRank != 1 {
		t.Errorf("%s: correct %v, sentence rank %d (%s): %q", r.ID, r.Correct, r.SentenceRank, r.Problem, r.Answer)
	}
	if r := rep.Results[1]; r.Correct || !strings.Contains(r.Problem, "nothing answers") {
		t.Errorf("%s: correct %v (%s), want it wrong for answering the part it should not: %q", r.ID, r.Correct, r.Problem, r.Answer)
	}
	if got := rep.Kind(KindPartial).AnswerAccuracy; got != 0.5 {
		t.Errorf("partial answer accuracy %.3f, want 0.5", got)
	}
	for _, c := range []EvalCase{
		{ID: "none", Kind: KindPartial, Question: troops + ", and who won?", Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"15,000 troops"}},
		{ID: "elsewhere", Kind: KindPartial, Question: troops + "?", Unanswered: "who won", Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"15,000 troops"}},
		{ID: "fact", Kind: KindFact, Question: troops + "?", Unanswered: "who won", Answer: AnswerGroups{{"15,000"}}, Evidence: []string{"15,000 troops"}},
	} {
		if err := c.check(); err == nil || !strings.Contains(err.Error(), "unanswered") {
			t.Errorf("%s: check() = %v, want an error about its unanswered part", c.ID, err)
		}
	}
}

// An answer stating every part of a question that isn't partial, yet
// saying that nothing answers the rest, is wrong: the reader is told the
// story doesn't say what it does.
func TestAnswerSayingTheRestIsUnansweredIsWrongWhenNothingIs(t *testing.T) {
	c := EvalCase{ID: "m", Kind: KindMulti, Question: "How many troops, and since when?", Answer: AnswerGroups{{"15,000"}, {"October"}}, Evidence: []string{"15,000 troops since October"}}
	src := Source{N: 1, Article: "a", Passage: "15,000 troops since October last year."}
	ans := &Answer{Text: "15,000 troops since October last year. [1]", Sources: []Source{src}}
	articleOf := func(Source) string { return "a" }
	if r := judge(c, map[string]bool{"a": true}, ans, articleOf); !r.Correct {
		t.Fatalf("judged wrong: %s", r.Problem)
	}
	ans.Text += "\n\nThe article doesn't answer the rest of the question."
	ans.Partial = true
	if r := judge(c, map[string]bool{"a": true}, ans, articleOf); r.Correct || !strings.Contains(r.Problem, "says nothing answers the rest") {
		t.Errorf("judged correct %v (%s), want wrong", r.Correct, r.Problem)
	}
}
