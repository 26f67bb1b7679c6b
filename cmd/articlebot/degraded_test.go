package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/internal/discordtest"
	"github.com/articlebot/articlebot/internal/openaitest"
)

// servedApp is the program running `serve` against a fake Discord and a fake
// OpenAI API, built by NewApp as run() builds it.
type servedApp struct {
	app     *App
	discord *discordtest.Server
	api     *openaitest.Server
	logs    *lockedBuffer
	addr    string // the health listener's
}

// serveApp starts the program with vars over the fake API's environment
// and stops it when the test ends.
func serveApp(t *testing.T, vars map[string]string) *servedApp {
	t.Helper()
	return serveAppWith(t, vars, nil)
}

// serveAppWith is serveApp with the fake API set up by setup first.
func serveAppWith(t *testing.T, vars map[string]string, setup func(*openaitest.Server)) *servedApp {
	t.Helper()
	srv, env := fakeAPI(t)
	if setup != nil {
		setup(srv)
	}
	fake := discordtest.New(t)
	env["DISCORD_TOKEN"], env["ARTICLEBOT_DISCORD_API_URL"], env["ARTICLEBOT_HTTP_ADDR"] = fake.Token, fake.URL, "127.0.0.1:0"
	for k, v := range vars {
		env[k] = v
	}
	logs := &lockedBuffer{}
	a, err := NewApp(context.Background(), appConfig(t, env), AppOptions{Serve: true, Stderr: logs})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		a.Close()
	})
	fake.WaitFor(t, "the commands to be registered", func() bool { return len(fake.Commands("")) > 0 })
	return &servedApp{app: a, discord: fake, api: srv, logs: logs, addr: a.Listener.Addr()}
}

// ask asks on Discord and returns the final answer's text.
func (s *servedApp) ask(t *testing.T, q string) string {
	t.Helper()
	token := s.discord.Interact(discordtest.Slash("ask", discordtest.String("question", q)))
	var in *discordtest.Interaction
	s.discord.WaitFor(t, "the answer", func() bool {
		in = s.discord.Interaction(token)
		return in != nil && in.Original != nil && len(in.Original.Buttons()) > 0
	})
	return in.Original.Content
}

func (s *servedApp) readyz(t *testing.T) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	// One Read may return part of the body.
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// A key rejected after start used to leave serve ready while every
// question got "Sorry… try again". Now answers fall back with a note, the
// log names the cause, and /readyz and the metrics show the degraded state
// until the model answers again.
func TestServeDegradesWhenTheKeyIsRejectedAfterStart(t *testing.T) {
	s := serveApp(t, nil)
	s.api.SetChat(troopsReply)
	if code, body := s.readyz(t); code != 200 {
		t.Fatalf("/readyz = %d %q at start", code, body)
	}
	s.api.RequireKey("sk-rotated") // the key articlebot has is now rejected
	got := s.ask(t, "How many troops has North Korea sent to Russia?")
	if !strings.Contains(got, bot.NoteModelConfig) || !strings.Contains(got, "15,000") || strings.Contains(got, "Sorry") {
		t.Errorf("answer = %q, want the extractive answer with a note", got)
	}
	code, body := s.readyz(t)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "degraded: llm") || !strings.Contains(body, "API key") {
		t.Errorf("/readyz = %d %q, want 503 naming the degraded model", code, body)
	}
	if m := get(t, "http://"+s.addr+"/metrics"); !strings.Contains(m, `articlebot_degraded{component="llm"} 1`) ||
		!strings.Contains(m, `articlebot_errors_total{kind="model_config"} 1`) {
		t.Errorf("metrics lack the degraded state")
	}
	if !strings.Contains(s.logs.String(), "rejected articlebot's configuration") || !strings.Contains(s.logs.String(), "OPENAI_API_KEY") {
		t.Errorf("the log doesn't name the cause:\n%s", s.logs)
	}

	s.api.RequireKey("") // the key works again
	if got := s.ask(t, "How many troops has North Korea sent to Russia in total?"); strings.Contains(got, bot.NoteModelConfig) {
		t.Errorf("answer after recovery = %q", got)
	}
	if code, body := s.readyz(t); code != 200 {
		t.Errorf("/readyz = %d %q after the model answered again", code, body)
	}
}

// A key rejected at start is a startup error naming OPENAI_API_KEY, even
// when only the chat model uses the API (nothing is embedded at start).
func TestKeyRejectedAtStartIsAStartupError(t *testing.T) {
	srv, vars := fakeAPI(t)
	srv.RequireKey("sk-right")
	vars["OPENAI_API_KEY"] = "sk-wrong"
	vars["ARTICLEBOT_EMBEDDING_MODEL"] = "local"
	for _, args := range [][]string{{"ask", "How many troops were sent?"}, {"serve"}} {
		v := map[string]string{"DISCORD_TOKEN": "t", "ARTICLEBOT_DISCORD_API_URL": "http://127.0.0.1:1"}
		for k, x := range vars {
			v[k] = x
		}
		code, _, errOut := runWithEnv(t, v, args...)
		if code != 1 || !strings.Contains(errOut, "OPENAI_API_KEY") || !strings.Contains(errOut, "rejected the API key") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
		if strings.Contains(errOut, "sk-wrong") {
			t.Errorf("%v: the key is shown: %q", args, errOut)
		}
	}
	if n := srv.Count(openaitest.Chat); n != 0 {
		t.Errorf("%d chat requests after the key was rejected at start", n)
	}
}

// A stalled embeddings API no longer blocks the start: past
// openai.index_timeout serve answers from local embeddings, and swaps the
// remote index in once the background build finishes.
func TestServeStartsPastTheIndexDeadline(t *testing.T) {
	s := serveAppWith(t, map[string]string{"ARTICLEBOT_INDEX_TIMEOUT": "200ms"}, func(api *openaitest.Server) {
		api.Fail(openaitest.Embeddings, openaitest.Fault{Hang: true}, 1)
		api.SetChat(troopsReply)
	})
	initial := s.app.Service
	if initial.Index().Len() == 0 || !strings.Contains(s.logs.String(), "index_timeout") {
		t.Fatalf("no local index past the deadline:\n%s", s.logs)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", s.logs)
		}
	})
	if s.app.swapped == nil {
		t.Fatal("no remote index is being built in the background")
	}
	select {
	case <-s.app.swapped:
	case <-discordtest.Hung(t):
		t.Fatal("the remote index was never swapped in")
	}
	if s.app.live.Current() == initial || s.app.live.Current().Index().Len() != initial.Index().Len() {
		t.Error("the answering service is still the local one")
	}
	if code, body := s.readyz(t); code != 200 {
		t.Errorf("/readyz = %d %q after the remote index was swapped in", code, body)
	}
	if got := s.ask(t, "How many troops has North Korea sent to Russia?"); !strings.Contains(got, "15,000") {
		t.Errorf("answer = %q", got)
	}
}

// A command that answers once gives the index the same deadline, then
// answers from local embeddings instead of waiting for the stalled API.
func TestAskPastTheIndexDeadlineUsesLocalEmbeddings(t *testing.T) {
	srv, vars := fakeAPI(t)
	srv.SetChat(troopsReply)
	srv.Fail(openaitest.Embeddings, openaitest.Fault{Hang: true}, 1)
	vars["ARTICLEBOT_INDEX_TIMEOUT"] = "200ms"
	code, out, errOut := runWithEnv(t, vars, "ask", "How many troops has North Korea sent to Russia?")
	if code != 0 || !strings.Contains(out, "15,000") || !strings.Contains(errOut, "index_timeout") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
