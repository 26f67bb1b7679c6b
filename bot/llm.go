package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/articlebot/articlebot/corpus"
)

// Prompt is what a Drafter sends to a language model.
type Prompt struct {
	System string
	User   string
	// MaxTokens bounds the reply.
	MaxTokens int
	// EndUser is the opaque id of the person the request is made for (a
	// keyed hash, never a raw account id), which the model API's abuse
	// monitoring takes; empty when there is none.
	EndUser string
}

// Completion is a language model's reply.
type Completion struct {
	Text  string
	Usage Usage
	// FinishReason is why the model stopped: FinishLength when it ran out
	// of tokens, FinishContentFilter when the server's filter cut it off;
	// "stop" or empty otherwise.
	FinishReason string
	// Refusal is the model's own refusal to answer, from APIs that report
	// one apart from the text; empty otherwise.
	Refusal string
}

// Finish reasons a Drafter reports, as the OpenAI API names them.
const (
	FinishLength        = "length"
	FinishContentFilter = "content_filter"
)

// Usage counts language model tokens.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Add returns the sum of two usages.
func (u Usage) Add(v Usage) Usage {
	return Usage{u.PromptTokens + v.PromptTokens, u.CompletionTokens + v.CompletionTokens, u.TotalTokens + v.TotalTokens}
}

// maxFallbackReserve is the most of an answer's deadline kept back from the
// model for the extractive fallback, which needs milliseconds.
const maxFallbackReserve = 2 * time.Second

// passage is a chunk numbered for a prompt.
type passage struct {
	N     int
	Chunk corpus.Chunk
	Score float64
}

// passagesFor merges the hits of each part of a question, taking the
// parts' best hits in turn, without repeats; then adds any passage that
// either ranking, the vector or the lexical, puts first for a part: fusing
// the rankings by rank forgets how far ahead one of them puts its best
// passage, which is then the one most likely to answer.
func (s *Service) passagesFor(results []*SearchResult) []passage {
	limit := s.opt.TopK * len(results)
	if len(results) > 1 {
		limit = min(limit, 2*s.opt.TopK)
	}
	var out []passage
	seen := map[string]bool{}
	for i := 0; len(out) < limit; i++ {
		more := false
		for _, res := range results {
			if i >= len(res.Hits) {
				continue
			}
			more = true
			h := res.Hits[i]
			if seen[h.Chunk.ID] || len(out) == limit {
				continue
			}
			seen[h.Chunk.ID] = true
			out = append(out, passage{N: len(out) + 1, Chunk: h.Chunk, Score: h.Score})
		}
		if !more {
			break
		}
	}
	for _, res := range results {
		for _, h := range res.Hits {
			if (h.VectorRank == 1 || h.LexicalRank == 1) && !seen[h.Chunk.ID] {
				seen[h.Chunk.ID] = true
				out = append(out, passage{N: len(out) + 1, Chunk: h.Chunk, Score: h.Score})
			}
		}
	}
	return out
}

// draftAnswer asks the language model to answer from the retrieved
// passages and checks the reply: a prompt too long for the model is
// retried with half the passages; a reply cut off at the token limit loses
// its unfinished sentence, or is asked for again once with more room; a
// reply the server filtered or the model refused is a refusal; a reply
// that cites nothing and is no refusal is regenerated once, then replaced
// by the extractive answer, as is a reply with no supported sentence and
// any reply the model fails to give.
func (s *Service) draftAnswer(ctx context.Context, req Request, results []*SearchResult, extractive func() *Answer, onPartial func(string)) (*Answer, error) {
	q := req.Question
	ps := s.passagesFor(results)
	dctx, cancel := draftContext(ctx)
	defer cancel()
	var usage Usage
	n := len(ps)
	room := 1
	for tries := 0; tries < 2; {
		p := answerPrompt(q, ps[:n], tries > 0)
		p.EndUser = req.User
		p.MaxTokens *= room
		c, err := s.opt.Drafter.Draft(dctx, p, s.partialText(onPartial, ps[:n], !s.vocab.readable(q)))
		usage = usage.Add(c.Usage)
		switch {
		case errors.Is(err, ErrContextLength) && n > 1:
			s.log.Info("prompt too long for the model; retrying with fewer passages", "passages", n, "retry_with", n/2)
			n /= 2
			continue
		case err != nil:
			return s.fallback(extractive(), usage, err), nil
		}
		if c.Refusal != "" || c.FinishReason == FinishContentFilter {
			s.log.Warn("the model refused, or its reply was filtered", "finish_reason", c.FinishReason, "refusal", c.Refusal)
			a := s.modelRefusal(q, "")
			a.Usage = usage
			return a, nil
		}
		if c.FinishReason == FinishLength {
			t := trimIncomplete(c.Text)
			if _, order := cleanCitations(t, n); len(order) == 0 && room == 1 {
				s.log.Info("the model's reply was cut off before it cited anything; retrying with more room")
				room = 2
				continue
			}
			c.Text = t
		}
		a, v := s.checkAnswer(q, req.Article, c.Text, ps[:n])
		switch v {
		case replyOK:
			a.Usage = usage
			s.logFlags(a.Flags)
			return a, nil
		case replyUnsupported:
			a := extractive()
			a.Usage = usage
			return a, nil
		}
		tries++
		s.log.Warn("the model's answer cited no passage", "attempt", tries)
	}
	a := extractive()
	a.Usage = usage
	return a, nil
}

// draftContext keeps back part of ctx's deadline from the model, so that a
// reply that stalls until the model's deadline still leaves time for the
// fallback within the caller's.
func draftContext(ctx context.Context) (context.Context, context.CancelFunc) {
	d, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	reserve := min(time.Until(d)/10, maxFallbackReserve)
	return context.WithDeadline(ctx, d.Add(-reserve))
}

// fallback marks an extractive answer given because the model failed,
// with a note saying why; the cause goes to the logs, never to the reader.
// A rejected configuration (a wrong API key, say) is answered too, rather
// than failing every question, and logged as the error it is.
func (s *Service) fallback(a *Answer, usage Usage, cause error) *Answer {
	a.cause = s.logFallback(cause, "answered extractively")
	a.Note = noteFor(a.cause)
	a.Text = a.Note + "\n\n" + a.Text
	a.Usage = usage
	return a
}

// logFallback logs why the language model was not used, and returns the
// kind of the cause.
func (s *Service) logFallback(cause error, what string) ErrorKind {
	k := KindOf(cause)
	switch k {
	case KindModelConfig:
		s.log.Error("the language model API rejected articlebot's configuration; "+what, "err", cause, "upstream", upstream(cause))
	case KindShutdown:
		s.log.Info("shutting down; "+what, "err", cause)
	default:
		s.log.Warn("language model unavailable; "+what, "kind", k, "err", cause, "upstream", upstream(cause))
	}
	return k
}

// upstream is the model API's own error under err, for logs only: adapters'
// errors keep it apart from the message written for people.
func upstream(err error) string {
	var u interface{ Upstream() string }
	if errors.As(err, &u) {
		return u.Upstream()
	}
	return ""
}

// modelError wraps a failure to search or draft; a configuration error
// (a wrong key, say) is returned as it is, so that it reads as one.
func modelError(what string, err error) error {
	if errors.Is(err, ErrModelConfig) {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

// partialText turns the raw reply so far into the text a reader may see:
// its finished sentences that the passages they cite support, citations
// cleaned as the final answer's will be; or the refusal as it grows. It
// calls onPartial only when that text grows or changes. A reply that
// starts repeating the instructions is never shown, not even in part.
// foreign says the question is in a language other than English (see
// supported).
func (s *Service) partialText(onPartial func(string), ps []passage, foreign bool) func(string) {
	if onPartial == nil {
		return nil
	}
	last := ""
	stopped := false
	return func(raw string) {
		if stopped || echoesAny(raw) {
			stopped = true
			return
		}
		var text string
		if _, refusal := cutPrefixFold(strings.TrimLeft(raw, " \t\r\n"), refusalMarker); refusal {
			text = displayPartial(raw, len(ps))
		} else {
			// The line marking the rest as unanswered is never shown as
			// the model wrote it (see checkAnswer).
			answered, _, _ := cutUnanswered(raw)
			text = s.supportedSoFar(answered, ps, foreign)
		}
		if text != "" && text != last {
			last = text
			onPartial(text)
		}
	}
}

// supportedSoFar is the finished sentences of a partial reply that the
// passages they cite support, cleaned and renumbered as the whole reply's
// will be, so that each partial text begins the next.
func (s *Service) supportedSoFar(raw string, ps []passage, foreign bool) string {
	text, order := cleanCitations(raw, len(ps))
	cut := strings.LastIndexByte(text, '\n') + 1
	if ends := sentenceEnd.FindAllStringIndex(text, -1); len(ends) > 0 {
		cut = max(cut, ends[len(ends)-1][1])
	}
	if finished.MatchString(text) {
		cut = len(text) // the last sentence, stop and citations come
	}
	if cut == 0 || len(order) == 0 {
		return ""
	}
	text, order = cleanCitations(s.supported(text[:cut], order, ps, false, foreign), len(ps))
	if len(order) == 0 {
		return ""
	}
	return strings.TrimSpace(text)
}

func (s *Service) logFlags(flags []Flag) {
	for _, f := range flags {
		s.log.Warn("answer sentence shares no word with its cited passage", "sentence", f.Sentence, "sources", f.Sources)
	}
}
