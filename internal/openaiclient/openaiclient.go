// Package openaiclient calls OpenAI-compatible APIs (OpenAI, Ollama, vLLM,
// llama.cpp server, LM Studio) through go-openai, adding what go-openai
// lacks: a deadline on every attempt, retries with backoff that honour
// Retry-After, and errors classified for callers to branch on.
package openaiclient

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/articlebot/articlebot/internal/redact"
)

// DefaultBaseURL is OpenAI's API, used when no base URL is configured.
const DefaultBaseURL = "https://api.openai.com/v1"

// Config configures a client.
type Config struct {
	// BaseURL is the API root, such as http://localhost:11434/v1; empty
	// means DefaultBaseURL.
	BaseURL string
	// APIKey is sent as a Bearer token when set; local servers need none.
	APIKey string
	// Timeout bounds one attempt, a streamed reply included; zero leaves
	// only the caller's deadline.
	Timeout time.Duration
	// MaxRetries is how many times a failed request is retried.
	MaxRetries int
	// HTTPClient sends the requests; nil means one without a Timeout.
	HTTPClient *http.Client
	// Backoff paces the retries; zero fields take their defaults.
	Backoff Backoff
}

// Backoff is the retry schedule: exponential with jitter, or the server's
// Retry-After when it sends one, up to MaxRetryAfter.
type Backoff struct {
	// Base is the wait before the first retry, doubled for each further one
	// up to Max.
	Base, Max time.Duration
	// MaxRetryAfter caps how long a Retry-After header makes us wait.
	MaxRetryAfter time.Duration
	// Sleep waits for d or until ctx is done; tests replace it so that no
	// test sleeps for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1); nil means math/rand.
	Jitter func() float64
}

// Default backoff settings.
const (
	DefaultBackoffBase   = 500 * time.Millisecond
	DefaultBackoffMax    = 8 * time.Second
	DefaultMaxRetryAfter = 30 * time.Second
)

// Client is a go-openai client with retries.
type Client struct {
	// API is the underlying client. Call it inside Do, with the context Do
	// passes, so that Retry-After headers are seen.
	API     *openai.Client
	baseURL string
	timeout time.Duration
	retries int
	backoff Backoff
}

// New makes a client. It sends nothing until called.
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	hc := cfg.HTTPClient
	if hc == nil {
		// No http.Client.Timeout: it would cut off a long streamed reply.
		// Every attempt runs under a context deadline instead.
		hc = &http.Client{}
	}
	b := cfg.Backoff
	if b.Base <= 0 {
		b.Base = DefaultBackoffBase
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoffMax
	}
	if b.MaxRetryAfter <= 0 {
		b.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if b.Sleep == nil {
		b.Sleep = sleep
	}
	if b.Jitter == nil {
		b.Jitter = rand.Float64
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	oc.HTTPClient = headerRecorder{hc}
	return &Client{
		API:     openai.NewClientWithConfig(oc),
		baseURL: oc.BaseURL,
		timeout: cfg.Timeout,
		retries: max(cfg.MaxRetries, 0),
		backoff: b,
	}
}

// BaseURL is the API root the client calls, with any credentials in it
// redacted: it is for showing, logging and the index file's header.
func (c *Client) BaseURL() string { return redact.URL(c.baseURL) }

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Do runs call until it succeeds, fails in a way a retry cannot fix, runs
// out of retries, or ctx ends. Each attempt gets its own deadline. A failure
// is returned as an *Error, or as ctx's error when ctx ended.
func (c *Client) Do(ctx context.Context, call func(ctx context.Context) error) error {
	for attempt := 1; ; attempt++ {
		hint := &retryHint{}
		actx, cancel := c.attemptContext(context.WithValue(ctx, hintKey{}, hint))
		err := call(actx)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%w (last attempt: %w)", ctx.Err(), classify(err, false, attempt))
		}
		e := classify(err, timedOut, attempt)
		if !e.Retryable() || attempt > c.retries {
			return e
		}
		wait := c.wait(attempt, hint.get())
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			// Waiting would outlast the caller: give up now so that it
			// has time left to fall back.
			return e
		}
		if err := c.backoff.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%w (last attempt: %w)", err, e)
		}
	}
}

// Probe checks with one cheap request (the models list), never retried,
// that the API takes the key. It returns an *Error like Do; callers act on
// IsConfig and may ignore the rest (a server without a models list, one
// briefly down).
func (c *Client) Probe(ctx context.Context) error {
	actx, cancel := c.attemptContext(ctx)
	defer cancel()
	_, err := c.API.ListModels(actx)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%w (probe: %w)", ctx.Err(), classify(err, false, 1))
	}
	return classify(err, errors.Is(actx.Err(), context.DeadlineExceeded), 1)
}

// attemptContext bounds one attempt by the configured timeout, if any.
func (c *Client) attemptContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.timeout)
}

// wait is how long to sleep before retry number attempt: the server's
// Retry-After when it gave one, capped, or exponential backoff with equal
// jitter (half fixed, half random).
func (c *Client) wait(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.backoff.MaxRetryAfter)
	}
	d := c.backoff.Base << (attempt - 1)
	if d > c.backoff.Max || d <= 0 {
		d = c.backoff.Max
	}
	return d/2 + time.Duration(c.backoff.Jitter()*float64(d/2))
}

// hintKey carries an attempt's *retryHint in its context, so that the
// HTTP layer can hand back the Retry-After header go-openai drops.
type hintKey struct{}

type retryHint struct {
	mu    sync.Mutex
	after time.Duration
}

func (h *retryHint) get() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.after
}

// headerRecorder notes the Retry-After of failed responses.
type headerRecorder struct{ hc *http.Client }

func (r headerRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.hc.Do(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	if h, ok := req.Context().Value(hintKey{}).(*retryHint); ok {
		if d := parseRetryAfter(resp.Header, time.Now()); d > 0 {
			h.mu.Lock()
			h.after = d
			h.mu.Unlock()
		}
	}
	return resp, err
}

// parseRetryAfter reads OpenAI's retry-after-ms, or the standard
// Retry-After in seconds or as an HTTP date.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms > 0 {
		return seconds(ms / 1000)
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		return seconds(s)
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now)
	}
	return 0
}

// maxParsedRetryAfter bounds a parsed Retry-After before the configured
// cap applies: converting a larger float to a Duration overflows to a
// negative wait, which would read as no header at all.
const maxParsedRetryAfter = 24 * time.Hour

// seconds converts a header's seconds to a Duration: 0 for nothing sensible
// (negative, zero, NaN), at most maxParsedRetryAfter.
func seconds(s float64) time.Duration {
	if !(s > 0) {
		return 0
	}
	if s >= maxParsedRetryAfter.Seconds() {
		return maxParsedRetryAfter
	}
	return time.Duration(s * float64(time.Second))
}
