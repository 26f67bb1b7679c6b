package telemetry

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/articlebot/articlebot/bot"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

func TestMetricsMove(t *testing.T) {
	m := New()
	mux := Mux(m, &Health{})
	_, before := get(t, mux, "/metrics")
	if !strings.Contains(before, `articlebot_questions_total{outcome="answered"} 0`) {
		t.Fatalf("zero series missing:\n%s", before)
	}
	m.Question("answered")
	m.AnswerLatency("extractive", 30*time.Millisecond)
	m.RetrievalLatency(time.Millisecond)
	m.Tokens(120, 30)
	m.Error("llm_unavailable")
	m.Feedback("up")
	m.CacheLookup(true)
	_, after := get(t, mux, "/metrics")
	for _, want := range []string{
		`articlebot_questions_total{outcome="answered"} 1`,
		`articlebot_answer_duration_seconds_count{drafter="extractive"} 1`,
		`articlebot_retrieval_duration_seconds_count 1`,
		`articlebot_llm_tokens_total{kind="prompt"} 120`,
		`articlebot_errors_total{kind="llm_unavailable"} 1`,
		`articlebot_feedback_total{vote="up"} 1`,
		`articlebot_answer_cache_total{result="hit"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(after, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	var nilMetrics *Metrics
	nilMetrics.Question("answered") // must not panic
	nilMetrics.Observe(bot.Event{})
}

func TestHealth(t *testing.T) {
	h := &Health{}
	mux := Mux(New(), h)
	if code, _ := get(t, mux, "/readyz"); code != 200 {
		t.Errorf("nothing required: readyz %d", code)
	}
	h.Require("index")
	h.Require("discord")
	code, body := get(t, mux, "/readyz")
	if code != 503 || !strings.Contains(body, "discord, index") {
		t.Errorf("readyz = %d %q", code, body)
	}
	h.Set("index", true)
	h.Set("discord", true)
	if code, _ := get(t, mux, "/readyz"); code != 200 {
		t.Errorf("all ready: readyz %d", code)
	}
	if code, body := get(t, mux, "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("healthz = %d %q", code, body)
	}
}

func TestListen(t *testing.T) {
	s, err := Listen("127.0.0.1:0", New(), &Health{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	resp, err := http.Get("http://" + s.Addr() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	if _, err := Listen(s.Addr(), New(), &Health{}, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		t.Error("listening twice on one address: no error")
	}
}

func TestObserve(t *testing.T) {
	m := New()
	m.Observe(bot.Event{Outcome: bot.OutcomeAnswered, Drafter: "llm", Latency: time.Second, Retrieval: time.Millisecond,
		Usage: bot.Usage{PromptTokens: 500, CompletionTokens: 40}, Fallback: false})
	m.Observe(bot.Event{Outcome: bot.OutcomeAnswered, Drafter: "extractive", Cached: true})
	m.Observe(bot.Event{Outcome: bot.OutcomeAnswered, Drafter: "extractive", Fallback: true, Kind: bot.KindModelUnavailable})
	m.Observe(bot.Event{Outcome: bot.OutcomeInvalid, Err: bot.ErrEmptyQuestion, Kind: bot.KindInput})
	_, out := get(t, Mux(m, &Health{}), "/metrics")
	for _, want := range []string{
		`articlebot_questions_total{outcome="answered"} 3`,
		`articlebot_questions_total{outcome="invalid"} 1`,
		`articlebot_llm_tokens_total{kind="prompt"} 500`,
		`articlebot_llm_tokens_total{kind="completion"} 40`,
		`articlebot_answer_cache_total{result="hit"} 1`,
		`articlebot_answer_cache_total{result="miss"} 2`,
		`articlebot_errors_total{kind="model_unavailable"} 1`,
		`articlebot_errors_total{kind="input"} 1`,
		`articlebot_retrieval_duration_seconds_count 2`,
		`articlebot_answer_duration_seconds_count{drafter="llm"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// A component running degraded fails /readyz with the reason, and shows in
// the degraded gauge.
func TestDegraded(t *testing.T) {
	m, h := New(), &Health{}
	mux := Mux(m, h)
	if code, body := get(t, mux, "/readyz"); code != 200 {
		t.Fatalf("/readyz = %d %q before anything degraded", code, body)
	}
	h.Degrade(ComponentLLM, "the language model API rejected the API key")
	m.Degraded(ComponentLLM, true)
	code, body := get(t, mux, "/readyz")
	if code != 503 || !strings.Contains(body, "degraded: llm: the language model API rejected the API key") {
		t.Errorf("/readyz = %d %q", code, body)
	}
	if _, out := get(t, mux, "/metrics"); !strings.Contains(out, `articlebot_degraded{component="llm"} 1`) || !strings.Contains(out, `articlebot_degraded{component="embeddings"} 0`) {
		t.Errorf("metrics lack the degraded gauges:\n%s", out)
	}
	h.Restore(ComponentLLM)
	m.Degraded(ComponentLLM, false)
	if code, _ := get(t, mux, "/readyz"); code != 200 {
		t.Errorf("/readyz = %d after Restore", code)
	}
}
