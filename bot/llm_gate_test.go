package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/openaitest"
)

// In LLM mode the offline drafter's verdict gates nothing: with an
// answering model that refuses every question offline, an on-topic
// question still reaches the language model, and its cited answer is
// shown. Only the off-topic gate keeps a question from the model (see
// TestLLMNotAskedWhenFarOffTopic).
func TestLLMAskedWhenTheOfflineDrafterRefuses(t *testing.T) {
	refuser := *DefaultModel
	refuser.Answer = 1 // no probability reaches it
	c, r := builtinRetriever(t)
	offline := New(c, r, Options{Answering: &refuser})
	a, err := offline.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused {
		t.Fatalf("the refusing answering model answered offline: %q", a.Text)
	}

	srv := openaitest.New(t)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply { return openaitest.Reply{Content: troopsReply(r)} })
	svc, _ := newLLMService(t, srv, llmSetup{opt: Options{Answering: &refuser}})
	a, err = svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(openaitest.Chat); n != 1 {
		t.Errorf("%d chat requests, want 1: the offline refusal kept the question from the model", n)
	}
	if a.Refused || a.Drafter != DrafterLLM || !strings.Contains(a.Text, "15,000") || len(a.Sources) != 1 {
		t.Errorf("answer = %q by %s (refused %v, %d sources)", a.Text, a.Drafter, a.Refused, len(a.Sources))
	}
	if !strings.Contains(a.Why, "off-topic gate: on topic") {
		t.Errorf("why = %q", a.Why)
	}
}
