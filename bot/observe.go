package bot

import "time"

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
	// Kind is what went wrong: Err's kind, or for an answer given anyway
	// the kind of what degraded it (the model failing, the query's
	// embedding failing); "" when nothing did. It labels the errors
	// metric.
	Kind ErrorKind
}

// Outcomes of a question.
const (
	OutcomeAnswered = "answered"
	OutcomeRefused  = "refused"
	OutcomeInvalid  = "invalid"
	OutcomeError    = "error"
)

// observe reports an event to Options.Observe, if set.
func (s *Service) observe(start time.Time, a *Answer, err error) {
	if s.opt.Observe == nil {
		return
	}
	ev := Event{Latency: s.opt.Now().Sub(start), Err: err, Kind: KindOf(err)}
	switch {
	case IsInputError(err):
		ev.Outcome = OutcomeInvalid
	case err != nil:
		ev.Outcome = OutcomeError
	case a == nil:
		// Never returned, but an observer must not be the second panic.
		ev.Outcome, ev.Err, ev.Kind = OutcomeError, ErrInternal, KindInternal
	default:
		ev.Outcome = OutcomeAnswered
		if a.Refused {
			ev.Outcome = OutcomeRefused
		}
		ev.Drafter, ev.Usage, ev.Cached, ev.Fallback, ev.Kind = a.Drafter, a.Usage, a.Cached, a.Note != "", a.cause
		if !a.Cached {
			ev.Retrieval = a.retrieval
		}
	}
	s.opt.Observe(ev)
}
