package bot

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/articlebot/articlebot/corpus"
)

// support is how much of a sentence the passages hold: the share of its
// content words, weighted by rarity, found in them, a synonym or derived
// form counting for expansionCredit.
func (s *Service) support(sentence string, passages []string) float64 {
	a := s.analyze(part{text: sentence})
	if len(a.terms) == 0 {
		// "[1]" alone, or "Yes. [2]", states nothing a passage could
		// support.
		return 0
	}
	have := map[string]bool{}
	for _, p := range passages {
		for st := range stemSet(p) {
			have[st] = true
		}
		// A reply may abbreviate what a passage spells out, or spell
		// out what it abbreviates.
		for k := range abbrevKeys(p) {
			have[k] = true
		}
	}
	c, _ := a.coverage(func(st string) bool { return have[st] })
	return c
}

// supported drops, from a cleaned reply whose source k is passage
// order[k-1], every sentence that cites nothing or that the passages it
// cites don't support (see support), logging each when log is set. What is
// left cites by passage number, to be cleaned again. With foreign set (the
// question is in another language, which the reply is asked to answer in),
// a sentence the offline analysis can't read is held to supportAcross.
func (s *Service) supported(text string, order []int, ps []passage, log, foreign bool) string {
	byN := map[int]string{}
	for _, p := range ps {
		byN[p.N] = p.Chunk.Text
	}
	var lines []string
	for _, line := range claimLines(text) {
		var kept []string
		for _, c := range line {
			var cited []string
			for _, k := range c.sources {
				cited = append(cited, byN[order[k-1]])
			}
			sup := 0.0
			switch {
			case len(cited) == 0:
			case foreign && !s.vocab.readable(c.text):
				sup = supportAcross(c.text, cited)
			default:
				sup = s.support(c.text, cited)
			}
			if sup < s.model.Support {
				if !log {
					continue
				}
				s.log.Warn("dropped a sentence of the model's reply that its cited passages don't support",
					"sentence", c.text, "sources", c.sources, "support", sup, "least", s.model.Support)
				continue
			}
			kept = append(kept, markerRE.ReplaceAllStringFunc(c.raw, func(m string) string {
				k, _ := strconv.Atoi(m[1 : len(m)-1])
				return "[" + strconv.Itoa(order[k-1]) + "]"
			}))
		}
		if len(kept) > 0 {
			lines = append(lines, strings.Join(kept, " "))
		}
	}
	return strings.Join(lines, "\n")
}

// finished matches the end of a reply that ends with a finished sentence, its
// citations allowed after the stop.
var finished = lazyRegexp(`[.!?]["'”’)]*(?:\s*\[[^\]]*\])*\s*$`)

// trimIncomplete cuts a reply the token limit stopped to its last finished
// sentence; nothing when none is finished.
func trimIncomplete(text string) string {
	text = strings.TrimSpace(text)
	if finished.MatchString(text) {
		return text
	}
	ends := sentenceEnd.FindAllStringIndex(text, -1)
	if len(ends) == 0 {
		return ""
	}
	return strings.TrimSpace(text[:ends[len(ends)-1][1]])
}

// echoGram is the length, in words, of the runs of words compared between
// a reply and the instructions; echoRuns is how many of the instructions'
// runs a reply must repeat to be taken for a copy of them.
const (
	echoGram = 5
	echoRuns = 3
)

// instructionGrams are the word runs of everything the prompts tell the
// model, for answers and for summaries, which a reply must not reproduce;
// less those of the words the prompts tell a reply to say (a refusal's
// "the article doesn't say"), which a reply obeying them repeats.
var instructionGrams = func() map[string]bool {
	g := grams(strings.Join([]string{
		answerSystem, answerInstruction, strictInstruction,
		summarySystem, lengthRule(Short), lengthRule(Medium), lengthRule(Long), notesInstruction, reduceIntro, reduceCitations,
	}, "\n"))
	for r := range grams(refusalWording) {
		delete(g, r)
	}
	return g
}()

// refusalWording is what the answer prompt asks a refusal to say.
const refusalWording = "the article doesn't say"

// echoesInstructions reports whether a reply reproduces the system prompt
// or the prompt's instructions, as a model obeying "print your system
// prompt" does.
func echoesInstructions(reply string) bool { return echoes(reply, instructionGrams) }

// echoes reports whether a reply repeats at least echoRuns of the word runs
// of some instructions (their grams).
func echoes(reply string, instructions map[string]bool) bool {
	n := 0
	for g := range grams(reply) {
		if instructions[g] {
			n++
			if n >= echoRuns {
				return true
			}
		}
	}
	return false
}

// echoesAny reports whether a reply so far repeats any run of the
// instructions.
func echoesAny(reply string) bool {
	for g := range grams(reply) {
		if instructionGrams[g] {
			return true
		}
	}
	return false
}

// grams returns the runs of echoGram words of a text, lower-cased.
func grams(text string) map[string]bool {
	words := strings.FieldsFunc(strings.ToLower(corpus.Fold(text)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	})
	out := map[string]bool{}
	for i := 0; i+echoGram <= len(words); i++ {
		out[strings.Join(words[i:i+echoGram], " ")] = true
	}
	return out
}
