package main

import (
	"context"
	"testing"

	"github.com/articlebot/articlebot/internal/config"
	"github.com/articlebot/articlebot/internal/openaitest"
)

// appConfig is the configuration the binary would resolve from vars.
func appConfig(t *testing.T, vars map[string]string) config.Config {
	t.Helper()
	cfg, err := config.Resolve("", envOf(vars))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// newApp builds the program as run() does, closing it when the test ends.
func newApp(t *testing.T, cfg config.Config, opt AppOptions) *App {
	t.Helper()
	a, err := NewApp(context.Background(), cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

const compoundQ = "How many troops has North Korea sent to help Russia, and what did Kim say the DPRK will fully support?"

// The binary embeds a compound question's parts in one request (it used
// to be wired only in tests, and the binary sent one request per part).
func TestAppEmbedsACompoundQuestionOnce(t *testing.T) {
	srv, vars := fakeAPI(t)
	a := newApp(t, appConfig(t, vars), AppOptions{})
	srv.Reset()
	if _, err := a.Service.Ask(context.Background(), compoundQ); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(openaitest.Embeddings); n != 1 {
		t.Errorf("%d embedding requests for a two-part question, want 1", n)
	}
}

// The same through the command line: the index is persisted by `index`, so
// `ask` sends only the question's embedding.
func TestAskEmbedsACompoundQuestionOnce(t *testing.T) {
	srv, vars := fakeAPI(t)
	if code, _, errOut := runWithEnv(t, vars, "index"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	srv.Reset()
	if code, _, errOut := runWithEnv(t, vars, "ask", compoundQ); code != 0 {
		t.Fatalf("ask: exit %d: %s", code, errOut)
	}
	if n := srv.Count(openaitest.Embeddings); n != 1 {
		t.Errorf("%d embedding requests for a two-part question, want 1", n)
	}
}
