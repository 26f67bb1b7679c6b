package bot

import (
	"context"
	"errors"
)

// ErrorKind is what went wrong, in the one vocabulary of the answering
// service. Each front end maps it once: to what the user is told, to the
// errors metric's label and, on the command line, to the exit status.
type ErrorKind string

// Error kinds. A zero ErrorKind means nothing went wrong.
const (
	// KindInput: the question or request was bad (empty, too long, an
	// unknown summary length).
	KindInput ErrorKind = "input"
	// KindNotFound: the request named something the corpus lacks, such as
	// a section.
	KindNotFound ErrorKind = "not_found"
	// KindModelConfig: the model API refused articlebot's configuration
	// (a rejected API key, an unknown model or URL); no retry fixes it.
	KindModelConfig ErrorKind = "model_config"
	// KindModelUnavailable: the model API failed or could not be reached.
	KindModelUnavailable ErrorKind = "model_unavailable"
	// KindTimeout: the answer ran out of time.
	KindTimeout ErrorKind = "timeout"
	// KindShutdown: the process is stopping (the context was cancelled).
	KindShutdown ErrorKind = "shutdown"
	// KindInternal: a bug, such as a recovered panic.
	KindInternal ErrorKind = "internal"
)

// Kinds lists every error kind, for metrics that export them all.
var Kinds = []ErrorKind{KindInput, KindNotFound, KindModelConfig, KindModelUnavailable, KindTimeout, KindShutdown, KindInternal}

// KindOf classifies err; it is "" for nil.
func KindOf(err error) ErrorKind {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrUnknownSection):
		return KindNotFound
	case IsInputError(err):
		return KindInput
	case errors.Is(err, ErrInternal):
		return KindInternal
	case errors.Is(err, context.Canceled):
		return KindShutdown
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.Is(err, ErrModelConfig):
		return KindModelConfig
	case errors.Is(err, ErrModelUnavailable), errors.Is(err, ErrContextLength):
		return KindModelUnavailable
	default:
		return KindInternal
	}
}

// Notes begin an answer the extractive drafter wrote in place of the
// language model, saying why; the cause itself goes to the log.
const (
	NoteModelUnavailable = "I couldn't reach the language model; here is what the article says."
	NoteModelConfig      = "The language model isn't available right now; here is what the article says."
	NoteTimeout          = "The language model took too long; here is what the article says."
	NoteShutdown         = "I'm restarting, so I answered without the language model; here is what the article says."
)

// noteFor is the note for a fallback caused by an error of kind k.
func noteFor(k ErrorKind) string {
	switch k {
	case KindModelConfig:
		return NoteModelConfig
	case KindTimeout:
		return NoteTimeout
	case KindShutdown:
		return NoteShutdown
	default:
		return NoteModelUnavailable
	}
}
