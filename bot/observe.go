package bot

import (
	"context"
	"errors"
	"time"
)

// Event describes one question the service handled, for metrics. The
// service reports every question, whatever its outcome.
type Event struct {
	// Outcome is one of the Outcome constants.
	Outcome string
	// Drafter answered it: "llm" or "extractive"; empty when there was no
	// answer.
	Drafter string
	// Latency is the time to the final answer; Retrieval the part of it
	// spent finding passages (zero for a cached answer).
	Latency, Retrieval time.Duration
	Usage              Usage
	// Cached is true when the answer came from the answer cache.
	Cached bool
	// Fallback is true when the language model failed and the extractive
	// answer stood in.
	Fallback bool
	// Err is the failure, when Outcome is OutcomeError or OutcomeInvalid.
	Err error
}

// Outcomes of a question.
const (
	OutcomeAnswered = "answered"
	OutcomeRefused  = "refused"
	OutcomeInvalid  = "invalid"
	OutcomeError    = "error"
)

// ErrorKind classifies an event's failure for the errors metric.
func (e Event) ErrorKind() string {
	switch {
	case e.Fallback:
		return "llm_unavailable"
	case e.Err == nil:
		return ""
	case IsInputError(e.Err):
		return "invalid_question"
	case errors.Is(e.Err, ErrModelConfig):
		return "llm_config"
	case errors.Is(e.Err, context.DeadlineExceeded):
		return "timeout"
	default:
		return "internal"
	}
}

// observe reports an event to Options.Observe, if set.
func (s *Service) observe(start time.Time, a *Answer, err error) {
	if s.opt.Observe == nil {
		return
	}
	ev := Event{Latency: s.opt.Now().Sub(start), Err: err}
	switch {
	case IsInputError(err):
		ev.Outcome = OutcomeInvalid
	case err != nil:
		ev.Outcome = OutcomeError
	case a == nil:
		// Never returned, but an observer must not be the second panic.
		ev.Outcome, ev.Err = OutcomeError, ErrInternal
	default:
		ev.Outcome = OutcomeAnswered
		if a.Refused {
			ev.Outcome = OutcomeRefused
		}
		ev.Drafter, ev.Usage, ev.Cached, ev.Fallback = a.Drafter, a.Usage, a.Cached, a.Note != ""
		if !a.Cached {
			ev.Retrieval = a.retrieval
		}
	}
	s.opt.Observe(ev)
}
