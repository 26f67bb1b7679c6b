package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// This file speaks the wire format: request decoding, JSON replies, SSE
// streams and OpenAI-style error bodies.

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/v1/models" {
		s.serveModels(w, r)
		return
	}
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
		Temperature         *float64        `json:"temperature"`
		User                string          `json:"user"`
		ReasoningEffort     string          `json:"reasoning_effort"`
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
	req.MaxCompletionTokens, req.ReasoningEffort = body.MaxCompletionTokens, body.ReasoningEffort
	req.Temperature, req.User = body.Temperature, body.User
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
		if fault.Drop || fault.Hang {
			record(0)
			if fault.Hang {
				s.hang(r)
			}
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
			"logprobs": nil, "finish_reason": reply.finish(),
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
			s.hang(r)
			return
		}
		send(chunk(map[string]any{"content": p}, nil))
	}
	if reply.Refusal != "" {
		send(chunk(map[string]any{"refusal": reply.Refusal}, nil))
	}
	send(chunk(map[string]any{}, reply.finish()))
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

// serveModels lists one model, after the same key check and faults as the
// other endpoints: clients probe it to check their API key.
func (s *Server) serveModels(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	key := s.apiKey
	var fault *Fault
	if q := s.faults[Models]; len(q) > 0 {
		fault = &q[0]
		s.faults[Models] = q[1:]
	}
	if key != "" && r.Header.Get("Authorization") != "Bearer "+key {
		fault = &Fault{Status: http.StatusUnauthorized, Type: "invalid_request_error", Code: "invalid_api_key",
			Message: "Incorrect API key provided: sk-wr***ng."}
	}
	status := http.StatusOK
	if fault != nil {
		status = fault.Status
	}
	s.requests = append(s.requests, Request{Endpoint: Models, Status: status})
	s.mu.Unlock()
	if fault != nil {
		if fault.Drop || fault.Hang {
			if fault.Hang {
				s.hang(r)
			}
			drop(w)
			return
		}
		writeError(w, *fault)
		return
	}
	writeJSON(w, map[string]any{"object": "list", "data": []any{
		map[string]any{"id": "chat-test", "object": "model", "created": 0, "owned_by": "openaitest"},
	}})
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

// hang holds the connection open, sending nothing, until the client gives
// up or the test ends.
func (s *Server) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.closing:
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
