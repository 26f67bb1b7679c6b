// Package telemetry exposes articlebot's Prometheus metrics and its health
// and readiness endpoints on an optional HTTP listener.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/articlebot/articlebot/bot"
)

// Metrics are the counters and histograms articlebot exports. A nil
// *Metrics records nothing, so callers need no checks.
type Metrics struct {
	reg              *prometheus.Registry
	questions        *prometheus.CounterVec
	answerLatency    *prometheus.HistogramVec
	retrievalLatency prometheus.Histogram
	tokens           *prometheus.CounterVec
	errors           *prometheus.CounterVec
	feedback         *prometheus.CounterVec
	cache            *prometheus.CounterVec
	degraded         *prometheus.GaugeVec
}

// Components that can be degraded: running, but worse than configured.
const (
	// ComponentLLM is the language model: answers fall back to extractive.
	ComponentLLM = "llm"
	// ComponentEmbeddings is the remote embedder: answers use local
	// embeddings or BM25 alone.
	ComponentEmbeddings = "embeddings"
)

// New registers articlebot's metrics, and the Go runtime's, on a fresh
// registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "articlebot_questions_total",
			Help: "Questions handled, by outcome (answered, refused, invalid, error).",
		}, []string{"outcome"}),
		answerLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "articlebot_answer_duration_seconds",
			Help:    "Time to a final answer, by drafter.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"drafter"}),
		retrievalLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "articlebot_retrieval_duration_seconds",
			Help:    "Time spent retrieving passages for one question.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "articlebot_llm_tokens_total",
			Help: "Language model tokens used, by kind (prompt, completion).",
		}, []string{"kind"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "articlebot_errors_total",
			Help: "Errors, by kind.",
		}, []string{"kind"}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "articlebot_feedback_total",
			Help: "Feedback votes on answers, by vote (up, down).",
		}, []string{"vote"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "articlebot_answer_cache_total",
			Help: "Answer cache lookups, by result (hit, miss).",
		}, []string{"result"}),
		degraded: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "articlebot_degraded",
			Help: "1 while a component runs degraded (llm: the model API rejects the configuration; embeddings: the remote index isn't in use), else 0.",
		}, []string{"component"}),
	}
	m.reg.MustRegister(m.questions, m.answerLatency, m.retrievalLatency, m.tokens, m.errors, m.feedback, m.cache, m.degraded,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Export zeros for the expected label values so dashboards and alerts
	// see the series before the first event.
	for _, o := range []string{bot.OutcomeAnswered, bot.OutcomeRefused, bot.OutcomeInvalid, bot.OutcomeError} {
		m.questions.WithLabelValues(o)
	}
	for _, v := range []string{"up", "down"} {
		m.feedback.WithLabelValues(v)
	}
	for _, r := range []string{"hit", "miss"} {
		m.cache.WithLabelValues(r)
	}
	for _, c := range []string{ComponentLLM, ComponentEmbeddings} {
		m.degraded.WithLabelValues(c)
	}
	return m
}

// Question records one question's outcome.
func (m *Metrics) Question(outcome string) {
	if m != nil {
		m.questions.WithLabelValues(outcome).Inc()
	}
}

// Observe records everything an answering-service event tells: its
// outcome, latencies, tokens, cache use and error kind. It fits
// bot.Options.Observe.
func (m *Metrics) Observe(ev bot.Event) {
	if m == nil {
		return
	}
	m.Question(ev.Outcome)
	if ev.Kind != "" {
		m.Error(string(ev.Kind))
	}
	if ev.Outcome != bot.OutcomeAnswered && ev.Outcome != bot.OutcomeRefused {
		return
	}
	m.AnswerLatency(ev.Drafter, ev.Latency)
	if !ev.Cached {
		m.RetrievalLatency(ev.Retrieval)
	}
	m.Tokens(ev.Usage.PromptTokens, ev.Usage.CompletionTokens)
	m.CacheLookup(ev.Cached)
}

