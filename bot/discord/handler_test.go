package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/articlebot/articlebot/bot"
)

// The cheap layer of tests: captured interaction JSON from testdata is
// handed to the bot's handler on a real discordgo session whose HTTP
// transport records the requests instead of sending them, with a fake
// answerer. The recorded requests are compared with golden files (-update
// rewrites them). End-to-end runs through the fake Discord are in the
// discord_test package.

var update = flag.Bool("update", false, "rewrite golden files")

// recorder is an http.RoundTripper that records requests and answers them
// as Discord would when all goes well.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body,omitempty"`
}

func (rec *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
	}
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, recorded{Method: r.Method, Path: r.URL.Path, Body: body})
	rec.mu.Unlock()
	status, out := http.StatusOK, `{"id":"1","channel_id":"700000000000000001","content":"","type":0}`
	if strings.HasSuffix(r.URL.Path, "/callback") || strings.HasSuffix(r.URL.Path, "/typing") {
		status, out = http.StatusNoContent, ""
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(out)), Request: r}, nil
}

func (rec *recorder) requests() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]recorded(nil), rec.reqs...)
}

// cannedAnswerer answers from fixed texts, instantly or after the bot has
// deferred (slow), and checks input as the service does.
type cannedAnswerer struct {
	answer  *bot.Answer
	summary *bot.Summary
	hits    []bot.Hit
	err     error
	// wait, when set, runs before answering, e.g. to wait until deferred.
	wait func(ctx context.Context) error
}

var _ Answerer = (*cannedAnswerer)(nil)

func (c *cannedAnswerer) Answer(ctx context.Context, req bot.Request, onPartial func(string)) (*bot.Answer, error) {
	if c.wait != nil {
		if err := c.wait(ctx); err != nil {
			return nil, err
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	a := *c.answer
	a.Question = req.Question
	return &a, nil
}

func (c *cannedAnswerer) Summarize(context.Context, bot.Length, string) (*bot.Summary, error) {
	return c.summary, c.err
}

func (c *cannedAnswerer) Search(context.Context, string, int) (*bot.SearchResult, error) {
	return &bot.SearchResult{Hits: c.hits, Covered: true}, c.err
}

func (c *cannedAnswerer) CleanQuestion(q string) (string, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", bot.ErrEmptyQuestion
	}
	return q, nil
}

func (c *cannedAnswerer) Section(name string) (string, error) {
	if name == "" || strings.EqualFold(name, "Growing Military Cooperation") {
		return name, nil
	}
	return "", bot.ErrUnknownSection
}

func canned() *cannedAnswerer {
	src := []bot.Source{{N: 1, ID: "c1", Article: "Kim vows support", Section: "Growing Military Cooperation",
		Quote: "Pyongyang has reportedly sent around 15,000 troops.", Passage: "Pyongyang has reportedly sent around 15,000 troops."}}
	return &cannedAnswerer{
		answer:  &bot.Answer{Text: "North Korea has sent about **15,000** troops [1]. See [this](https://evil.example).", Sources: src, Drafter: "llm"},
		summary: &bot.Summary{Length: bot.Short, Text: "Kim pledged support [1].", Sources: src, Drafter: "extractive"},
		hits:    []bot.Hit{{Score: 0.9}},
	}
}

// handlerBot is a bot on a session whose requests go to rec.
func handlerBot(t testing.TB, a Answerer, opt Options) (*Bot, *discordgo.Session, *recorder) {
	t.Helper()
	s, err := NewSession("test-token", "")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	s.Client = &http.Client{Transport: rec}
	if opt.UserKey == nil {
		opt.UserKey = []byte("test key")
	}
	if opt.About.Titles == nil {
		opt.About = About{Titles: []string{"Kim vows support"}, Sections: []string{"Growing Military Cooperation"}, Chunks: 9, Drafter: "llm", Models: "m", Version: "v-test"}
	}
	if opt.InstantWait == 0 {
		opt.InstantWait = time.Minute // deterministic: every reply is instant
	}
	return New(s, a, opt), s, rec
}

// loadInteraction reads a captured INTERACTION_CREATE payload.
func loadInteraction(t testing.TB, name string) *discordgo.Interaction {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(raw, &i); err != nil {
		t.Fatal(err)
	}
	return &i
}

// tokenPath hides interaction tokens, which are not stable across captures.
var tokenPath = regexp.MustCompile(`(/(?:webhooks|interactions)/[0-9]+/)[^/]+`)

// render shows the recorded requests as the golden files hold them.
func render(reqs []recorded) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "%s %s\n", r.Method, tokenPath.ReplaceAllString(r.Path, "${1}<token>"))
		if len(r.Body) > 0 {
			var v any
			if json.Unmarshal(r.Body, &v) == nil {
				out, _ := json.MarshalIndent(v, "", "  ")
				b.Write(out)
			} else {
				b.Write(r.Body)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, d)
	}
}

