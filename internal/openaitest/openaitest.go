// Package openaitest is a fake OpenAI-compatible API on loopback for tests:
// embeddings and chat completions in the real wire format (JSON, and SSE
// streaming with a final usage-only chunk), scripted failures, and request
// counts. Clients under test reach it through its URL as their base URL;
// one made with NewInMemory, for testing/synctest, also through Client.
package openaitest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Endpoints, as Count and Fail name them.
const (
	Embeddings = "embeddings"
	Chat       = "chat"
	// Models is GET /v1/models, which clients use to check their key.
	Models = "models"
)

// Dims is the length of the default embedder's vectors.
const Dims = 256

// Server is a fake OpenAI-compatible API. Its zero value is not usable; call
// New.
type Server struct {
	// URL is the API's base URL, ending in /v1, as OPENAI_BASE_URL takes it.
	URL string

	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once
	// pipeClient reaches a server on the in-memory network.
	pipeClient *http.Client
	pipeOnce   sync.Once

	mu       sync.Mutex
	apiKey   string
	embed    EmbedFunc
	chat     ChatFunc
	faults   map[string][]Fault
	requests []Request
	// maxInputs and maxPromptChars mimic the API's limits when above 0.
	maxInputs      int
	maxPromptChars int
}

// EmbedFunc returns one vector per input.
type EmbedFunc func(model string, inputs []string) [][]float32

// ChatFunc drafts the reply to a chat request.
type ChatFunc func(req Request) Reply

// Request is one request the server received.
type Request struct {
	Endpoint string // Embeddings or Chat
	Model    string
	// Inputs are an embeddings request's texts.
	Inputs []string
	// Messages are a chat request's messages.
	Messages []Message
	Stream   bool
	// IncludeUsage is stream_options.include_usage.
	IncludeUsage bool
	// MaxTokens is max_tokens or max_completion_tokens.
	MaxTokens int
	// MaxCompletionTokens and ReasoningEffort are as sent: reasoning
	// models take them.
	MaxCompletionTokens int
	ReasoningEffort     string
	// Temperature is nil when the request sent none.
	Temperature *float64
	// User is the end-user identifier, "user".
	User string
	// Status is the HTTP status the server answered with.
	Status int
}

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Last returns the content of the last message with the role.
func (r Request) Last(role string) string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == role {
			return r.Messages[i].Content
		}
	}
	return ""
}

// Reply is a chat completion to send.
type Reply struct {
	Content string
	// Chunks are the streamed pieces of Content; nil splits it into words.
	Chunks []string
	// PromptTokens and CompletionTokens are reported as usage; zero means
	// an estimate from the text.
	PromptTokens, CompletionTokens int
	// StallAfter, when above 0, streams that many chunks and then stalls,
	// sending nothing more until the client gives up.
	StallAfter int
	// FinishReason is sent as finish_reason; empty means "stop".
	FinishReason string
	// Refusal, when set, is streamed as the model's refusal.
	Refusal string
}

func (r Reply) finish() string {
	if r.FinishReason == "" {
		return "stop"
	}
	return r.FinishReason
}

// Fault is a failure the server answers with instead of a reply.
type Fault struct {
	// Status is the HTTP status; Message, Type and Code fill the OpenAI
	// error body. Zero Status with Drop set closes the connection instead.
	Status  int
	Message string
	Type    string
	Code    string
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Drop closes the connection without a response: a connection error.
	Drop bool
	// Hang holds the request without answering until the client gives up.
	Hang bool
}

// New starts a server on 127.0.0.1 and closes it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := newServer()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + "/v1"
	t.Cleanup(s.Close)
	return s
}

// NewInMemory starts a server on an in-memory network instead of loopback,
// and closes it when the test ends: for tests in a testing/synctest bubble,
// whose fake clock can't advance while a goroutine waits on a socket.
// Clients reach it only through Client.
func NewInMemory(t testing.TB) *Server {
	t.Helper()
	s := newServer()
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener = newPipeListener()
	s.srv.Start()
	s.URL = s.srv.URL + "/v1"
	t.Cleanup(s.Close)
	return s
}

func newServer() *Server {
	return &Server{
		closing: make(chan struct{}),
		embed:   HashEmbed,
		chat:    CiteFirstPassage,
		faults:  map[string][]Fault{},
	}
}

// Client is an HTTP client that reaches the server, however it listens.
func (s *Server) Client() *http.Client {
	if l, ok := s.srv.Listener.(*pipeListener); ok {
		s.pipeOnce.Do(func() {
			s.pipeClient = &http.Client{Transport: &http.Transport{DialContext: l.dial}}
		})
		return s.pipeClient
	}
	return s.srv.Client()
}

// Close stops the server, releasing any stalled stream first.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.srv.CloseClientConnections()
	s.srv.Close()
	if s.pipeClient != nil {
		s.pipeClient.CloseIdleConnections()
	}
}

// RequireKey makes the server answer 401 unless requests carry key as a
// Bearer token.
func (s *Server) RequireKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKey = key
}

// SetEmbed replaces the embedder (HashEmbed by default).
func (s *Server) SetEmbed(f EmbedFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embed = f
}

// SetChat replaces the chat responder (CiteFirstPassage by default).
func (s *Server) SetChat(f ChatFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat = f
}

// SetMaxInputs makes an embeddings request with more inputs fail with 400,
// as the API does beyond 2048.
func (s *Server) SetMaxInputs(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxInputs = n
}

// SetMaxPromptChars makes a chat request whose messages hold more
// characters fail with 400 context_length_exceeded.
func (s *Server) SetMaxPromptChars(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxPromptChars = n
}

// Fail makes the next times requests to endpoint fail with f, after any
// failures already queued.
func (s *Server) Fail(endpoint string, f Fault, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range times {
		s.faults[endpoint] = append(s.faults[endpoint], f)
	}
}

// Count is how many requests endpoint has received, failed ones included.
func (s *Server) Count(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Endpoint == endpoint {
			n++
		}
	}
	return n
}

// Inputs is how many texts all embeddings requests have carried.
func (s *Server) Inputs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		n += len(r.Inputs)
	}
	return n
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Reset forgets the requests received so far.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// TooManyRequests is a rate-limit fault with a Retry-After header.
func TooManyRequests(retryAfter string) Fault {
	return Fault{Status: http.StatusTooManyRequests, Type: "requests", Code: "rate_limit_exceeded",
		Message: "Rate limit reached for requests. Please try again later.", RetryAfter: retryAfter}
}

// ServerError is a 500 fault.
func ServerError() Fault {
	return Fault{Status: http.StatusInternalServerError, Type: "server_error",
		Message: "The server had an error while processing your request. Sorry about that!"}
}

// ContextLength is the 400 the API sends when a prompt is too long.
func ContextLength() Fault {
	return Fault{Status: http.StatusBadRequest, Type: "invalid_request_error", Code: "context_length_exceeded",
		Message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages."}
}
