package bot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
)

// This file holds conversational evaluation sets: dialogues of two or more
// turns whose later turns lean on the earlier ones ("who reported that?").
// Each turn is judged as a single question is (evaluate.go); follow-up
// turns are scored apart, and against their standalone form asked alone.

// DialogueFormat is the header line that marks a JSON-lines file as a set
// of dialogues rather than of single questions.
const DialogueFormat = "# format: dialogues"

// Dialogue is one conversation of a dialogue set.
type Dialogue struct {
	ID    string         `json:"id"`
	Split string         `json:"split,omitempty"`
	Story string         `json:"story,omitempty"`
	Also  []string       `json:"also,omitempty"`
	Turns []DialogueTurn `json:"turns"`
}

// DialogueTurn is one question of a dialogue, with what a right answer
// holds, as in EvalCase.
type DialogueTurn struct {
	Kind     string `json:"kind"`
	Question string `json:"question"`
	// Standalone is a later turn written out in full ("Who reported that
	// North Korea sent troops to Russia?"): the baseline the follow-up is
	// compared with.
	Standalone string       `json:"standalone,omitempty"`
	Answer     AnswerGroups `json:"answer,omitempty"`
	Evidence   []string     `json:"evidence,omitempty"`
}

// maxDialogueTurns bounds a dialogue's turns.
const maxDialogueTurns = 6

// caseOf is turn i of d as a single evaluation case.
func (d Dialogue) caseOf(i int, question string) EvalCase {
	t := d.Turns[i]
	c := EvalCase{ID: fmt.Sprintf("%s.%d", d.ID, i+1), Split: d.Split, Story: d.Story, Also: d.Also,
		Kind: t.Kind, Question: question, Answer: t.Answer, Evidence: t.Evidence}
	if c.Kind == KindOffTopic {
		c.Story = ""
	}
	return c
}

func (d Dialogue) check() error {
	if d.ID == "" {
		return fmt.Errorf("no id")
	}
	if len(d.Turns) < 2 || len(d.Turns) > maxDialogueTurns {
		return fmt.Errorf("%d turns, want 2 to %d", len(d.Turns), maxDialogueTurns)
	}
	for i, t := range d.Turns {
		if i > 0 && strings.TrimSpace(t.Standalone) == "" {
			return fmt.Errorf("turn %d: a follow-up needs its standalone form", i+1)
		}
		if i == 0 && t.Standalone != "" {
			return fmt.Errorf("turn 1 stands alone: it takes no standalone form")
		}
		if err := d.caseOf(i, t.Question).check(); err != nil {
			return fmt.Errorf("turn %d: %w", i+1, err)
		}
	}
	return nil
}

// DialogueSet is the dialogues of one file.
type DialogueSet struct {
	Name string
	// Corpus is as in EvalSet: from a "# corpus: DIR" line.
	Corpus    string
	Dialogues []Dialogue
}

// IsDialogueSet reports whether the start of a file marks it as a set of
// dialogues: a DialogueFormat line among its leading comments.
func IsDialogueSet(head []byte) bool {
	for _, line := range bytes.Split(head, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if string(line) == DialogueFormat {
			return true
		}
		if len(line) > 0 && line[0] != '#' {
			return false
		}
	}
	return false
}

// ReadDialogueSet reads a JSON-lines dialogue set: one dialogue per line;
// blank lines and lines starting with # ignored, except "# corpus: DIR".
func ReadDialogueSet(r io.Reader, name string) (*DialogueSet, error) {
	set := &DialogueSet{Name: name}
	err := readJSONLines(r, &set.Corpus, func(d Dialogue) (string, error) {
		set.Dialogues = append(set.Dialogues, d)
		return d.ID, d.check()
	})
	if err != nil {
		return nil, err
	}
	if len(set.Dialogues) == 0 {
		return nil, fmt.Errorf("no dialogues")
	}
	return set, nil
}

// SelectDialogues keeps the dialogues of split, as Select does for cases.
func SelectDialogues(ds []Dialogue, split string) []Dialogue {
	if split == "" || split == SplitAll {
		return ds
	}
	var out []Dialogue
	for _, d := range ds {
		if d.Split == "" || d.Split == split {
			out = append(out, d)
		}
	}
	return out
}

// DialogueMetrics are a group of turns' answer and refusal accuracy.
type DialogueMetrics struct {
	Turns      int `json:"turns"`
	Answerable int `json:"answerable"`
	// AnswerAccuracy: answerable turns answered with every part stated by
	// a cited passage.
	AnswerAccuracy float64 `json:"answer_accuracy"`
	// RefusalAccuracy: turns refused exactly when nothing answers them.
	RefusalAccuracy float64 `json:"refusal_accuracy"`
	// Accuracy: turns judged right (answered right, or rightly refused).
	Accuracy float64 `json:"accuracy"`
}

