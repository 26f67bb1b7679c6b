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
