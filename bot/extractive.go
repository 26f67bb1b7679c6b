package bot

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/articlebot/articlebot/corpus"
)

// Limits of the extractive answer: enough for a fact that spans two
// sentences, short enough to read in a chat.
const (
	maxPartSentences = 2
	maxAnswerChars   = 1000
	// candidatePassages is how many passages the offline drafter reads
	// sentences from: more than a prompt carries, since reading is cheap.
	candidatePassages = 10
)

// decision is the answering model's verdict on one question part.
type decision struct {
	a    analysis
	best *candidate // the most likely answering sentence; nil if none
	// picked are the sentences that answer, best first; none when the
	// model finds no sentence likely enough.
	picked []candidate
	// earlier is true when a sentence picked for an earlier part of the
	// question answers this one too (it is then best, and none is picked).
	earlier bool
}

// extractFrom scores candidate sentences with the answering model and
// picks the answering ones (see pick). Sentences already picked for an
// earlier part of the question are skipped.
func (s *Service) extractFrom(a analysis, all, already []candidate) decision {
	cands := rank(s.model, all, already, s.index.StoryHas, a)
	d := pick(a, cands, s.model.Cutoffs, s.index.StoryHas)
	// A sentence picked for an earlier part may answer this one too:
	// "Jet has 42 aircraft and runs 271 flights daily" answers both parts
	// of "How many planes does Jet have, and how many flights does it
	// run?". When no other sentence answers, it does if the model finds it
	// likely enough, and the answer says nothing of the part going
	// unanswered.
	if len(d.picked) == 0 {
		if e := earlierAnswer(s.model, all, already, a); e != nil && e.p >= s.model.Answer {
			d.best, d.earlier = e, true
		}
	}
	if d.best != nil {
		d.best.explain = s.model.explain(d.best.f)
	}
	return d
}

// rank scores candidates with the model, best first, leaving out the
// sentences an earlier part of the question picked. Story first: when an
// earlier part was answered from a story, this part is answered from it
// too, unless it names something that story never does and another does.
func rank(m *Model, all, already []candidate, storyHas func(story, stem string) bool, a analysis) []candidate {
	var cands []candidate
	for _, c := range all {
		if pickedBefore(c, already) {
			continue
		}
		c.p = likelihood(m, c, a)
		cands = append(cands, c)
	}
	// Ties go to the better-ranked passage, which comes first.
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].p > cands[j].p })
	if len(already) == 0 || len(cands) == 0 {
		return cands
	}
	earlier := map[string]bool{}
	for _, o := range already {
		earlier[o.chunk.ArticleID] = true
	}
	best := cands[0].chunk.ArticleID
	if earlier[best] {
		return cands
	}
	for _, t := range a.terms {
		if !storyHas(best, t.stem) {
			continue
		}
		held := false
		for st := range earlier {
			held = held || storyHas(st, t.stem)
		}
		if !held {
			return cands // the part needs another story
		}
	}
	var same []candidate
	for _, c := range cands {
		if earlier[c.chunk.ArticleID] {
			same = append(same, c)
		}
	}
	if len(same) == 0 {
		return cands
	}
	return same
}

// likelihood is the model's probability that a candidate answers a.
func likelihood(m *Model, c candidate, a analysis) float64 {
	// A question that asks for a kind of fact with a form of its own (a
	// number, a date, a name) is answered only by a sentence that states
	// one the question lacks, or whose neighbour does. A reason has no
	// such form: "because" is one way of many to give it.
	if c.f[fTypeMiss] == 1 && a.want != reason {
		return 0
	}
	// A story that lacks half or more of what the question names is about
	// something else: "How many copies did Kokomo sell?" is not answered
	// by a story without Kokomo.
	if c.f[fNameMiss] >= nameMissRejected {
		return 0
	}
	return m.prob(c.f)
}

// nameMissRejected is the share of the question's names missing from a
// story at which its sentences answer nothing. Chosen on the calibration
// half of testdata/bbc-dev.jsonl among all, more than half, half or more
// and any: half or more erred on one question fewer than all (55 of 211
// against 56); any erred on 53 but lost dialogue follow-ups.
const nameMissRejected = 0.5

func pickedBefore(c candidate, already []candidate) bool {
	return slices.ContainsFunc(already, func(o candidate) bool { return o.text == c.text })
}