// DialogueReport is the evaluation of one dialogue set.
type DialogueReport struct {
	Name      string `json:"name"`
	Split     string `json:"split"`
	Dialogues int    `json:"dialogues"`
	// First are the opening turns; FollowUps the later turns asked in
	// their conversation; Standalone the same later turns written out in
	// full and asked alone, the baseline follow-ups are held to.
	First      DialogueMetrics `json:"first"`
	FollowUps  DialogueMetrics `json:"follow_ups"`
	Standalone DialogueMetrics `json:"standalone"`
	// Results are the follow-up turns' results, each with the question it
	// became.
	Results []DialogueResult `json:"results"`
}

// DialogueResult is what happened to a follow-up turn.
type DialogueResult struct {
	EvalResult
	// Rewritten is the standalone question the service made of it.
	Rewritten string `json:"rewritten,omitempty"`
	// AloneCorrect is whether its written-out form, asked alone, was right.
	AloneCorrect bool `json:"alone_correct"`
}

// EvaluateDialogues runs every dialogue turn by turn, each turn given the
// service's own answers to the earlier ones as its history.
func (s *Service) EvaluateDialogues(ctx context.Context, name, split string, ds []Dialogue) (*DialogueReport, error) {
	ctx = untimed(ctx)
	if split == "" {
		split = SplitAll
	}
	type outcome struct {
		first       EvalResult
		follow      []DialogueResult
		alone       []EvalResult
		err         error
		firstCase   EvalCase
		followCases []EvalCase
	}
	paths := s.storyPaths()
	owns := make([]map[string]bool, len(ds))
	for i, d := range ds {
		own, err := d.caseOf(0, d.Turns[0].Question).ownStories(paths)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.ID, err)
		}
		owns[i] = own
	}
	outs := make([]outcome, len(ds))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ds)) {
		wg.Go(func() {
			for i := range next {
				o := &outs[i]
				d := ds[i]
				var history []Turn
				for j, t := range d.Turns {
					c := d.caseOf(j, t.Question)
					ans, err := s.Answer(ctx, Request{Question: t.Question, History: history}, nil)
					if err != nil {
						o.err = fmt.Errorf("%s: %w", c.ID, err)
						break
					}
					history = append(history, TurnOf(ans))
					r := judge(c, owns[i], ans, s.articleOf)
					if j == 0 {
						o.first, o.firstCase = r, c
						continue
					}
					alone, err := s.Answer(ctx, Request{Question: t.Standalone}, nil)
					if err != nil {
						o.err = fmt.Errorf("%s (standalone): %w", c.ID, err)
						break
					}
					ar := judge(d.caseOf(j, t.Standalone), owns[i], alone, s.articleOf)
					o.follow = append(o.follow, DialogueResult{EvalResult: r, Rewritten: ans.Standalone, AloneCorrect: ar.Correct})
					o.alone = append(o.alone, ar)
					o.followCases = append(o.followCases, c)
				}
			}
		})
	}
	for i := range ds {
		next <- i
	}
	close(next)
	wg.Wait()
	rep := &DialogueReport{Name: name, Split: split, Dialogues: len(ds), Results: []DialogueResult{}}
	var first, follow, alone []EvalResult
	var firstCases, followCases []EvalCase
	for _, o := range outs {
		if o.err != nil {
			return nil, o.err
		}
		first, firstCases = append(first, o.first), append(firstCases, o.firstCase)
		for _, r := range o.follow {
			follow = append(follow, r.EvalResult)
		}
		alone = append(alone, o.alone...)
		followCases = append(followCases, o.followCases...)
		rep.Results = append(rep.Results, o.follow...)
	}
	rep.First = dialogueMetrics(first, firstCases)
	rep.FollowUps = dialogueMetrics(follow, followCases)
	rep.Standalone = dialogueMetrics(alone, followCases)
	return rep, nil
}

func dialogueMetrics(rs []EvalResult, cs []EvalCase) DialogueMetrics {
	m := DialogueMetrics{Turns: len(rs)}
	var right, refusedRight, correct float64
	for i, r := range rs {
		if cs[i].Answerable() {
			m.Answerable++
			if r.Correct {
				right++
			}
		}
		if r.Refused != cs[i].Answerable() {
			refusedRight++
		}
		if r.Correct {
			correct++
		}
	}
	m.AnswerAccuracy = share(right, m.Answerable)
	m.RefusalAccuracy = share(refusedRight, m.Turns)
	m.Accuracy = share(correct, m.Turns)
	return m
}
