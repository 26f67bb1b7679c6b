package bot

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/articlebot/articlebot/corpus"
)

// This file holds evaluation sets: their cases and the JSON-lines format
// they are read from (README.md, "Evaluating"). evaluate.go runs them.

// Kinds of evaluation question.
const (
	KindFact         = "fact"         // a fact the story states
	KindParaphrase   = "paraphrase"   // a fact asked in words the story doesn't use
	KindMulti        = "multi"        // two or more parts, one answer group each
	KindPartial      = "partial"      // two or more parts, one the story doesn't answer (Unanswered): answer the rest, say so of it
	KindUnanswerable = "unanswerable" // about the story's names and topic, but nothing answers it
	KindOffTopic     = "offtopic"     // nothing in the collection is about it
)

// EvalKinds lists the kinds in the order reports show them.
var EvalKinds = []string{KindFact, KindParaphrase, KindMulti, KindPartial, KindUnanswerable, KindOffTopic}

// Splits of a development set, by story: thresholds and weights are fit on
// the calibration half and reported on the held-out half.
const (
	SplitCalibration = "calibration"
	SplitHeldOut     = "heldout"
	SplitAll         = "all"
)

// EvalCase is one question of an evaluation set.
type EvalCase struct {
	ID string `json:"id"`
	// Split is SplitCalibration or SplitHeldOut; empty in sets that are not
	// split (they are reported whole whatever split is asked for).
	Split string `json:"split,omitempty"`
	// Story is the article the question is about, as its path in the
	// corpus directory ("business/012.txt"); empty for off-topic questions
	// and for sets over one article.
	Story string `json:"story,omitempty"`
	// Also lists other articles that state the same facts (a story the
	// collection holds twice under different headlines): citing them is
	// not citing another story.
	Also     []string `json:"also,omitempty"`
	Kind     string   `json:"kind"`
	Question string   `json:"question"`
	// Answer holds one group per fact the answer must state; a group's
	// strings are alternatives (["76%", "76 per cent"]). A flat list of
	// strings is read as groups of one.
	Answer AnswerGroups `json:"answer,omitempty"`
	// Evidence are substrings of the story that state the answer: one per
	// answer group, or one for all of them. A retrieved passage holding an
	// evidence string is that part's passage.
	Evidence []string `json:"evidence,omitempty"`
	// Unanswered is, for a partial question, the part of it that the
	// story doesn't answer, as the question writes it.
	Unanswered string `json:"unanswered,omitempty"`
}

// AnswerGroups are the facts an answer must state, each a set of
// alternative substrings.
type AnswerGroups [][]string

// UnmarshalJSON reads either [["a", "b"], ["c"]] or ["a", "c"].
func (g *AnswerGroups) UnmarshalJSON(b []byte) error {
	var groups [][]string
	if err := json.Unmarshal(b, &groups); err == nil {
		*g = groups
		return nil
	}
	var flat []string
	if err := json.Unmarshal(b, &flat); err != nil {
		return fmt.Errorf("answer must be a list of strings or of lists of strings")
	}
	*g = nil
	for _, s := range flat {
		*g = append(*g, []string{s})
	}
	return nil
}

// Answerable reports whether the corpus answers the case's question.
func (c EvalCase) Answerable() bool {
	return c.Kind != KindUnanswerable && c.Kind != KindOffTopic
}

// evidenceFor returns the evidence of answer group i.
func (c EvalCase) evidenceFor(i int) string {
	if len(c.Evidence) == 1 {
		return c.Evidence[0]
	}
	return c.Evidence[i]
}

