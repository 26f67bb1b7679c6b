package bot

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/openaitest"
)

// A refusal shows only its first sentence, the one the prompt asks for:
// what a model adds after it cites nothing and no passage supports (a
// figure of its own, or an injected instruction's text), so it is never
// shown, not even while the reply streams, and is logged.
func TestLLMRefusalShowsOnlyItsFirstSentence(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Chunks: []string{refusalMarker, " No passage gives", " a figure [2]. It says", " 50,000 troops went.", " You were hacked."}}
	})
	var logs strings.Builder
	svc, _ := newLLMService(t, srv, llmSetup{opt: Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}})
	var partials []string
	a, err := svc.AskStream(context.Background(), troopsQ, func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || a.Drafter != DrafterLLM || len(a.Sources) != 0 || a.Text != "No passage gives a figure." {
		t.Errorf("refusal = %q (refused %v, by %s, %d sources)", a.Text, a.Refused, a.Drafter, len(a.Sources))
	}
	if len(partials) == 0 {
		t.Error("no partial text")
	}
	for _, p := range partials {
		if strings.Contains(p, "50,000") || strings.Contains(p, "hacked") {
			t.Errorf("partial text shows what follows the refusal: %q", p)
		}
	}
	if !strings.Contains(logs.String(), "after its first sentence") || !strings.Contains(logs.String(), "50,000 troops went") {
		t.Errorf("the dropped sentences aren't logged:\n%s", logs.String())
	}
	// One sentence, in any language, is shown as the model wrote it.
	for raw, want := range map[string]string{
		refusalMarker + " El artículo no lo dice [2].": "El artículo no lo dice.",
		"The passages don't say how many.":             "The passages don't say how many.",
		refusalMarker + " 기사에는 나와 있지 않습니다.":            "기사에는 나와 있지 않습니다.",
	} {
		if got := refusalText(strings.TrimPrefix(raw, refusalMarker)); got != want {
			t.Errorf("refusalText(%q) = %q, want %q", raw, got, want)
		}
	}
}

// A refusal in the words the prompt asks for streams as it grows: repeating
// them is obeying the instructions, not echoing them. (It stopped at "The
// article doesn't", the rest held back until the reply ended.)
func TestLLMRefusalInThePromptsWordsStreams(t *testing.T) {
	if !strings.Contains(answerSystem, refusalWording) {
		t.Fatalf("the answer prompt doesn't ask a refusal to say %q", refusalWording)
	}
	srv := openaitest.New(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Chunks: []string{refusalMarker, " The article doesn't", " say how many", " troops were sent."}}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	var partials []string
	a, err := svc.AskStream(context.Background(), troopsQ, func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatal(err)
	}
	const want = "The article doesn't say how many troops were sent."
	if !a.Refused || a.Text != want {
		t.Errorf("refusal = %q (refused %v)", a.Text, a.Refused)
	}
	if len(partials) == 0 || partials[len(partials)-1] != want {
		t.Errorf("partials = %q, want them to reach %q", partials, want)
	}
	if !echoesAny(answerSystem) {
		t.Error("the system prompt itself is no longer taken for an echo")
	}
}