// AnswerLatency records the time to a final answer.
func (m *Metrics) AnswerLatency(drafter string, d time.Duration) {
	if m != nil {
		m.answerLatency.WithLabelValues(drafter).Observe(d.Seconds())
	}
}

// RetrievalLatency records the time spent retrieving passages.
func (m *Metrics) RetrievalLatency(d time.Duration) {
	if m != nil {
		m.retrievalLatency.Observe(d.Seconds())
	}
}

// Tokens records language model token usage.
func (m *Metrics) Tokens(prompt, completion int) {
	if m != nil {
		m.tokens.WithLabelValues("prompt").Add(float64(prompt))
		m.tokens.WithLabelValues("completion").Add(float64(completion))
	}
}

// Error records an error of the given kind, such as "llm_unavailable".
func (m *Metrics) Error(kind string) {
	if m != nil {
		m.errors.WithLabelValues(kind).Inc()
	}
}

// Feedback records a vote, "up" or "down".
func (m *Metrics) Feedback(vote string) {
	if m != nil {
		m.feedback.WithLabelValues(vote).Inc()
	}
}

// CacheLookup records an answer cache hit or miss.
func (m *Metrics) CacheLookup(hit bool) {
	if m == nil {
		return
	}
	if hit {
		m.cache.WithLabelValues("hit").Inc()
	} else {
		m.cache.WithLabelValues("miss").Inc()
	}
}

// Degraded sets a component's degraded gauge.
func (m *Metrics) Degraded(component string, degraded bool) {
	if m == nil {
		return
	}
	v := 0.0
	if degraded {
		v = 1
	}
	m.degraded.WithLabelValues(component).Set(v)
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Health tracks the components that must be ready before the process is.
// The zero value is usable and ready (it requires nothing).
type Health struct {
	mu    sync.Mutex
	state map[string]bool
	// degraded holds why a component runs degraded, by component.
	degraded map[string]string
}

// Degrade marks a ready component as running degraded, for the reason
// given: /readyz fails with it until Restore.
func (h *Health) Degrade(component, reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.degraded == nil {
		h.degraded = map[string]string{}
	}
	h.degraded[component] = reason
}

// Restore ends a component's degraded state.
func (h *Health) Restore(component string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.degraded, component)
}

// Degraded lists the degraded components as "component: reason", sorted.
func (h *Health) Degraded() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for c, why := range h.degraded {
		out = append(out, c+": "+why)
	}
	sort.Strings(out)
	return out
}

// Require adds a component that starts not ready.
func (h *Health) Require(name string) { h.Set(name, false) }

// Set marks a component ready or not.
func (h *Health) Set(name string, ready bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state == nil {
		h.state = map[string]bool{}
	}
	h.state[name] = ready
}

// NotReady lists the components that are not ready, sorted.
func (h *Health) NotReady() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for name, ok := range h.state {
		if !ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Mux serves /healthz (the process is up), /readyz (every required
// component is ready and none degraded: a bot whose model rejects its key
// answers, but not as configured) and /metrics.
func Mux(m *Metrics, h *Health) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if waiting := h.NotReady(); len(waiting) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready:", strings.Join(waiting, ", "))
			return
		}
		if degraded := h.Degraded(); len(degraded) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "degraded:", strings.Join(degraded, "; "))
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", m.Handler())
	return mux
}

// Server is the optional operations listener.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Listen binds addr (such as ":8080" or "127.0.0.1:0") and serves the
// endpoints until Shutdown.
func Listen(addr string, m *Metrics, h *Health, log *slog.Logger) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("couldn't listen on %s for health and metrics: %w", addr, err)
	}
	s := &Server{ln: ln, srv: &http.Server{
		Handler:           Mux(m, h),
		ReadHeaderTimeout: 5 * time.Second,
	}}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("health and metrics listener stopped", "err", err)
		}
	}()
	log.Info("serving health and metrics", "addr", ln.Addr().String())
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Shutdown stops the server, waiting for requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }
