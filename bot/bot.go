// Package bot is the answering service: it validates questions, retrieves
// passages and drafts cited answers and summaries. It knows nothing of
// Discord or the terminal; both front ends call it.
package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// Answer is a drafted answer with its numbered sources.
type Answer struct {
	Question string `json:"question"`
	// Text carries [n] markers that refer to Sources[n-1].
	Text    string   `json:"answer"`
	Refused bool     `json:"refused"`
	Sources []Source `json:"sources"`
	Drafter string   `json:"drafter"`
}

// Source is a passage an answer cites.
type Source struct {
	N       int     `json:"n"`
	ID      string  `json:"id"`
	Article string  `json:"article"`
	Section string  `json:"section"`
	Quote   string  `json:"quote"`   // the cited sentences
	Passage string  `json:"passage"` // the whole chunk
	Score   float64 `json:"score"`
}

// Drafter names, as reported in answers.
const (
	DrafterExtractive = "extractive"
)

// MaxQuestionLen is the default limit on a question's length, in characters.
const MaxQuestionLen = 1000

// Input errors: the caller asked badly, as opposed to the service failing.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = errors.New("the question is too long")
	ErrUnknownSection  = errors.New("no such section")
	ErrBadLength       = errors.New("unknown summary length")
)

// IsInputError reports whether err was caused by the caller's input.
func IsInputError(err error) bool {
	return errors.Is(err, ErrEmptyQuestion) || errors.Is(err, ErrQuestionTooLong) ||
		errors.Is(err, ErrUnknownSection) || errors.Is(err, ErrBadLength)
}

// Service answers questions about a corpus.
type Service struct {
	corpus *corpus.Corpus
	index  *retrieval.Index
	// sentences embeds sentences for summaries; fitted on the corpus.
	sentences *retrieval.LocalEmbedder
	opt       Options
}

// Options tune the service. Zero values mean the defaults.
type Options struct {
	// TopK is how many passages an answer draws on.
	TopK int
	// MaxQuestionLen limits a question's length in characters.
	MaxQuestionLen int
	// MinSentenceCoverage is the least share of a question's words (IDF
	// weighted, synonyms discounted) that the best answering sentence must
	// hold; below it the article is taken not to answer.
	MinSentenceCoverage float64
}

// DefaultMinSentenceCoverage was calibrated on testdata/qa.jsonl with
// `articlebot eval -min-sentence-coverage`.
const DefaultMinSentenceCoverage = 0.22

// New makes a service over an indexed corpus.
func New(c *corpus.Corpus, ix *retrieval.Index, opt Options) *Service {
	if opt.TopK <= 0 {
		opt.TopK = 4
	}
	if opt.MaxQuestionLen <= 0 {
		opt.MaxQuestionLen = MaxQuestionLen
	}
	if opt.MinSentenceCoverage <= 0 {
		opt.MinSentenceCoverage = DefaultMinSentenceCoverage
	}
	var texts []string
	for _, ch := range ix.Chunks() {
		texts = append(texts, ch.Text)
	}
	return &Service{corpus: c, index: ix, sentences: retrieval.NewLocalEmbedder(texts), opt: opt}
}

// Corpus returns the corpus the service answers from.
func (s *Service) Corpus() *corpus.Corpus { return s.corpus }

// Index returns the service's retrieval index.
func (s *Service) Index() *retrieval.Index { return s.index }

// CleanQuestion trims a question and checks it: not empty, not over the
// length limit. Control characters become spaces.
func (s *Service) CleanQuestion(q string) (string, error) {
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, q)
	q = strings.Join(strings.Fields(q), " ")
	if q == "" {
		return "", ErrEmptyQuestion
	}
	if n := utf8.RuneCountInString(q); n > s.opt.MaxQuestionLen {
		return "", fmt.Errorf("%w: %d characters, the limit is %d", ErrQuestionTooLong, n, s.opt.MaxQuestionLen)
	}
	return q, nil
}

// Ask answers a question from the corpus, citing the passages it used, or
// says that the corpus doesn't answer it. A compound question ("When …, and
// which …?") is searched part by part.
func (s *Service) Ask(ctx context.Context, question string) (*Answer, error) {
	q, err := s.CleanQuestion(question)
	if err != nil {
		return nil, err
	}
	var picked []candidate
	answered := 0
	parts := splitQuestion(q)
	for _, p := range parts {
		res, err := s.index.Search(ctx, p.text, s.opt.TopK)
		if err != nil {
			return nil, fmt.Errorf("couldn't search the article: %w", err)
		}
		if !res.Covered {
			continue
		}
		got := s.extract(p, res, picked)
		if len(got) > 0 {
			answered++
			picked = append(picked, got...)
		}
	}
	if answered == 0 {
		return s.refusal(q), nil
	}
	a := cite(q, picked)
	if answered < len(parts) {
		a.Text += "\n\nThe article doesn't answer the rest of the question."
	}
	return a, nil
}

// AskStream is Ask that passes the answer text drafted so far to onPartial
// as it grows, so a front end can show it arriving. onPartial may be nil. The
// extractive drafter writes its answer at once and never calls it.
func (s *Service) AskStream(ctx context.Context, question string, onPartial func(text string)) (*Answer, error) {
	return s.Ask(ctx, question)
}

// Search returns the top passages for a query, for showing sources.
func (s *Service) Search(ctx context.Context, query string, k int) (*retrieval.Result, error) {
	q, err := s.CleanQuestion(query)
	if err != nil {
		return nil, err
	}
	return s.index.Search(ctx, q, k)
}

// refusal says plainly that the corpus doesn't answer. It never repeats the
// question, so instructions smuggled into one are not echoed back.
func (s *Service) refusal(q string) *Answer {
	what := "the article"
	if titles := s.corpus.Titles(); len(titles) == 1 {
		what = "the article “" + titles[0] + "”"
	} else if len(titles) > 1 {
		what = "these articles"
	}
	return &Answer{
		Question: q,
		Text:     "The article doesn't say. I couldn't find anything in " + what + " that answers this question.",
		Refused:  true,
		Sources:  []Source{},
		Drafter:  DrafterExtractive,
	}
}
