package openaiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	openai "github.com/sashabaranov/go-openai"

	"github.com/articlebot/articlebot/internal/redact"
)

// Kind classifies a failed request by what the caller should do about it.
type Kind int

const (
	// Unavailable: the server could not be reached or failed (connection
	// errors, timeouts, 408, 409, 429, 5xx). Retried; when retries run out,
	// the caller falls back.
	Unavailable Kind = iota
	// Unauthorized: 401 or 403, the API key is wrong or lacks access.
	// Never retried; a configuration error.
	Unauthorized
	// NotFound: 404, no such model or endpoint. Never retried; a
	// configuration error.
	NotFound
	// ContextLength: the prompt exceeds the model's context. Never retried
	// as is; the caller may retry with a shorter prompt.
	ContextLength
	// Rejected: any other refusal, such as a 400. Never retried.
	Rejected
)

// Error is a failed API request. Its message is written for the person
// running articlebot and never repeats the server's response; Unwrap gives
// the upstream error for logs.
type Error struct {
	Kind Kind
	// Status is the HTTP status, or 0 when no response arrived.
	Status int
	// Attempts is how many times the request was sent.
	Attempts int
	Err      error
}

func (e *Error) Error() string {
	var what, hint string
	switch e.Kind {
	case Unauthorized:
		what, hint = "the language model API rejected the API key", "check OPENAI_API_KEY"
	case NotFound:
		what, hint = "the language model API has no such model or endpoint", "check the model names and OPENAI_BASE_URL"
	case ContextLength:
		what = "the prompt is longer than the model's context"
	case Rejected:
		what = "the language model API rejected the request"
	default:
		what = "the language model API is unavailable"
	}
	if e.Status > 0 {
		what += fmt.Sprintf(" (HTTP %d", e.Status)
	} else {
		what += " (no response"
	}
	if e.Attempts > 1 {
		what += fmt.Sprintf(", %d attempts", e.Attempts)
	}
	what += ")"
	if hint != "" {
		what += "; " + hint
	}
	return what
}

func (e *Error) Unwrap() error { return e.Err }

// Upstream is the server's own error, for logs only; "" when there is none.
func (e *Error) Upstream() string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

// Retryable reports whether sending the request again may succeed.
func (e *Error) Retryable() bool { return e.Kind == Unavailable && !quotaExhausted(e.Err) }

// IsConfig reports whether err is a configuration problem, a wrong API key,
// model or URL, that no retry or fallback will fix.
func IsConfig(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Kind == Unauthorized || e.Kind == NotFound)
}

// IsContextLength reports whether err says the prompt is too long.
func IsContextLength(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == ContextLength
}

// classify turns a go-openai or transport error into an *Error.
func classify(err error, attemptTimedOut bool, attempt int) *Error {
	// A transport error quotes the URL, credentials in it and all (net/http
	// only masks the password); the upstream error is logged.
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redact.URL(ue.URL)
	}
	e := &Error{Kind: Unavailable, Attempts: attempt, Err: err}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr):
		e.Status = apiErr.HTTPStatusCode
		if isContextLength(apiErr.Code, apiErr.Type, apiErr.Message) {
			e.Kind = ContextLength
			return e
		}
		if e.Status == 0 {
			// An error event in the middle of a stream: the server failed.
			return e
		}
	case errors.As(err, &reqErr):
		e.Status = reqErr.HTTPStatusCode
		if isContextLength(nil, "", string(reqErr.Body)) {
			e.Kind = ContextLength
			return e
		}
	}
	if e.Status != 0 {
		e.Kind = kindOf(e.Status)
		return e
	}
	// No status: a transport error, a timed-out attempt, or a broken
	// stream. A malformed reply is not worth repeating.
	if attemptTimedOut || isConnectionError(err) {
		return e
	}
	e.Kind = Rejected
	return e
}

func kindOf(status int) Kind {
	switch {
	case status == http.StatusRequestTimeout, status == http.StatusConflict,
		status == http.StatusTooManyRequests, status >= 500:
		return Unavailable
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return Unauthorized
	case status == http.StatusNotFound:
		return NotFound
	case status == http.StatusRequestEntityTooLarge:
		return ContextLength
	default:
		return Rejected
	}
}

func isConnectionError(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	return errors.As(err, &netErr) || errors.As(err, &opErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "server closed")
}

// isContextLength recognises the context-length errors of OpenAI, vLLM,
// llama.cpp server and LM Studio, which share no code.
func isContextLength(code any, typ, msg string) bool {
	if c, ok := code.(string); ok && c == "context_length_exceeded" {
		return true
	}
	if typ == "exceed_context_size_error" {
		return true
	}
	m := strings.ToLower(msg)
	for _, s := range []string{"maximum context length", "context length", "context window", "context size", "too many tokens", "prompt is too long"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// quotaExhausted is a 429 that waiting won't fix: the account is out of
// credit.
func quotaExhausted(err error) bool {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		if c, ok := apiErr.Code.(string); ok && c == "insufficient_quota" {
			return true
		}
	}
	return false
}
