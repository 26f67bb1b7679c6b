package openaiclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/articlebot/articlebot/internal/openaitest"
)

// sleeps records the backoff waits instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) get() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func newClient(t *testing.T, srv *openaitest.Server, key string, retries int) (*Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	return New(Config{
		BaseURL: srv.URL, APIKey: key, MaxRetries: retries, Timeout: 5 * time.Second,
		Backoff: Backoff{Sleep: sl.sleep, Jitter: func() float64 { return 0.5 }},
	}), sl
}

func embed(ctx context.Context, c *Client) error {
	return c.Do(ctx, func(ctx context.Context) error {
		_, err := c.API.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: []string{"hello"}, Model: "m"})
		return err
	})
}

func TestRetryAfterIsHonoured(t *testing.T) {
	srv := openaitest.New(t)
	srv.Fail(openaitest.Embeddings, openaitest.TooManyRequests("2"), 1)
	c, sl := newClient(t, srv, "", 4)
	if err := embed(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got := sl.get(); len(got) != 1 || got[0] != 2*time.Second {
		t.Errorf("waits = %v, want [2s]", got)
	}
	if n := srv.Count(openaitest.Embeddings); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestRetryAfterIsCapped(t *testing.T) {
	for _, after := range []string{"3600", "99999999999"} {
		srv := openaitest.New(t)
		srv.Fail(openaitest.Embeddings, openaitest.TooManyRequests(after), 1)
		c, sl := newClient(t, srv, "", 1)
		if err := embed(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		if got := sl.get(); len(got) != 1 || got[0] != DefaultMaxRetryAfter {
			t.Errorf("Retry-After %s: waits = %v, want [%v]", after, got, DefaultMaxRetryAfter)
		}
	}
}

func TestServerErrorsBackOffExponentially(t *testing.T) {
	srv := openaitest.New(t)
	srv.Fail(openaitest.Embeddings, openaitest.ServerError(), 5)
	c, sl := newClient(t, srv, "", 4)
	err := embed(context.Background(), c)
	var e *Error
	if !errors.As(err, &e) || e.Kind != Unavailable || e.Status != 500 || e.Attempts != 5 {
		t.Fatalf("err = %#v", err)
	}
	// Jitter 0.5 gives three quarters of each doubled base.
	want := []time.Duration{375 * time.Millisecond, 750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second}
	got := sl.get()
	if len(got) != len(want) {
		t.Fatalf("waits = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("wait %d = %v, want %v", i, got[i], want[i])
		}
	}
	if strings.Contains(err.Error(), "Sorry about that") {
		t.Errorf("message repeats the upstream error: %v", err)
	}
}

func TestBackoffStaysWithinBounds(t *testing.T) {
	c := New(Config{MaxRetries: 10})
	for attempt := 1; attempt <= 10; attempt++ {
		base := min(DefaultBackoffBase<<(attempt-1), DefaultBackoffMax)
		for range 50 {
			if d := c.wait(attempt, 0); d < base/2 || d > base {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, base/2, base)
			}
		}
	}
}

func TestNeverRetried(t *testing.T) {
	tests := []struct {
		status int
		code   string
		kind   Kind
		config bool
	}{
		{400, "", Rejected, false},
		{400, "context_length_exceeded", ContextLength, false},
		{401, "invalid_api_key", Unauthorized, true},
		{403, "", Unauthorized, true},
		{404, "model_not_found", NotFound, true},
		{429, "insufficient_quota", Unavailable, false},
	}
	for _, tt := range tests {
		srv := openaitest.New(t)
		srv.Fail(openaitest.Embeddings, openaitest.Fault{Status: tt.status, Code: tt.code, Message: "upstream says no"}, 3)
		c, sl := newClient(t, srv, "", 4)
		err := embed(context.Background(), c)
		var e *Error
		if !errors.As(err, &e) || e.Kind != tt.kind || e.Status != tt.status {
			t.Errorf("%d %s: err = %#v, want kind %d", tt.status, tt.code, err, tt.kind)
			continue
		}
		if n := srv.Count(openaitest.Embeddings); n != 1 || len(sl.get()) != 0 {
			t.Errorf("%d %s: %d requests, waits %v; want one request, no retry", tt.status, tt.code, n, sl.get())
		}
		if IsConfig(err) != tt.config {
			t.Errorf("%d: IsConfig = %v", tt.status, !tt.config)
		}
		if strings.Contains(err.Error(), "upstream says no") {
			t.Errorf("%d: message repeats the upstream error: %v", tt.status, err)
		}
	}
}

func TestUnauthorizedIsClear(t *testing.T) {
	srv := openaitest.New(t)
	srv.RequireKey("sk-right")
	c, sl := newClient(t, srv, "sk-wrong", 4)
	err := embed(context.Background(), c)
	if !IsConfig(err) || !strings.Contains(err.Error(), "OPENAI_API_KEY") || !strings.Contains(err.Error(), "401") {
		t.Errorf("err = %v", err)
	}
	if n := srv.Count(openaitest.Embeddings); n != 1 || len(sl.get()) != 0 {
		t.Errorf("%d requests, %d waits; want 1, 0", n, len(sl.get()))
	}
	c, _ = newClient(t, srv, "sk-right", 0)
	if err := embed(context.Background(), c); err != nil {
		t.Errorf("right key: %v", err)
	}
}

func TestConnectionErrorsAreRetried(t *testing.T) {
	srv := openaitest.New(t)
	srv.Fail(openaitest.Embeddings, openaitest.Fault{Drop: true}, 2)
	c, sl := newClient(t, srv, "", 4)
	if err := embed(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if n := len(sl.get()); n != 2 {
		t.Errorf("%d retries, want 2", n)
	}
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	srv := openaitest.New(t)
	c, sl := newClient(t, srv, "", 2)
	c.timeout = 50 * time.Millisecond
	calls := 0
	err := c.Do(context.Background(), func(ctx context.Context) error {
		calls++
		if calls == 1 {
			<-ctx.Done() // the first attempt hangs past its own deadline
			return ctx.Err()
		}
		return nil
	})
	if err != nil || calls != 2 || len(sl.get()) != 1 {
		t.Errorf("err %v after %d calls, %d waits", err, calls, len(sl.get()))
	}
}

func TestGivesUpWhenTheWaitOutlastsTheCaller(t *testing.T) {
	srv := openaitest.New(t)
	srv.Fail(openaitest.Embeddings, openaitest.TooManyRequests("20"), 1)
	c, sl := newClient(t, srv, "", 4)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := embed(ctx, c)
	var e *Error
	if !errors.As(err, &e) || e.Status != 429 || len(sl.get()) != 0 {
		t.Errorf("err = %v, waits %v; want the 429 at once", err, sl.get())
	}
}

func TestCallerCancellationStops(t *testing.T) {
	srv := openaitest.New(t)
	srv.Fail(openaitest.Embeddings, openaitest.ServerError(), 1)
	c, _ := newClient(t, srv, "", 4)
	ctx, cancel := context.WithCancel(context.Background())
	c.backoff.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	if err := embed(ctx, c); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := srv.Count(openaitest.Embeddings); n != 1 {
		t.Errorf("%d requests after cancellation, want 1", n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		header, value string
		want          time.Duration
	}{
		{"Retry-After", "2", 2 * time.Second},
		{"Retry-After", "0.5", 500 * time.Millisecond},
		{"Retry-After", now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second},
		{"Retry-After", "soon", 0},
		{"Retry-After", "-3", 0},
		{"Retry-After-Ms", "1500", 1500 * time.Millisecond},
		// Too large for a Duration, or not a number: a long wait (the
		// client caps it), never an overflow to a negative one.
		{"Retry-After", "99999999999", 24 * time.Hour},
		{"Retry-After", "Inf", 24 * time.Hour},
		{"Retry-After", "NaN", 0},
		{"Retry-After-Ms", "1e20", 24 * time.Hour},
		{"Retry-After", now.Add(1e6 * time.Hour).Format(http.TimeFormat), 1e6 * time.Hour},
		{"X-Other", "5", 0},
	}
	for _, tt := range tests {
		h := http.Header{}
		h.Set(tt.header, tt.value)
		if got := parseRetryAfter(h, now); got != tt.want {
			t.Errorf("%s: %s = %v, want %v", tt.header, tt.value, got, tt.want)
		}
	}
}

func TestContextLengthMessages(t *testing.T) {
	for _, msg := range []string{
		"This model's maximum context length is 8192 tokens.",
		"the request exceeds the available context size, try increasing it",
		"Prompt is too long",
	} {
		if !isContextLength(nil, "", msg) {
			t.Errorf("%q not recognised", msg)
		}
	}
	if isContextLength(nil, "", "invalid model") {
		t.Error("false positive")
	}
}