// checkSent fails the test for any message over Discord's limits or
// without allowed_mentions parsing nothing.
func checkSent(t testing.TB, reqs []recorded) {
	t.Helper()
	for _, r := range reqs {
		if len(r.Body) == 0 || strings.HasSuffix(r.Path, "/typing") {
			continue
		}
		var body struct {
			Type            int             `json:"type"`
			Content         string          `json:"content"`
			AllowedMentions json.RawMessage `json:"allowed_mentions"`
			Data            *struct {
				Content         string          `json:"content"`
				AllowedMentions json.RawMessage `json:"allowed_mentions"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Errorf("%s %s: %v", r.Method, r.Path, err)
			continue
		}
		am, content := body.AllowedMentions, body.Content
		if body.Data != nil {
			am, content = body.Data.AllowedMentions, body.Data.Content
		}
		if body.Type == int(discordgo.InteractionApplicationCommandAutocompleteResult) {
			continue
		}
		if !bytes.Contains(am, []byte(`"parse":[]`)) {
			t.Errorf("%s %s: allowed_mentions %s", r.Method, r.Path, am)
		}
		if textLen(content) > maxContent {
			t.Errorf("%s %s: %d characters", r.Method, r.Path, textLen(content))
		}
	}
}

func TestHandlerGoldens(t *testing.T) {
	failing := canned()
	failing.err = fmt.Errorf("upstream: %w", context.DeadlineExceeded)
	for _, tc := range []struct {
		name string
		a    Answerer
	}{
		{"ask", canned()},
		{"ask_private", canned()},
		{"ask_empty", canned()},
		{"ask_timeout", failing},
		{"summary_unknown_section", canned()},
		{"summary", canned()},
		{"sources", canned()},
		{"about", canned()},
		{"message_command", canned()},
		{"autocomplete_section", canned()},
		{"vote_unknown_answer", canned()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, s, rec := handlerBot(t, tc.a, Options{})
			b.onInteraction(context.Background(), s, loadInteraction(t, tc.name))
			reqs := rec.requests()
			checkSent(t, reqs)
			checkGolden(t, tc.name, render(reqs))
		})
	}
}

// A public question that fails after its "thinking…" gets the error in
// place of it: an edit, not a delete and an ephemeral followup (Discord
// takes the first followup as an edit and ignores its flag).
func TestErrorAfterDeferEditsTheOriginal(t *testing.T) {
	a := canned()
	a.err = fmt.Errorf("upstream: %w", context.DeadlineExceeded)
	deferred := make(chan struct{})
	a.wait = func(ctx context.Context) error {
		select {
		case <-deferred:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	b, s, rec := handlerBot(t, a, Options{InstantWait: time.Nanosecond})
	i := loadInteraction(t, "ask_timeout")
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.onInteraction(context.Background(), s, i)
	}()
	// The answer waits until the bot has deferred (the first request).
	for len(rec.requests()) == 0 {
		select {
		case <-done:
			t.Fatal("the handler ended without deferring")
		default:
			runtime.Gosched()
		}
	}
	close(deferred)
	<-done
	reqs := rec.requests()
	checkSent(t, reqs)
	checkGolden(t, "ask_deferred_error", render(reqs))
}
