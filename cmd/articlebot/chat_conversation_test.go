package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestChatKeepsTheConversation(t *testing.T) {
	in := "How many troops has North Korea sent to Russia?\nwho reported that?\nsince when?\n/history\n/new\nsince when?\n"
	code, out, errOut := runCLI(t, in, "chat")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	turns := strings.Split(out, "Started a new conversation.")
	if len(turns) != 2 {
		t.Fatalf("/new was not acknowledged:\n%s", out)
	}
	before, after := turns[0], turns[1]
	for _, want := range []string{"National Intelligence Service", "October last year", "[1]",
		"1. How many troops has North Korea sent to Russia?", "2. who reported that?", "(searched as: who reported that? (troops"} {
		if !strings.Contains(before, want) {
			t.Errorf("chat output lacks %q:\n%s", want, before)
		}
	}
	if strings.Contains(after, "searched as") {
		t.Errorf("the new conversation kept the old one:\n%s", after)
	}
}

func TestChatJSONShowsTheStandaloneQuestion(t *testing.T) {
	in := "How many troops has North Korea sent to Russia?\nwho reported that?\n/history\n"
	code, out, errOut := runCLI(t, in, "chat", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[2], `{"history":[{"question":"How many troops`) {
		t.Fatalf("%d lines, want one JSON object per answer:\n%s", len(lines), out)
	}
	var first, second map[string]any
	if json.Unmarshal([]byte(lines[0]), &first) != nil || json.Unmarshal([]byte(lines[1]), &second) != nil {
		t.Fatalf("not JSON:\n%s", out)
	}
	if _, ok := first["standalone_question"]; ok {
		t.Errorf("the first question has a standalone form: %v", first["standalone_question"])
	}
	sq, _ := second["standalone_question"].(string)
	if !strings.HasPrefix(sq, "who reported that? (") || !strings.Contains(sq, "troops") {
		t.Errorf("standalone_question = %q", sq)
	}
	if ans, _ := second["answer"].(string); !strings.Contains(ans, "National Intelligence Service") {
		t.Errorf("answer = %q", ans)
	}
}

func TestEvalScoresFollowUpsApart(t *testing.T) {
	code, out, errOut := runCLI(t, "", "eval", "../../testdata/dialogues.jsonl")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"dialogues (split all): 34 dialogues", "first", "follow-ups", "standalone", "follow-ups vs standalone"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "", "eval", "--json", "../../testdata/dialogues.jsonl", "../../testdata/qa.jsonl")
	var rep struct {
		Sets      []json.RawMessage `json:"sets"`
		Dialogues []struct {
			FollowUps struct {
				Turns int `json:"turns"`
			} `json:"follow_ups"`
		} `json:"dialogues"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Sets) != 1 || len(rep.Dialogues) != 1 || rep.Dialogues[0].FollowUps.Turns == 0 {
		t.Errorf("eval --json with a dialogue set: exit %d\n%.500s", code, out)
	}
}

// eval --alone asks each question of its own story and leaves off-topic
// questions out: Kessford's 26 questions less its 3 off-topic ones.
func TestEvalAloneLeavesOffTopicQuestionsOut(t *testing.T) {
	code, out, errOut := runCLI(t, "", "eval", "--alone", "../../testdata/kessford.jsonl")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "kessford (split all): 23 questions") {
		t.Errorf("eval --alone output:\n%s", out)
	}
}

// eval --lower asks the questions in lower case and says so; it measures
// question sets only, and fits nothing.
func TestEvalLower(t *testing.T) {
	code, out, errOut := runCLI(t, "", "eval", "--lower", "--json", "../../testdata/kessford.jsonl")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var reps []struct {
		Name    string `json:"name"`
		Results []struct {
			Question string `json:"question"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 1 {
		t.Fatalf("%v in %s", err, out)
	}
	rep := reps[0]
	if rep.Name != "kessford, in lower case" || len(rep.Results) != 26 {
		t.Fatalf("eval --lower --json: name %q, %d results", rep.Name, len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Question != strings.ToLower(r.Question) {
			t.Errorf("asked %q", r.Question)
		}
	}
	for _, args := range [][]string{
		{"eval", "--lower", "../../testdata/dialogues.jsonl"},
		{"eval", "--lower", "--fit", filepath.Join(t.TempDir(), "m.json"), "--split", "calibration", "../../testdata/kessford.jsonl"},
	} {
		if code, _, errOut := runCLI(t, "", args...); code != 2 || !strings.Contains(errOut, "--lower") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a word on --lower", args, code, errOut)
		}
	}
}
