package bot

import (
	"context"
	"testing"

	"github.com/articlebot/articlebot/internal/openaitest"
)

// lastChat returns the last chat request the server received.
func lastChat(t *testing.T, srv *openaitest.Server) openaitest.Request {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Endpoint == openaitest.Chat {
			return reqs[i]
		}
	}
	t.Fatal("no chat request")
	return openaitest.Request{}
}

func TestChatRequestTemperature(t *testing.T) {
	for _, tt := range []struct {
		model string
		want  *float64
	}{
		{"chat-test", ptr(0.2)},
		{"gpt-4o-mini", ptr(0.2)},
		// Reasoning models refuse any temperature but their default.
		{"o3-mini", nil},
		{"gpt-5-mini", nil},
	} {
		t.Run(tt.model, func(t *testing.T) {
			srv := openaitest.New(t)
			svc, _ := newLLMService(t, srv, llmSetup{})
			d := svc.opt.Drafter.(*OpenAIDrafter)
			d.model, d.Temperature = tt.model, 0.2
			if _, err := svc.Ask(context.Background(), troopsQ); err != nil {
				t.Fatal(err)
			}
			got := lastChat(t, srv).Temperature
			switch {
			case tt.want == nil && got != nil:
				t.Errorf("temperature %v sent to a reasoning model", *got)
			case tt.want != nil && (got == nil || float32(*got) != float32(*tt.want)):
				t.Errorf("temperature = %v, want %v", got, *tt.want)
			}
		})
	}
}

func ptr(f float64) *float64 { return &f }

func TestChatRequestCarriesEndUser(t *testing.T) {
	srv := openaitest.New(t)
	svc, _ := newLLMService(t, srv, llmSetup{})
	if _, err := svc.Answer(context.Background(), Request{Question: troopsQ, User: "5f2b9c0e1d7a4b36"}, nil); err != nil {
		t.Fatal(err)
	}
	if u := lastChat(t, srv).User; u != "5f2b9c0e1d7a4b36" {
		t.Errorf("user = %q, want the request's end-user hash", u)
	}
	// A question with no end user (the command line) sends none.
	if _, err := svc.Ask(context.Background(), "When did Kim and Putin have a phone conversation?"); err != nil {
		t.Fatal(err)
	}
	if u := lastChat(t, srv).User; u != "" {
		t.Errorf("user = %q for a request without one", u)
	}
}
