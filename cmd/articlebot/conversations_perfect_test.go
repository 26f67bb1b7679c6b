package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/internal/openaitest"
)

// perfectDialogueFloors are LLM mode's dialogue levels against the perfect
// model (a perfect rewriter in front of the Oracle), measured on
// 2026-12-02: follow-ups must stay within 0.05 of their standalone forms,
// and above these.
var perfectDialogueFloors = []struct {
	file            string
	answer, refusal float64 // follow-ups' answer and refusal accuracy
}{
	{"../../testdata/dialogues.jsonl", 1, 1},
	{"../../testdata/bbc-dialogues.jsonl", 1, 1},
}

// TestPerfectModelDialogues evaluates dialogue sets in LLM mode, through
// `eval --json`, with a model that rewrites each follow-up into the set's
// own standalone form and answers every question perfectly from the
// passages it is shown (openaitest.Oracle). What the follow-ups lose
// against their standalone forms, the conversation handling loses: the
// story preference, the cache key, the history in the prompt.
func TestPerfectModelDialogues(t *testing.T) {
	for _, f := range perfectDialogueFloors {
		t.Run(filepath.Base(f.file), func(t *testing.T) {
			if filepath.Base(f.file) == "bbc-dialogues.jsonl" {
				if _, err := os.Stat("../../../shared/corpora/bbc"); errors.Is(err, fs.ErrNotExist) {
					t.Skip("the BBC collection is absent")
				}
				if raceEnabled {
					t.Skip("the BBC collection is too slow to evaluate under the race detector")
				}
			}
			rep := evalDialoguesWithOracle(t, f.file)
			t.Logf("%s with the perfect model: first %+v\nfollow-ups %+v\nstandalone %+v", rep.Name, rep.First, rep.FollowUps, rep.Standalone)
			for _, r := range rep.Results {
				if !r.Correct {
					t.Logf("  %s %q → %q: %s", r.ID, r.Question, r.Rewritten, r.Problem)
				}
			}
			fu, alone := rep.FollowUps, rep.Standalone
			if alone.AnswerAccuracy-fu.AnswerAccuracy > 0.05 || alone.RefusalAccuracy-fu.RefusalAccuracy > 0.05 {
				t.Errorf("follow-ups answer %.3f and refuse %.3f right, their standalone forms %.3f and %.3f (target: within 0.05)",
					fu.AnswerAccuracy, fu.RefusalAccuracy, alone.AnswerAccuracy, alone.RefusalAccuracy)
			}
			if fu.AnswerAccuracy < f.answer || fu.RefusalAccuracy < f.refusal {
				t.Errorf("follow-ups answer %.3f and refuse %.3f right, below the floors %+v", fu.AnswerAccuracy, fu.RefusalAccuracy, f)
			}
		})
	}
}

// evalDialoguesWithOracle runs `eval --json` on a dialogue file in LLM
// mode. The fake's rewrites are the file's standalone forms (a question it
// doesn't know it returns unchanged, as a perfect rewriter leaves a
// question that stands alone), and its answers the Oracle's, which knows
// every turn's question and standalone form.
func evalDialoguesWithOracle(t *testing.T, file string) *bot.DialogueReport {
	t.Helper()
	r, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	set, err := bot.ReadDialogueSet(r, filepath.Base(file))
	if err != nil {
		t.Fatal(err)
	}
	standalone := map[string]string{}
	var cases []openaitest.OracleCase
	for _, d := range set.Dialogues {
		for i, turn := range d.Turns {
			q := turn.Question
			if i > 0 {
				standalone[q] = turn.Standalone
				q = turn.Standalone
			}
			cases = append(cases, openaitest.OracleCase{Question: q, Evidence: turn.Evidence})
		}
	}
	o := openaitest.NewOracle(cases)
	srv, vars := fakeAPI(t)
	vars["ARTICLEBOT_INDEX_TIMEOUT"] = "2s" // eval must wait for the remote index (see evalWithOracle)
	srv.SetEmbed(o.Embed)
	srv.SetChat(func(req openaitest.Request) openaitest.Reply {
		if !strings.Contains(req.System(), "You rewrite the last question") {
			return o.Chat(req)
		}
		user := req.Last("user")
		i := strings.LastIndex(user, "<question>\n")
		q, _, _ := strings.Cut(user[i+len("<question>\n"):], "\n")
		if s, ok := standalone[q]; ok {
			return openaitest.Reply{Content: s}
		}
		return openaitest.Reply{Content: q}
	})
	code, out, errOut := runWithEnv(t, vars, "eval", "--json", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var reps struct {
		Dialogues []bot.DialogueReport `json:"dialogues"`
	}
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps.Dialogues) != 1 {
		t.Fatalf("reports: %v\n%.500s", err, out)
	}
	return &reps.Dialogues[0]
}
