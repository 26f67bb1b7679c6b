package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// minContextBudget is the smallest passage budget a summary is split to
// when the model keeps reporting its context exceeded.
const minContextBudget = 2000

// summarizeLLM drafts a cited summary with the language model: in one
// prompt when the passages fit the context budget, otherwise as notes on
// each group of passages that a last prompt combines (map-reduce). Passages
// keep one numbering throughout, so the notes' citations carry through. A
// model that fails, or cites nothing twice, leaves the summary to the
// extractive drafter.
func (s *Service) summarizeLLM(ctx context.Context, length Length, section string) (*Summary, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	defer cancel()
	var ps []passage
	for _, ch := range s.index.Chunks() {
		if section == "" || ch.Section == section {
			ps = append(ps, passage{N: len(ps) + 1, Chunk: ch})
		}
	}
	dctx, dcancel := draftContext(ctx)
	defer dcancel()
	var usage Usage
	budget := s.opt.ContextBudget
	var notes []string
	for tries := 0; tries < 2; {
		var final Prompt
		groups := groupPassages(ps, budget)
		if len(groups) == 1 {
			final = summaryPrompt(length, section, ps)
		} else {
			if notes == nil {
				var u Usage
				var err error
				notes, u, err = s.takeNotes(dctx, section, groups)
				usage = usage.Add(u)
				if err != nil {
					if errors.Is(err, ErrContextLength) && budget > minContextBudget {
						budget /= 2
						continue
					}
					return s.summaryFallback(ctx, length, section, usage, err)
				}
			}
			final = reducePrompt(length, section, notes)
		}
		c, err := s.opt.Drafter.Draft(dctx, final, nil)
		usage = usage.Add(c.Usage)
		if err != nil {
			if errors.Is(err, ErrContextLength) && budget > minContextBudget {
				budget /= 2
				notes = nil
				continue
			}
			return s.summaryFallback(ctx, length, section, usage, err)
		}
		if c.Refusal != "" || c.FinishReason == FinishContentFilter {
			// Never shown, as a filtered or refused answer isn't; the
			// extractive summary takes its place.
			s.log.Warn("the model refused, or its summary was filtered; not shown", "finish_reason", c.FinishReason, "refusal", c.Refusal)
			break
		}
		if c.FinishReason == FinishLength {
			c.Text = trimIncomplete(c.Text)
		}
		if echoesInstructions(c.Text) {
			// Never shown; the extractive summary takes its place.
			s.log.Warn("the model's summary reproduces its instructions; not shown")
			break
		}
		text, order := cleanCitations(trimToLength(strings.TrimSpace(c.Text), length.budget()), len(ps))
		if len(order) > 0 {
			// Every sentence must be supported by a passage it cites, as
			// an answer's must: what the model adds of its own (an
			// instruction in a story obeyed, say) is dropped.
			text, order = cleanCitations(s.supported(text, order, ps, true, false), len(ps))
			if len(order) == 0 {
				s.log.Warn("no sentence of the model's summary is supported by the passages it cites; not shown")
				break
			}
			sum := &Summary{Length: length, Section: section, Text: strings.TrimSpace(text), Drafter: DrafterLLM, Usage: usage}
			sum.Sources, sum.Flags = sourcesFor(sum.Text, order, ps)
			s.logFlags(sum.Flags)
			return sum, nil
		}
		tries++
		s.log.Warn("the model's summary cited no passage", "attempt", tries)
	}
	sum, err := s.summarizeExtractive(ctx, length, section)
	if err != nil {
		return nil, err
	}
	sum.Usage = usage
	return sum, nil
}

// takeNotes runs the map step: cited notes on each group of passages.
func (s *Service) takeNotes(ctx context.Context, section string, groups [][]passage) ([]string, Usage, error) {
	var usage Usage
	var notes []string
	for _, g := range groups {
		c, err := s.opt.Drafter.Draft(ctx, notesPrompt(section, g), nil)
		usage = usage.Add(c.Usage)
		if err != nil {
			return nil, usage, err
		}
		if c.Refusal != "" || c.FinishReason == FinishContentFilter {
			continue
		}
		if c.FinishReason == FinishLength {
			c.Text = trimIncomplete(c.Text)
		}
		// Keep only the notes' valid citations, in the passages' own
		// numbers, for the reduce step.
		text := keepValidCitations(c.Text, g)
		if strings.TrimSpace(text) != "" && !echoesInstructions(text) {
			notes = append(notes, text)
		}
	}
	return notes, usage, nil
}

// keepValidCitations drops citations of passages outside the group from a
// note, leaving the others' numbers as they are.
func keepValidCitations(text string, group []passage) string {
	valid := map[int]bool{}
	for _, p := range group {
		valid[p.N] = true
	}
	var b strings.Builder
	last := 0
	for _, m := range citeRE.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(text[last:m[0]])
		last = m[1]
		for _, n := range parseGroup(text[m[2]:m[3]]) {
			if valid[n] {
				b.WriteString("[" + strconv.Itoa(n) + "]")
			}
		}
	}
	b.WriteString(text[last:])
	return b.String()
}

// groupPassages splits passages, in order, into groups of at most budget
// characters of text; a passage longer than the budget is a group alone.
func groupPassages(ps []passage, budget int) [][]passage {
	var groups [][]passage
	var cur []passage
	size := 0
	for _, p := range ps {
		if len(cur) > 0 && size+len(p.Chunk.Text) > budget {
			groups = append(groups, cur)
			cur, size = nil, 0
		}
		cur = append(cur, p)
		size += len(p.Chunk.Text)
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

// summaryFallback is the extractive summary with a note saying why the
// model wasn't used.
func (s *Service) summaryFallback(ctx context.Context, length Length, section string, usage Usage, cause error) (*Summary, error) {
	kind := s.logFallback(cause, "summarised extractively")
	note := noteFor(kind)
	// Extractive summaries need no time to speak of: one is given even
	// when the answer's context has ended (a shutdown).
	sum, err := s.summarizeExtractive(context.WithoutCancel(ctx), length, section)
	if err != nil {
		return nil, err
	}
	sum.Note, sum.cause = note, kind
	sum.Text = note + "\n\n" + sum.Text
	sum.Usage = usage
	return sum, nil
}
