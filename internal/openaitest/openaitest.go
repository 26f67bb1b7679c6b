// Package openaitest is a fake OpenAI-compatible API on loopback for tests:
// embeddings and chat completions in the real wire format (JSON, and SSE
// streaming with a final usage-only chunk), scripted failures, and request
// counts. Clients under test reach it through its URL as their base URL.
package openaitest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// Endpoints, as Count and Fail name them.
const (
	Embeddings = "embeddings"
	Chat       = "chat"
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
}

// New starts a server on 127.0.0.1 and closes it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		closing: make(chan struct{}),
		embed:   HashEmbed,
		chat:    CiteFirstPassage,
		faults:  map[string][]Fault{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + "/v1"
	t.Cleanup(s.Close)
	return s
}

// Close stops the server, releasing any stalled stream first.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.srv.CloseClientConnections()
	s.srv.Close()
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

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	var endpoint string
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/embeddings":
		endpoint = Embeddings
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		endpoint = Chat
	default:
		writeError(w, Fault{Status: http.StatusNotFound, Type: "invalid_request_error",
			Message: fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path)})
		return
	}
	var body struct {
		Model               string          `json:"model"`
		Input               json.RawMessage `json:"input"`
		Messages            []Message       `json:"messages"`
		Stream              bool            `json:"stream"`
		MaxTokens           int             `json:"max_tokens"`
		MaxCompletionTokens int             `json:"max_completion_tokens"`
		StreamOptions       *struct {
			IncludeUsage bool `json:"include_usage"`
		} `json:"stream_options"`
	}
	req := Request{Endpoint: endpoint}
	record := func(status int) {
		req.Status = status
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.mu.Unlock()
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		record(http.StatusBadRequest)
		writeError(w, Fault{Status: http.StatusBadRequest, Type: "invalid_request_error", Message: "We could not parse the JSON body of your request."})
		return
	}
	req.Model, req.Messages, req.Stream = body.Model, body.Messages, body.Stream
	req.IncludeUsage = body.StreamOptions != nil && body.StreamOptions.IncludeUsage
	req.MaxTokens = max(body.MaxTokens, body.MaxCompletionTokens)
	if endpoint == Embeddings {
		var one string
		if err := json.Unmarshal(body.Input, &one); err == nil {
			req.Inputs = []string{one}
		} else if err := json.Unmarshal(body.Input, &req.Inputs); err != nil {
			record(http.StatusBadRequest)
			writeError(w, Fault{Status: http.StatusBadRequest, Type: "invalid_request_error", Message: "'input' must be a string or an array of strings"})
			return
		}
	}

	s.mu.Lock()
	key, embed, chat := s.apiKey, s.embed, s.chat
	maxInputs, maxPrompt := s.maxInputs, s.maxPromptChars
	var fault *Fault
	if q := s.faults[endpoint]; len(q) > 0 {
		fault = &q[0]
		s.faults[endpoint] = q[1:]
	}
	s.mu.Unlock()

	switch {
	case key != "" && r.Header.Get("Authorization") != "Bearer "+key:
		fault = &Fault{Status: http.StatusUnauthorized, Type: "invalid_request_error", Code: "invalid_api_key",
			Message: "Incorrect API key provided: sk-wr***ng. You can find your API key at https://platform.openai.com/account/api-keys."}
	case fault != nil:
	case body.Model == "":
		fault = &Fault{Status: http.StatusBadRequest, Type: "invalid_request_error", Message: "you must provide a model parameter"}
	case endpoint == Embeddings && len(req.Inputs) == 0:
		fault = &Fault{Status: http.StatusBadRequest, Type: "invalid_request_error", Message: "'input' must not be empty"}
	case endpoint == Embeddings && maxInputs > 0 && len(req.Inputs) > maxInputs:
		fault = &Fault{Status: http.StatusBadRequest, Type: "invalid_request_error",
			Message: fmt.Sprintf("'input' must have at most %d elements, got %d", maxInputs, len(req.Inputs))}
	case endpoint == Chat && len(req.Messages) == 0:
		fault = &Fault{Status: http.StatusBadRequest, Type: "invalid_request_error", Message: "'messages' must not be empty"}
	case endpoint == Chat && maxPrompt > 0 && promptChars(req.Messages) > maxPrompt:
		f := ContextLength()
		fault = &f
	}
	if fault != nil {
		if fault.Drop {
			record(0)
			drop(w)
			return
		}
		record(fault.Status)
		writeError(w, *fault)
		return
	}
	record(http.StatusOK)
	if endpoint == Embeddings {
		s.writeEmbeddings(w, req, embed)
		return
	}
	reply := chat(req)
	if reply.PromptTokens == 0 {
		reply.PromptTokens = estimateTokens(promptText(req.Messages))
	}
	if reply.CompletionTokens == 0 {
		reply.CompletionTokens = estimateTokens(reply.Content)
	}
	if req.Stream {
		s.writeStream(w, r, req, reply)
		return
	}
	writeJSON(w, map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []any{map[string]any{
			"index": 0, "message": map[string]any{"role": "assistant", "content": reply.Content},
			"logprobs": nil, "finish_reason": "stop",
		}},
		"usage": usage(reply),
	})
}