// earlierAnswer is, of the candidates an earlier part picked, the one the
// model finds likeliest to answer a; nil when there is none.
func earlierAnswer(m *Model, all, already []candidate, a analysis) *candidate {
	var best *candidate
	for _, c := range all {
		if !pickedBefore(c, already) {
			continue
		}
		c.p = likelihood(m, c, a)
		if best == nil || c.p > best.p {
			best = &c
		}
	}
	return best
}

// pick decides from scored candidates, best first: the best answers if its
// probability reaches answer, and another sentence joins it if its
// probability reaches follow and it brings a word of the question the
// first lacks. Story first: the other sentence must come from the same
// story, unless the word it brings is one that story never uses, so that
// the question needs another (storyHas tells).
func pick(a analysis, cands []candidate, cut Cutoffs, storyHas func(story, stem string) bool) decision {
	d := decision{a: a}
	if len(cands) == 0 {
		return d
	}
	d.best = &cands[0]
	if d.best.p < cut.Answer || d.best.p-runnerUp(cands) < cut.Margin {
		return d
	}
	d.picked = []candidate{cands[0]}
	covered := copySet(cands[0].terms)
	size := len(cands[0].shown())
	for _, c := range cands[1:] {
		if len(d.picked) == maxPartSentences || c.p < cut.Follow {
			break
		}
		if size+len(c.shown()) > maxAnswerChars || !addsQuestionWord(a, c.terms, covered) {
			continue
		}
		if story := d.best.chunk.ArticleID; c.chunk.ArticleID != story && !needsOtherStory(a, c.terms, covered, func(st string) bool { return storyHas(story, st) }) {
			continue
		}
		if slices.ContainsFunc(d.picked, func(o candidate) bool { return o.near == c.text || c.near == o.text }) {
			continue
		}
		d.picked = append(d.picked, c)
		size += len(c.shown())
		for t := range c.terms {
			covered[t] = true
		}
	}
	return d
}

// runnerUp is the probability of the best of the ranked candidates after
// the first whose sentence is another (overlapping passages and a story's
// duplicate hold the same sentence twice); 0 when there is none.
func runnerUp(cands []candidate) float64 {
	for _, c := range cands[1:] {
		if c.text != cands[0].text {
			return c.p
		}
	}
	return 0
}

// shown is the text a candidate contributes to an answer: the sentence,
// with the neighbour that states the wanted fact when it doesn't.
func (c candidate) shown() string {
	switch {
	case c.near == "":
		return c.text
	case c.nearFirst:
		return c.near + " " + c.text
	}
	return c.text + " " + c.near
}

func copySet(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// addsQuestionWord reports whether a sentence holds a question word that
// the answer so far lacks.
func addsQuestionWord(a analysis, terms, covered map[string]bool) bool {
	for _, t := range a.terms {
		if terms[t.stem] && !covered[t.stem] {
			return true
		}
	}
	return false
}

// needsOtherStory reports whether a sentence brings a question word that
// the answer lacks and its story never uses.
func needsOtherStory(a analysis, terms, covered map[string]bool, storyHas func(string) bool) bool {
	for _, t := range a.terms {
		if terms[t.stem] && !covered[t.stem] && !storyHas(t.stem) {
			return true
		}
	}
	return false
}

// compose writes the answer from each answered part's sentences. When the
// parts draw on different stories, each part says which story it comes
// from.
func compose(q string, parts [][]candidate) *Answer {
	stories := map[string]bool{}
	for _, p := range parts {
		for _, c := range p {
			stories[c.chunk.ArticleID] = true
		}
	}
	var src sourceList
	var texts []string
	for _, p := range parts {
		var b strings.Builder
		for i, c := range p {
			switch {
			case len(stories) > 1 && (i == 0 || c.chunk.ArticleID != p[i-1].chunk.ArticleID):
				if i > 0 {
					b.WriteString("\n\n")
				}
				b.WriteString("“" + c.chunk.ArticleTitle + "” says: ")
			case i > 0:
				b.WriteByte(' ')
			}
			b.WriteString(c.shown() + " [" + strconv.Itoa(src.cite(c.chunk, c.shown(), c.rank)) + "]")
		}
		texts = append(texts, b.String())
	}
	sep := " "
	if len(stories) > 1 {
		sep = "\n\n"
	}
	return &Answer{Question: q, Drafter: DrafterExtractive, Sources: src.list(), Text: strings.Join(texts, sep)}
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
