package bot

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// candidate is one sentence of a retrieved passage.
type candidate struct {
	chunk corpus.Chunk
	rank  float64 // the passage's fused retrieval score
	text  string
	terms map[string]bool // stems; shared, never modified
	score float64
}

// Limits of the extractive answer: enough for a fact that spans two
// sentences, short enough to read in a chat.
const (
	maxPartSentences = 2
	maxAnswerChars   = 1000
	// followRatio is how good a further sentence must be, relative to the
	// best, to join the answer; it must also bring a question word the
	// answer lacks.
	followRatio = 0.45
	// typeBonus favours sentences that state the kind of fact asked for,
	// such as a date for "when".
	typeBonus = 1.5
	// yesNoMinCoverage is how much of a yes/no question its answering
	// sentence must hold: "Did Kim meet Putin?" is not answered by a
	// sentence about Kim and Putin that says nothing of a meeting.
	yesNoMinCoverage = 0.5
)

// extract picks, from the sentences of the top passages, those that best
// match the question's words: the best one, and another if it adds a word of
// the question the first lacks. Sentences already picked for an earlier part
// of the question are skipped. It returns nothing when no sentence shares a
// word with the question, when the best sentence holds too little of the
// question, or when the question wants a number and no matching sentence
// has one.
func (s *Service) extract(p part, res *retrieval.Result, already []candidate) []candidate {
	var cands []candidate
	for hi, h := range res.Hits {
		for _, ps := range s.split.of(h.Chunk) {
			c := candidate{chunk: h.Chunk, rank: h.Score, text: ps.text, terms: ps.stems}
			if slices.ContainsFunc(already, func(o candidate) bool { return o.text == c.text }) {
				continue
			}
			for term, w := range res.Terms {
				if c.terms[term] {
					c.score += w * s.index.IDF(term)
				}
			}
			if p.want.fits(c.text) {
				if p.want != anyAnswer {
					c.score *= typeBonus
				}
			} else if p.want.strict() {
				continue
			}
			// Prefer sentences from better-ranked passages on ties.
			c.score *= 1 + 0.15/float64(hi+1)
			cands = append(cands, c)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	minCoverage := s.opt.MinSentenceCoverage
	if p.yesNo {
		minCoverage = max(minCoverage, yesNoMinCoverage)
	}
	if len(cands) == 0 || cands[0].score == 0 || s.index.SentenceCoverage(p.text, cands[0].terms) < minCoverage {
		return nil
	}
	picked := []candidate{cands[0]}
	covered := copySet(cands[0].terms)
	size := len(cands[0].text)
	for _, c := range cands[1:] {
		if len(picked) == maxPartSentences || c.score < followRatio*cands[0].score {
			break
		}
		if size+len(c.text) > maxAnswerChars || !addsQuestionWord(c.terms, covered, res.Terms) {
			continue
		}
		picked = append(picked, c)
		size += len(c.text)
		for t := range c.terms {
			covered[t] = true
		}
	}
	return picked
}

func copySet(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// addsQuestionWord reports whether a sentence holds a question word (not an
// expansion) that the answer so far lacks.
func addsQuestionWord(terms, covered map[string]bool, q map[string]float64) bool {
	for t, w := range q {
		if w == 1 && terms[t] && !covered[t] {
			return true
		}
	}
	return false
}

// cite writes the picked sentences with [n] markers, numbering sources in
// order of first use.
func cite(q string, picked []candidate) *Answer {
	var src sourceList
	parts := make([]string, len(picked))
	for i, c := range picked {
		parts[i] = c.text + " [" + strconv.Itoa(src.cite(c.chunk, c.text, c.rank)) + "]"
	}
	return &Answer{Question: q, Drafter: DrafterExtractive, Sources: src.list(), Text: strings.Join(parts, " ")}
}

// sourceList numbers the chunks an extractive text cites in order of first
// use, and gathers the sentences quoted from each.
type sourceList struct {
	sources []Source
	num     map[string]int // chunk ID → source number
}

// cite records that sentence, from ch, is cited and returns its number.
func (l *sourceList) cite(ch corpus.Chunk, sentence string, score float64) int {
	if n, ok := l.num[ch.ID]; ok {
		l.sources[n-1].Quote += " … " + sentence
		return n
	}
	if l.num == nil {
		l.num = map[string]int{}
	}
	n := len(l.sources) + 1
	l.num[ch.ID] = n
	src := SourceOf(n, ch)
	src.Quote, src.Score = sentence, score
	l.sources = append(l.sources, src)
	return n
}

// list returns the sources, an empty list rather than nil for JSON.
func (l *sourceList) list() []Source {
	if l.sources == nil {
		return []Source{}
	}
	return l.sources
}