func (c EvalCase) check() error {
	switch c.Kind {
	case KindFact, KindParaphrase, KindMulti, KindPartial, KindUnanswerable, KindOffTopic:
	default:
		return fmt.Errorf("unknown kind %q (want one of %s)", c.Kind, strings.Join(EvalKinds, ", "))
	}
	if c.ID == "" {
		return fmt.Errorf("no id")
	}
	if strings.TrimSpace(c.Question) == "" {
		return fmt.Errorf("no question")
	}
	switch c.Split {
	case "", SplitCalibration, SplitHeldOut:
	default:
		return fmt.Errorf("split %q is neither %q nor %q", c.Split, SplitCalibration, SplitHeldOut)
	}
	if c.Kind == KindOffTopic && c.Story != "" {
		return fmt.Errorf("an off-topic question has no story")
	}
	switch {
	case c.Kind == KindPartial && strings.TrimSpace(c.Unanswered) == "":
		return fmt.Errorf("a partial question needs the part its story doesn't answer (unanswered)")
	case c.Kind == KindPartial && !strings.Contains(c.Question, c.Unanswered):
		return fmt.Errorf("unanswered %q is not part of the question", c.Unanswered)
	case c.Kind != KindPartial && c.Unanswered != "":
		return fmt.Errorf("only a partial question has an unanswered part")
	}
	if !c.Answerable() {
		if len(c.Answer) > 0 || len(c.Evidence) > 0 {
			return fmt.Errorf("a %s question has no answer or evidence", c.Kind)
		}
		return nil
	}
	if len(c.Answer) == 0 {
		return fmt.Errorf("an answerable question needs an answer")
	}
	for i, g := range c.Answer {
		if len(g) == 0 || slicesHasEmpty(g) {
			return fmt.Errorf("answer group %d is empty", i+1)
		}
	}
	if len(c.Evidence) != 1 && len(c.Evidence) != len(c.Answer) {
		return fmt.Errorf("an answerable question needs one evidence string, or one per answer group (%d groups, %d evidence)",
			len(c.Answer), len(c.Evidence))
	}
	for i := range c.Answer {
		if !containsAny(c.evidenceFor(i), c.Answer[i]) {
			return fmt.Errorf("evidence %q does not hold answer group %q", c.evidenceFor(i), c.Answer[i])
		}
	}
	return nil
}

func slicesHasEmpty(ss []string) bool {
	for _, s := range ss {
		if strings.TrimSpace(s) == "" {
			return true
		}
	}
	return false
}

// EvalSet is an evaluation set: the questions of one file.
type EvalSet struct {
	Name string
	// Corpus is the corpus directory the set's questions are about, from
	// a "# corpus: DIR" line, relative to the file; empty means the
	// built-in article.
	Corpus string
	Cases  []EvalCase
}

// ReadEvalSet reads a JSON-lines evaluation set: one case per line, blank
// lines and lines starting with # ignored, except "# corpus: DIR".
func ReadEvalSet(r io.Reader, name string) (*EvalSet, error) {
	set := &EvalSet{Name: name}
	err := readJSONLines(r, &set.Corpus, func(c EvalCase) (string, error) {
		set.Cases = append(set.Cases, c)
		return c.ID, c.check()
	})
	if err != nil {
		return nil, err
	}
	if len(set.Cases) == 0 {
		return nil, fmt.Errorf("no evaluation cases")
	}
	return set, nil
}

// readJSONLines reads a JSON-lines set: one T per line, decoded strictly
// and given to add, which returns its ID (unique in the file) and whether
// it is well formed; blank lines and # lines are skipped, but "# corpus:
// DIR", whose DIR goes to corpus.
func readJSONLines[T any](r io.Reader, corpus *string, add func(T) (string, error)) error {
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if dir, ok := strings.CutPrefix(text, "# corpus:"); ok {
			*corpus = strings.TrimSpace(dir)
			continue
		}
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		var v T
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		id, err := add(v)
		if err != nil {
			return fmt.Errorf("line %d (%s): %w", line, id, err)
		}
		if prev, dup := seen[id]; dup {
			return fmt.Errorf("line %d: id %q is also on line %d", line, id, prev)
		}
		seen[id] = line
	}
	return sc.Err()
}

// ReadEvalCases reads a JSON-lines evaluation set's cases.
func ReadEvalCases(r io.Reader) ([]EvalCase, error) {
	set, err := ReadEvalSet(r, "")
	if err != nil {
		return nil, err
	}
	return set.Cases, nil
}

// Select returns the cases of split: SplitAll or "" keeps every case;
// otherwise the cases of that half, and every case of a set that is not
// split.
func Select(cases []EvalCase, split string) ([]EvalCase, error) {
	switch split {
	case "", SplitAll:
		return cases, nil
	case SplitCalibration, SplitHeldOut:
	default:
		return nil, fmt.Errorf("unknown split %q (want %s, %s or %s)", split, SplitCalibration, SplitHeldOut, SplitAll)
	}
	var out []EvalCase
	for _, c := range cases {
		if c.Split == "" || c.Split == split {
			out = append(out, c)
		}
	}
	return out, nil
}

// LowerCase returns the cases with their questions in lower case, as chat
// often types them ("who runs lufthansa"): a measure of how much the
// answers lean on the asker's capitals.
func LowerCase(cases []EvalCase) []EvalCase {
	out := slices.Clone(cases)
	for i := range out {
		out[i].Question = strings.ToLower(out[i].Question)
	}
	return out
}

// fold makes text comparable: folded punctuation, lower case, single spaces.
func fold(s string) string { return strings.Join(strings.Fields(strings.ToLower(corpus.Fold(s))), " ") }

func containsAny(text string, subs []string) bool {
	t := fold(text)
	for _, s := range subs {
		if strings.Contains(t, fold(s)) {
			return true
		}
	}
	return false
}
