package bot

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/internal/openaitest"
)

func readDialogues(tb testing.TB, file string) *DialogueSet {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 1024)
	n, _ := f.Read(head)
	if !IsDialogueSet(head[:n]) {
		tb.Fatalf("%s lacks the %q line", file, DialogueFormat)
	}
	f.Seek(0, 0)
	set, err := ReadDialogueSet(f, "dialogues")
	if err != nil {
		tb.Fatal(err)
	}
	return set
}

func TestDialogueSetIsWellFormed(t *testing.T) {
	set := readDialogues(t, "../testdata/dialogues.jsonl")
	c, err := corpus.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	text := fold(c.Articles[0].Text)
	followUps, unanswerable := 0, 0
	for _, d := range set.Dialogues {
		for i, turn := range d.Turns {
			for _, ev := range turn.Evidence {
				if !strings.Contains(text, fold(ev)) {
					t.Errorf("%s turn %d: evidence %q is not in the article", d.ID, i+1, ev)
				}
			}
			if i > 0 {
				followUps++
				if turn.Kind == KindUnanswerable {
					unanswerable++
				}
			}
		}
	}
	if len(set.Dialogues) < 20 || unanswerable < 5 {
		t.Errorf("%d dialogues, %d unanswerable follow-ups: want at least 20 and 5", len(set.Dialogues), unanswerable)
	}
}

