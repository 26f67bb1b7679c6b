package bot

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/articlebot/articlebot/corpus"
)

// EvalCase is one question of an evaluation set (testdata/qa.jsonl).
type EvalCase struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"` // fact, paraphrase, multi or unanswerable
	Question string `json:"question"`
	// Evidence are substrings of the passages that answer the question; a
	// retrieved chunk containing any of them is relevant.
	Evidence []string `json:"evidence"`
	// Answer are substrings a correct answer contains, all of them.
	Answer []string `json:"answer"`
}

// Answerable reports whether the article answers the case's question.
func (c EvalCase) Answerable() bool { return c.Kind != "unanswerable" }

// ReadEvalCases reads a JSON-lines evaluation set.
func ReadEvalCases(r io.Reader) ([]EvalCase, error) {
	var out []EvalCase
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		var c EvalCase
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if c.Question == "" {
			return nil, fmt.Errorf("line %d: no question", line)
		}
		if c.Answerable() && len(c.Evidence) == 0 {
			return nil, fmt.Errorf("line %d (%s): an answerable question needs evidence", line, c.ID)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no evaluation cases")
	}
	return out, nil
}

// EvalReport holds the evaluation metrics, each between 0 and 1.
type EvalReport struct {
	Cases      int     `json:"cases"`
	Answerable int     `json:"answerable"`
	RecallAt1  float64 `json:"recall_at_1"`
	RecallAt3  float64 `json:"recall_at_3"`
	MRR        float64 `json:"mrr"`
	// AnswerAccuracy is the share of answerable questions whose answer
	// contains every expected substring.
	AnswerAccuracy float64 `json:"answer_accuracy"`
	// RefusalAccuracy is the share of all questions refused exactly when
	// the article does not answer them.
	RefusalAccuracy float64      `json:"refusal_accuracy"`
	Failures        []EvalResult `json:"failures,omitempty"`
}

// EvalResult is what happened to one case.
type EvalResult struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Rank     int    `json:"rank"` // of the first relevant passage; 0 if none
	Refused  bool   `json:"refused"`
	Answer   string `json:"answer"`
	Problem  string `json:"problem"`
}

// Evaluate runs every case through search and Ask.
func (s *Service) Evaluate(ctx context.Context, cases []EvalCase) (*EvalReport, error) {
	rep := &EvalReport{Cases: len(cases)}
	var refusalsRight, answersRight float64
	for _, c := range cases {
		res, err := s.index.Search(ctx, c.Question, s.index.Len())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.ID, err)
		}
		ans, err := s.Ask(ctx, c.Question)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.ID, err)
		}
		r := EvalResult{ID: c.ID, Question: c.Question, Refused: ans.Refused, Answer: ans.Text}
		if ans.Refused != !c.Answerable() {
			r.Problem = "refused an answerable question"
			if !c.Answerable() {
				r.Problem = "answered an unanswerable question"
			}
		} else {
			refusalsRight++
		}
		if c.Answerable() {
			rep.Answerable++
			for i, h := range res.Hits {
				if containsAny(h.Chunk.Text, c.Evidence) {
					r.Rank = i + 1
					break
				}
			}
			if r.Rank == 1 {
				rep.RecallAt1++
			}
			if r.Rank >= 1 && r.Rank <= 3 {
				rep.RecallAt3++
			}
			if r.Rank > 0 {
				rep.MRR += 1 / float64(r.Rank)
			}
			if !ans.Refused && containsAll(ans.Text, c.Answer) {
				answersRight++
			} else if r.Problem == "" {
				r.Problem = fmt.Sprintf("answer lacks %q", c.Answer)
			}
		}
		if r.Problem != "" {
			rep.Failures = append(rep.Failures, r)
		}
	}
	if rep.Answerable > 0 {
		n := float64(rep.Answerable)
		rep.RecallAt1 /= n
		rep.RecallAt3 /= n
		rep.MRR /= n
		rep.AnswerAccuracy = answersRight / n
	}
	rep.RefusalAccuracy = refusalsRight / float64(len(cases))
	return rep, nil
}

func fold(s string) string { return strings.ToLower(corpus.Fold(s)) }

func containsAny(text string, subs []string) bool {
	for _, s := range subs {
		if strings.Contains(fold(text), fold(s)) {
			return true
		}
	}
	return false
}

func containsAll(text string, subs []string) bool {
	for _, s := range subs {
		if !strings.Contains(fold(text), fold(s)) {
			return false
		}
	}
	return true
}
