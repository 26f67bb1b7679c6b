package bot

import (
	"strings"
	"time"
	"unicode"

	"github.com/articlebot/articlebot/corpus"
)

// ExampleQuestion is a question the corpus answers, for front ends to offer
// in help and busy replies: about the name the first story mentions most. It comes from the loaded articles, so it fits whatever
// collection is loaded.
func (s *Service) ExampleQuestion() string {
	arts := s.corpus.Articles
	if len(arts) == 0 {
		return "What is this article about?"
	}
	name := topName(arts[0])
	switch {
	case name == "" && len(arts) > 1:
		return "What are these articles about?"
	case name == "":
		return "What is the article about?"
	}
	// Only the name is a word to find: other wording ("say", "said")
	// would have to be in the sentence that answers too. Over 99 corpora
	// of three BBC stories, 98 answer this form.
	return "What about " + name + "?"
}

// topName is the name an article mentions most: a run of capitalised words
// that the article never writes in lower case (so not "The" or
// "President"), and that starts a sentence only if it also appears inside
// one (so not "She"); a mention in the title counts twice more. It is ""
// when no name is mentioned twice.
func topName(a *corpus.Article) string {
	type mention struct {
		words   []string
		initial bool // starts its sentence
	}
	var mentions []mention
	lower := map[string]bool{}
	midCap := map[string]bool{} // capitalised words seen inside a sentence
	for _, p := range a.Paragraphs {
		for _, sp := range corpus.Sentences(p.Text) {
			var run []string
			runStart := 0
			words := strings.Fields(p.Text[sp.Start:sp.End])
			flush := func() {
				if len(run) > 0 && len(run) <= 4 {
					mentions = append(mentions, mention{run, runStart == 0})
				}
				run = nil
			}
			for i, raw := range words {
				w := strings.Trim(raw, `.,;:?!"“”‘’'()[]`)
				w = strings.TrimSuffix(strings.TrimSuffix(w, "’s"), "'s")
				r := []rune(w)
				if len(r) < 2 || !unicode.IsUpper(r[0]) {
					if len(r) > 0 && unicode.IsLower(r[0]) {
						lower[strings.ToLower(w)] = true
					}
					flush()
					continue
				}
				if i > 0 {
					midCap[w] = true
				}
				if len(run) == 0 {
					runStart = i
				}
				run = append(run, w)
				// Punctuation after a word ends the name ("Moscow, Kim").
				if strings.TrimRight(raw, `.,;:?!"“”)]`) != raw {
					flush()
				}
			}
			flush()
		}
	}
	count := map[string]int{}
	order := map[string]int{}
	calendar := map[string]bool{}
	for m := time.January; m <= time.December; m++ {
		calendar[m.String()] = true
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		calendar[d.String()] = true
	}
	for i, m := range mentions {
		// "The Port Authority" names the Port Authority.
		for len(m.words) > 0 && lower[strings.ToLower(m.words[0])] {
			m.words, m.initial = m.words[1:], false
		}
		ok := len(m.words) > 0 && (!m.initial || midCap[m.words[0]])
		for _, w := range m.words {
			ok = ok && !lower[strings.ToLower(w)]
		}
		if !ok {
			continue
		}
		name := strings.Join(m.words, " ")
		if len(m.words) == 1 && calendar[name] {
			continue // a date, not a name
		}
		if _, seen := order[name]; !seen {
			order[name] = i
		}
		count[name]++
	}
	best, bestScore := "", 1
	for name, n := range count {
		score := n
		if strings.Contains(a.Title, name) {
			score += 2
		}
		if score > bestScore || score == bestScore && best != "" &&
			(len(name) > len(best) || len(name) == len(best) && order[name] < order[best]) {
			best, bestScore = name, score
		}
	}
	return best
}
