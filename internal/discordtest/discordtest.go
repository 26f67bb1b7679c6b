// Package discordtest is a fake Discord on 127.0.0.1: REST and the gateway
// websocket, close enough to the real API that an unmodified
// *discordgo.Session connects to it. It records every REST call, rejects
// messages over Discord's limits with a 400 as Discord would, refuses an
// interaction's response after Discord's three seconds with 10062 (Unknown
// interaction), and can inject error responses (any status and JSON code),
// slow or lost responses, and drop the gateway connection.
package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Well-known IDs of the fake's world. Snowflakes are strings, as on the wire.
const (
	AppID     = "900000000000000001"
	BotUserID = "900000000000000002"
	GuildID   = "800000000000000001"
	ChannelID = "700000000000000001"
	UserID    = "600000000000000001"
)

// Server is a fake Discord. Its zero value is not usable; call New or Start.
type Server struct {
	// URL is the base URL to give the bot in place of https://discord.com.
	URL string
	// CallbackWindow, when set, is how long after an interaction is
	// dispatched its response is accepted; later ones get 10062, as on
	// Discord, whose window is three seconds (DiscordCallbackWindow). Off
	// by default, so that a test machine slowed down by others loses no
	// interaction; set it before the bot starts.
	CallbackWindow time.Duration
	// Token is the bot token the fake accepts, without the "Bot " prefix.
	Token string

	srv      *httptest.Server
	upgrader websocket.Upgrader

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every recorded change
	calls   []Call
	faults  []*Fault
	nextID  int64

	commands     map[string][]map[string]any // by scope: "" (global) or a guild ID
	interactions map[string]*Interaction     // by token
	messages     map[string]*Message         // by ID
	threads      map[string]*Thread          // by ID

	gw gateway
}

// New starts a fake Discord for the test and stops it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := Start()
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake Discord on 127.0.0.1; Close stops it.
func Start() *Server {
	s := &Server{
		Token:        "test-token",
		changed:      make(chan struct{}),
		nextID:       1_000_000_000_000_000_000,
		commands:     map[string][]map[string]any{},
		interactions: map[string]*Interaction{},
		messages:     map[string]*Message{},
		threads:      map[string]*Thread{},
	}
	s.gw.heartbeatMS = 45000
	mux := http.NewServeMux()
	// discordgo adds a slash to the gateway URL before the query.
	mux.HandleFunc("/gateway", s.serveGateway)
	mux.HandleFunc("/gateway/", s.serveGateway)
	mux.HandleFunc("/api/v9/", s.serveREST)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close drops the gateway connection and stops the server.
func (s *Server) Close() {
	s.DropGateway()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Call is one REST request as the fake received it.
type Call struct {
	Method string
	// Path is the request path without the query, such as
	// /api/v9/interactions/123/tok/callback.
	Path  string
	Query string
	// Auth is the Authorization header.
	Auth string
	Body []byte
	// Status is the status the fake answered with; 0 when the response was
	// lost (Fault.Lost) or the client gave up waiting for it (Fault.Delay).
	Status int
	// Code is the JSON error code of an error response, such as 40060.
	Code int
	// At is when the request arrived.
	At time.Time
}

// Decode unmarshals the call's JSON body into v.
func (c Call) Decode(v any) error { return json.Unmarshal(c.Body, v) }

func (c Call) String() string {
	body := string(c.Body)
	if len(body) > 300 {
		body = body[:300] + "…"
	}
	return fmt.Sprintf("%s %s -> %d %s", c.Method, c.Path, c.Status, body)
}

// Calls returns every REST call so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsTo returns the calls whose method matches (any when empty) and whose
// path contains pathPart.
func (s *Server) CallsTo(method, pathPart string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if (method == "" || c.Method == method) && strings.Contains(c.Path, pathPart) {
			out = append(out, c)
		}
	}
	return out
}

// Fault makes matching REST requests fail before they are handled.
type Fault struct {
	// Method matches any method when empty.
	Method string
	// PathContains matches any path when empty.
	PathContains string
	// Status is the status to answer with: 429 adds Discord's rate-limit
	// body with RetryAfter; anything else an error body with Code.
	Status int
	// Code is the JSON error code of the error body, such as 10062
	// (Unknown interaction) with Status 404.
	Code int
	// Delay holds the request this long before handling it, or until the
	// client gives up (then nothing is handled, and the call is recorded
	// with Status 0), as when Discord is slow to answer or times out. With
	// no Status and not Lost, the request is then handled normally.
	Delay time.Duration
	// RetryAfter is the 429's retry_after, in seconds.
	RetryAfter float64
	// Times is how many requests the fault hits; 0 means once.
	Times int
	// Lost handles the request, then closes the connection without
	// answering, as when a response is lost on the way back; Status and
	// RetryAfter are then unused.
	Lost bool
}

// Inject adds a fault. Faults are tried in the order they were added.
func (s *Server) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// DiscordCallbackWindow is how long Discord takes an interaction's response.
const DiscordCallbackWindow = 3 * time.Second

// Interaction codes Discord answers with.
const (
	CodeUnknownInteraction  = 10062
	CodeAlreadyAcknowledged = 40060
)

// WaitFor blocks until cond holds, re-checking it after every change the
// fake records. It fails the test, listing the REST calls, if cond still
// doesn't hold shortly before the test binary's -timeout would end it: a
// hung test is reported with what the bot did, and a slow machine (the race
// detector on two loaded cores took 18 s for fifty answers that need 2 s
// when idle) is never mistaken for a hung one, as a fixed 15 s bound was.
func (s *Server) WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	var deadline time.Time
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		deadline, _ = d.Deadline()
	}
	s.waitUntil(t, deadline, what, cond)
}

// Hung returns a channel closed shortly before the test's deadline
// (-timeout), as WaitFor gives up, or never when it has none: a bound
// against a hung test that a slow machine is never mistaken for, as a
// fixed 15 s bound was under the race detector on two loaded cores.
func Hung(t testing.TB) <-chan struct{} {
	var deadline time.Time
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		deadline, _ = d.Deadline()
	}
	ctx, cancel := waitContext(deadline)
	t.Cleanup(cancel)
	return ctx.Done()
}

// waitUntil is WaitFor for a test whose deadline is given (zero for none).
func (s *Server) waitUntil(t testing.TB, deadline time.Time, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := waitContext(deadline)
	defer cancel()
	if err := s.Await(ctx, cond); err != nil {
		var b strings.Builder
		for _, c := range s.Calls() {
			b.WriteString("\n  " + c.String())
		}
		t.Fatalf("gave up waiting for %s; REST calls:%s", what, b.String())
	}
}

// waitContext ends shortly before the test's deadline (-timeout), leaving
// a tenth of the time left, at most half a minute, to report; it never ends
// when the test has no deadline.
func waitContext(deadline time.Time) (context.Context, context.CancelFunc) {
	if deadline.IsZero() {
		return context.WithCancel(context.Background())
	}
	return context.WithDeadline(context.Background(), deadline.Add(-min(30*time.Second, time.Until(deadline)/10)))
}

// Await blocks until cond holds, re-checking it after every change the
// fake records, or until ctx ends. Unlike WaitFor it may be called from any
// goroutine, such as a fake answerer's.
func (s *Server) Await(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// notify wakes WaitFor. The caller holds s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// snowflake returns a fresh ID. The caller holds s.mu.
func (s *Server) snowflake() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// NewID returns a fresh snowflake for a test's own objects.
func (s *Server) NewID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snowflake()
}
