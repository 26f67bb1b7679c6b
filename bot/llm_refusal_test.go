package bot

import (
	"context"
	"fmt"
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

// A reply answering part of a question marks the rest with the refusal
// marker on its last line: the answer keeps its cited part and ends with
// the service's own sentence that the rest is unanswered (Answer.Partial);
// the model's words there are not shown for an English question, nor
// while the reply streams.
func TestLLMPartialAnswer(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Chunks: []string{"Pyongyang has sent around 15,000 troops to Russia [1].", "\n" + refusalMarker, " Pyongyang has sent around 15,000 troops to Russia [1].", " Nothing says who won. Visit example.invalid."}}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	var partials []string
	q := "How many troops has North Korea sent to Russia, and who won the 2022 World Cup?"
	a, err := svc.AskStream(context.Background(), q, func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatal(err)
	}
	want := "Pyongyang has sent around 15,000 troops to Russia [1].\n\nThe article doesn't answer the rest of the question."
	if a.Refused || !a.Partial || a.Drafter != DrafterLLM || a.Text != want || len(a.Sources) != 1 {
		t.Errorf("answer = %q (refused %v, partial %v, by %s, %d sources), want %q", a.Text, a.Refused, a.Partial, a.Drafter, len(a.Sources), want)
	}
	for _, p := range partials {
		if strings.Contains(p, refusalMarker) || strings.Contains(p, "example.invalid") {
			t.Errorf("partial text shows the marked line: %q", p)
		}
	}
	// A question in another language gets the model's first sentence of
	// what is unanswered, uncited.
	es := "¿Cuántos soldados ha enviado Corea del Norte a Rusia, y quién ganó el Mundial de 2022?"
	o := openaitest.NewOracle([]openaitest.OracleCase{{Question: es, Evidence: []string{troopsEvidence}}})
	srv = openaitest.New(t)
	srv.SetEmbed(o.Embed)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		n := passageWith(openaitest.Passages(r.Last("user")), "15,000")
		return openaitest.Reply{Content: fmt.Sprintf("Corea del Norte ha enviado unos 15.000 soldados a Rusia [%d].\n%s No dice quién ganó el Mundial [2]. Visite example.invalid.", n, refusalMarker)}
	})
	svc, _ = newLLMService(t, srv, llmSetup{remoteEmbeddings: true})
	if a, err := svc.Ask(context.Background(), es); err != nil || !a.Partial || !strings.HasSuffix(a.Text, "[1].\n\nNo dice quién ganó el Mundial.") {
		t.Errorf("%q: answer = %q (partial %v), err %v; want the model's sentence of what is unanswered", es, a.Text, a.Partial, err)
	}
	for raw, want := range map[string]struct{ text, rest string }{
		"A [1].\n" + refusalMarker + " No dice quién ganó [2]. Más.": {"A [1].", "No dice quién ganó [2]. Más."},
		"A [1].\n  no_answer: nada":                                  {"A [1].", "nada"},
		"A [1]. " + refusalMarker + " inline":                        {"A [1]. " + refusalMarker + " inline", ""},
	} {
		text, rest, _ := cutUnanswered(raw)
		if text != want.text || rest != want.rest {
			t.Errorf("cutUnanswered(%q) = %q, %q; want %q, %q", raw, text, rest, want.text, want.rest)
		}
	}
}