func TestReadDialogueSetRejectsBadDialogues(t *testing.T) {
	for name, line := range map[string]string{
		"one turn":      `{"id":"x","turns":[{"kind":"fact","question":"q","answer":["a"],"evidence":["a"]}]}`,
		"no standalone": `{"id":"x","turns":[{"kind":"fact","question":"q","answer":["a"],"evidence":["a"]},{"kind":"unanswerable","question":"why?"}]}`,
		"bad evidence":  `{"id":"x","turns":[{"kind":"fact","question":"q","answer":["a"],"evidence":["b"]},{"kind":"unanswerable","question":"why?","standalone":"Why q?"}]}`,
		"unknown field": `{"id":"x","turn":[]}`,
	} {
		if _, err := ReadDialogueSet(strings.NewReader(line), "x"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// checkFollowUps holds follow-up turns to their standalone forms: within
// 0.05 of them, the target, and above floors measured when the
// set was written (raise them as follow-ups improve). answerGap, when above
// 0.05, is how far follow-ups' answer accuracy may trail the standalone
// forms' where a better answering model raised the standalone forms more
// than the follow-ups (a ceiling: lower it as follow-ups catch up).
func checkFollowUps(t *testing.T, rep *DialogueReport, floor, answerGap float64) {
	t.Helper()
	t.Logf("first %+v\nfollow-ups %+v\nstandalone %+v", rep.First, rep.FollowUps, rep.Standalone)
	fu, alone := rep.FollowUps, rep.Standalone
	for _, m := range []struct {
		name      string
		got, want float64
		gap       float64
	}{
		{"right", fu.Accuracy, alone.Accuracy, 0.05},
		{"answer accuracy", fu.AnswerAccuracy, alone.AnswerAccuracy, max(0.05, answerGap)},
		{"refusal accuracy", fu.RefusalAccuracy, alone.RefusalAccuracy, 0.05},
	} {
		if d := m.want - m.got; d > m.gap+1e-9 {
			t.Errorf("follow-ups' %s is %.3f, %.3f below their standalone forms' (target: within 0.05, allowed %.2f)", m.name, m.got, d, m.gap)
		}
	}
	if rep.FollowUps.Accuracy < floor {
		t.Errorf("follow-ups fell to %.3f right, below the ratchet %.3f", rep.FollowUps.Accuracy, floor)
	}
	for _, r := range rep.Results {
		if !r.Correct {
			t.Logf("%s %q → %q: %s", r.ID, r.Question, r.Rewritten, r.Problem)
		}
	}
}

func TestDialoguesOffline(t *testing.T) {
	set := readDialogues(t, "../testdata/dialogues.jsonl")
	rep, err := newService(t).EvaluateDialogues(context.Background(), set.Name, SplitAll, set.Dialogues)
	if err != nil {
		t.Fatal(err)
	}
	// Issue 10's answering model (fit on the BBC calibration half, not on
	// these dialogues) refuses more follow-ups than the coverage thresholds
	// fitted to the built-in article's questions did: 0.846 -> 0.769. The
	// previous answer's rarest words, carried words weighed down and the
	// discussed story searched first for every follow-up: 0.769 -> 0.808.
	// The answering model of 2026-12-02 (features of the answer's place,
	// focus coverage, a ranking loss; fit on the BBC calibration half):
	// standalone answers 0.722 -> 0.889, follow-ups right 0.808 -> 0.769
	// (one turn), their answers 0.778 -> 0.722: the carried subject still
	// dilutes what a follow-up's sentence must cover.
	// Carrying only words the discussed story holds: follow-ups right
	// 0.769 -> 0.808, their answers 0.722 -> 0.778 (gap 0.111).
	// 12 dialogues more (c23-c34, written before they were run, 13 more
	// answerable follow-ups): right 0.800, answers 0.774 against 0.935
	// standalone (gap 0.161), refusals 0.844.
	// A follow-up's function words ("else", "besides") and the noun of the
	// kind it asks for ("in which regions?") not asked of the sentence:
	// answers 0.806 -> 0.903, the standalone forms' (gap 0), right 0.822
	// -> 0.867, refusals 0.844 -> 0.867.
	checkFollowUps(t, rep, 0.86, 0)
	if rep.FollowUps.RefusalAccuracy < 0.86 {
		t.Errorf("follow-up refusal accuracy %.3f", rep.FollowUps.RefusalAccuracy)
	}
}

// TestDialoguesLLM runs the set with the language model drafting through
// the fake, whose rewrites are the set's own standalone forms (a perfect
// rewriter): it measures the rest of the way, prompt to cited answer.
func TestDialoguesLLM(t *testing.T) {
	set := readDialogues(t, "../testdata/dialogues.jsonl")
	standalone := map[string]string{}
	for _, d := range set.Dialogues {
		for _, turn := range d.Turns[1:] {
			standalone[turn.Question] = turn.Standalone
		}
	}
	srv := openaitest.New(t)
	var mu sync.Mutex
	rewrites := 0
	srv.SetChat(func(req openaitest.Request) openaitest.Reply {
		if !strings.Contains(req.Last("system"), "rewrite") {
			return openaitest.CiteFirstPassage(req)
		}
		user := req.Last("user")
		i := strings.LastIndex(user, "<question>\n")
		q, _, _ := strings.Cut(user[i+len("<question>\n"):], "\n")
		mu.Lock()
		rewrites++
		mu.Unlock()
		return openaitest.Reply{Content: standalone[q]}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	rep, err := svc.EvaluateDialogues(context.Background(), set.Name, SplitAll, set.Dialogues)
	if err != nil {
		t.Fatal(err)
	}
	if rewrites == 0 {
		t.Fatal("no follow-up was rewritten by the model")
	}
	for _, r := range rep.Results {
		if r.Rewritten == "" || strings.Contains(r.Rewritten, " (") {
			t.Errorf("%s was not rewritten by the model: %q", r.ID, r.Rewritten)
		}
	}
	// A question now reaches the model unless the answering model puts it
	// far off-topic, and CiteFirstPassage never refuses: unanswerable
	// follow-ups are answered (0.385 -> 0.192). A real model says the
	// passages don't answer; TestPerfectModel measures that.
	// 34 dialogues: 0.267.
	checkFollowUps(t, rep, 0.26, 0)
}

func TestDialoguesBBC(t *testing.T) {
	if raceEnabled {
		t.Skip("the BBC collection is too slow to evaluate under the race detector")
	}
	svc := bbcService(t)
	set := readDialogues(t, "../testdata/bbc-dialogues.jsonl")
	rep, err := svc.EvaluateDialogues(context.Background(), set.Name, SplitAll, set.Dialogues)
	if err != nil {
		t.Fatal(err)
	}
	// 34 dialogues, measured 0.641 (0.516 before the previous answer's
	// words were carried and the discussed story searched first for every
	// follow-up).
	// The answering model of 2026-12-02: follow-ups right 0.625 -> 0.750,
	// answers 0.529 -> 0.647, but standalone answers rose more, 0.559 ->
	// 0.706, so the answer gap widened from 0.03 to 0.059.
	// Carrying only words the discussed story holds: answers 0.647 ->
	// 0.676 (gap 0.029, within the target), right 0.750.
	// Query words widened by their neighbours in meaning (word vectors,
	// retrieval.DefaultNeighbours): standalone answers 0.706 -> 0.735,
	// follow-ups unchanged at 0.676 answers and 0.750 right, so the answer
	// gap is 0.059 until follow-ups gain as much; allowed 0.06 meanwhile.
	// A follow-up's words that the previous question asked too name the
	// subject, not its focus (sharedWords): answers 0.676 -> 0.735, the
	// standalone forms' on each half, right 0.750 -> 0.766, refusals
	// 0.797 -> 0.781. The gap is held to the target again.
	checkFollowUps(t, rep, 0.76, 0)
}
