package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/openaitest"
)

// A model can be asked to write markers that nest; dropping the inner one
// used to leave a marker without a source, and sourcesFor panicked.
func TestLLMNestedMarkersNeverPanic(t *testing.T) {
	for _, reply := range []string{
		"North Korea sent 15,000 troops [[9]2].",
		"North Korea sent 15,000 troops [0[0]]. Kim met Putin [1].",
		"Troops [[[9]9]9] were sent [1]. [2[9]]",
	} {
		t.Run(reply, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.SetChat(func(openaitest.Request) openaitest.Reply { return openaitest.Reply{Content: reply} })
			svc, _ := newLLMService(t, srv, llmSetup{})
			var partials []string
			a, err := svc.AskStream(context.Background(), troopsQ, func(s string) { partials = append(partials, s) })
			if err != nil {
				t.Fatal(err)
			}
			checkCitations(t, a.Text, a.Sources)
			for _, p := range partials {
				if strings.Contains(p, "[9]") || strings.Contains(p, "[0]") {
					t.Errorf("partial %q shows a marker without a source", p)
				}
			}
		})
	}
}

// panicDrafter is a drafter with a bug.
type panicDrafter struct{}

var _ Drafter = panicDrafter{}

func (panicDrafter) Draft(context.Context, Prompt, func(string)) (Completion, error) {
	var m map[string]int
	//lint:ignore SA5000 the panic is the point of this drafter.
	m["boom"]++ // a nil map: the kind of bug that reaches production
	return Completion{}, nil
}

func TestPanickingAnswerIsAnInternalError(t *testing.T) {
	svc := newService(t)
	var events []Event
	svc.opt.Drafter = panicDrafter{}
	svc.opt.Observe = func(e Event) { events = append(events, e) }
	a, err := svc.Ask(context.Background(), troopsQ)
	if !errors.Is(err, ErrInternal) || a != nil {
		t.Fatalf("Ask = %v, %v; want an internal error", a, err)
	}
	if len(events) != 1 || events[0].Outcome != OutcomeError || events[0].Kind != KindInternal {
		t.Errorf("events = %+v, want one internal error", events)
	}
	sum, err := svc.Summarize(context.Background(), Short, "")
	if !errors.Is(err, ErrInternal) || sum != nil {
		t.Errorf("Summarize = %v, %v; want an internal error", sum, err)
	}
}

// observe must not be the second panic when an answer never came back.
func TestObserveWithoutAnswerOrError(t *testing.T) {
	svc := newService(t)
	var got Event
	svc.opt.Observe = func(e Event) { got = e }
	svc.observe(svc.opt.Now(), nil, nil)
	if got.Outcome != OutcomeError || !errors.Is(got.Err, ErrInternal) {
		t.Errorf("event = %+v", got)
	}
}

// Terminal escapes in a model's reply never reach the answer.
func TestModelControlCharactersStripped(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		n := passageWith(openaitest.Passages(r.Last("user")), "15,000")
		return openaitest.Reply{Content: fmt.Sprintf("Pyongyang has \x1b]0;pwned\x07reportedly sent around 15,000 troops and various types of weaponry to assist Moscow's military operations \x1b[2J[%d].\u009b", n)}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	var partials []string
	a, err := svc.AskStream(context.Background(), troopsQ, func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(partials, a.Text) {
		if strings.ContainsAny(s, "\x1b\x07\u009b") {
			t.Errorf("control character shown: %q", s)
		}
	}
	if a.Drafter != DrafterLLM {
		t.Errorf("answer = %+v", a)
	}
}
