package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/articlebot/articlebot/internal/discordtest"
)

// lockedBuffer is a buffer a running command writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestServeWithoutTokenFails(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"serve"}, envOf(nil), strings.NewReader(""), &out, &errb)
	if code := exitCode(err, &errb); code != 2 {
		t.Errorf("exit %d, want 2: a missing setting is bad input", code)
	}
	if !strings.Contains(errb.String(), "DISCORD_TOKEN is not set") {
		t.Errorf("stderr = %q, want it to name DISCORD_TOKEN", errb.String())
	}
}

func TestServeWithRejectedTokenFails(t *testing.T) {
	fake := discordtest.New(t)
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"serve"}, envOf(map[string]string{
		"DISCORD_TOKEN": "wrong", "ARTICLEBOT_DISCORD_API_URL": fake.URL, "ARTICLEBOT_LOG_FORMAT": "json",
	}), strings.NewReader(""), &out, &errb)
	if code := exitCode(err, &errb); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(errb.String(), "the bot token was rejected by Discord") || strings.Contains(errb.String(), "wrong") {
		t.Errorf("stderr = %q, want a clear rejection without the token", errb.String())
	}
}

// TestServeAnswersThroughAPIURL runs `articlebot serve` against a fake
// Discord, with the token in a file as Docker secrets provide it: it
// registers the commands, answers /ask with a deferred response and a cited
// edit, serves health and metrics, and exits 0 when stopped.
func TestServeAnswersThroughAPIURL(t *testing.T) {
	fake := discordtest.New(t)
	tokenFile := filepath.Join(t.TempDir(), "discord_token")
	if err := os.WriteFile(tokenFile, []byte(fake.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	errb := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, envOf(map[string]string{
			"DISCORD_TOKEN_FILE": tokenFile, "ARTICLEBOT_DISCORD_API_URL": fake.URL,
			"ARTICLEBOT_LOG_FORMAT": "json", "ARTICLEBOT_HTTP_ADDR": "127.0.0.1:0",
		}), strings.NewReader(""), &out, errb)
	}()
	fake.WaitFor(t, "the commands to be registered", func() bool { return len(fake.Commands("")) == 5 })
	addr := listenAddr(t, errb)
	if body := get(t, "http://"+addr+"/metrics"); !strings.Contains(body, `articlebot_questions_total{outcome="answered"} 0`) {
		t.Errorf("/metrics before any question lacks the zero answered count")
	}

	token := fake.Interact(discordtest.Slash("ask", discordtest.String("question", "How many troops has North Korea sent to Russia?")))
	var in *discordtest.Interaction
	fake.WaitFor(t, "the answer", func() bool {
		in = fake.Interaction(token)
		return in != nil && in.Original != nil && len(in.Original.Buttons()) > 0
	})
	if len(in.Callbacks) != 1 || !strings.Contains(in.Original.Content, "15,000") ||
		!strings.Contains(in.Original.Content, "[1]") || !discordtest.NoMentions(in.Original.AllowedMentions) {
		t.Errorf("answer: callbacks %v, %q, allowed_mentions %s", in.Callbacks, in.Original.Content, in.Original.AllowedMentions)
	}

	// 👍 is counted in the metrics served on ARTICLEBOT_HTTP_ADDR.
	var helpful string
	for _, b := range in.Original.Buttons() {
		if b.Label == "Helpful" {
			helpful = b.CustomID
		}
	}
	vote := fake.Interact(discordtest.Click(helpful, in.Original.ID))
	fake.WaitFor(t, "the vote to be acknowledged", func() bool {
		in := fake.Interaction(vote)
		return in != nil && in.Original != nil
	})
	if body := get(t, "http://"+addr+"/healthz"); body != "ok\n" {
		t.Errorf("/healthz = %q", body)
	}
	if body := get(t, "http://"+addr+"/readyz"); !strings.HasPrefix(body, "ready") {
		t.Errorf("/readyz = %q", body)
	}
	body := get(t, "http://"+addr+"/metrics")
	for _, want := range []string{
		`articlebot_feedback_total{vote="up"} 1`,
		`articlebot_questions_total{outcome="answered"} 1`,
		`articlebot_answer_duration_seconds_count{drafter="extractive"} 1`,
		`articlebot_retrieval_duration_seconds_count 1`,
		`articlebot_answer_cache_total{result="miss"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics after an answer and a vote lacks %q", want)
		}
	}

	cancel()
	select {
	case err := <-done:
		if code := exitCode(err, errb); code != 0 {
			t.Errorf("exit %d after stopping; stderr:\n%s", code, errb)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(errb.String(), fake.Token) {
		t.Error("the log holds the token")
	}
}

// listenAddr finds the health listener's address in the JSON log.
func listenAddr(t *testing.T, logs *lockedBuffer) string {
	t.Helper()
	for _, line := range strings.Split(logs.String(), "\n") {
		var rec struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "serving health and metrics" {
			return rec.Addr
		}
	}
	t.Fatalf("no listener address in the log:\n%s", logs)
	return ""
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