func (s *Server) writeEmbeddings(w http.ResponseWriter, req Request, embed EmbedFunc) {
	vecs := embed(req.Model, req.Inputs)
	data := make([]any, len(vecs))
	// The API may list embeddings in any order; clients must use "index".
	// Reverse them so that a client relying on order fails.
	for i, v := range vecs {
		data[len(vecs)-1-i] = map[string]any{"object": "embedding", "index": i, "embedding": v}
	}
	tokens := 0
	for _, in := range req.Inputs {
		tokens += estimateTokens(in)
	}
	writeJSON(w, map[string]any{
		"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": tokens, "total_tokens": tokens},
	})
}

func (s *Server) writeStream(w http.ResponseWriter, r *http.Request, req Request, reply Reply) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	created := time.Now().Unix()
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		c := map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"system_fingerprint": "fp_fake",
			"choices":            []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}},
		}
		if req.IncludeUsage {
			c["usage"] = nil
		}
		return c
	}
	pieces := reply.Chunks
	if pieces == nil {
		pieces = splitWords(reply.Content)
	}
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for i, p := range pieces {
		if reply.StallAfter > 0 && i == reply.StallAfter {
			// Hold the connection open, sending nothing, until the client
			// gives up or the test ends.
			select {
			case <-r.Context().Done():
			case <-s.closing:
			}
			return
		}
		send(chunk(map[string]any{"content": p}, nil))
	}
	send(chunk(map[string]any{}, "stop"))
	if req.IncludeUsage {
		// The last chunk carries usage and, unlike the others, no choices.
		send(map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"system_fingerprint": "fp_fake", "choices": []any{}, "usage": usage(reply),
		})
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}

func usage(r Reply) map[string]int {
	return map[string]int{
		"prompt_tokens": r.PromptTokens, "completion_tokens": r.CompletionTokens,
		"total_tokens": r.PromptTokens + r.CompletionTokens,
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_fake")
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, f Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Status)
	var code any
	if f.Code != "" {
		code = f.Code
	}
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": f.Message, "type": f.Type, "param": nil, "code": code,
	}})
}

// drop closes the connection without writing a response.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("openaitest: the response writer can't hijack the connection")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}

func promptText(msgs []Message) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Content)
		b.WriteByte('\n')
	}
	return b.String()
}

func promptChars(msgs []Message) int { return len(promptText(msgs)) }

// estimateTokens counts words and punctuation, close enough to a tokenizer
// for usage figures.
func estimateTokens(s string) int {
	n := 0
	inWord := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				n++
			}
			inWord = true
		case unicode.IsSpace(r):
			inWord = false
		default:
			n++
			inWord = false
		}
	}
	return n
}

// splitWords cuts text into streamable pieces, each word with the space
// before it, so that joining them gives the text back.
func splitWords(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if r == ' ' && i > start {
			out = append(out, text[start:i])
			start = i
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// HashEmbed is the default embedder: hashed bags of lower-cased words,
// deliberately not of unit length so that clients must normalise.
func HashEmbed(model string, inputs []string) [][]float32 {
	out := make([][]float32, len(inputs))
	for i, in := range inputs {
		v := make([]float32, Dims)
		words := strings.FieldsFunc(strings.ToLower(in), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		for _, w := range words {
			h := fnv.New32a()
			io.WriteString(h, w)
			v[h.Sum32()%Dims] += 3
		}
		if len(words) == 0 {
			v[0] = 1
		}
		out[i] = v
	}
	return out
}

// passageRE finds a numbered passage in a prompt: a line starting "[n]" or a
// tag with n="…", followed by its text.
var passageRE = regexp.MustCompile(`(?m)^(?:\[(\d+)\][^\n]*|<passage n="(\d+)"[^\n]*)\n([^\n<]+)`)

// Passages returns the numbered passages of a prompt, by number.
func Passages(prompt string) map[int]string {
	out := map[int]string{}
	for _, m := range passageRE.FindAllStringSubmatch(prompt, -1) {
		n := 0
		fmt.Sscan(m[1]+m[2], &n)
		out[n] = strings.TrimSpace(m[3])
	}
	return out
}

// FirstSentence returns text up to its first sentence end.
func FirstSentence(text string) string {
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Split(bufio.ScanRunes)
	var b strings.Builder
	for sc.Scan() {
		b.WriteString(sc.Text())
		if t := sc.Text(); (t == "." || t == "!" || t == "?") && b.Len() > 20 {
			break
		}
	}
	return strings.TrimSpace(b.String())
}

// CiteFirstPassage is the default chat responder: the first sentence of
// passage 1, cited as [1]. Without passages it says it found nothing.
func CiteFirstPassage(req Request) Reply {
	ps := Passages(req.Last("user"))
	if p, ok := ps[1]; ok {
		return Reply{Content: FirstSentence(p) + " [1]"}
	}
	return Reply{Content: "I found no passages to answer from."}
}
