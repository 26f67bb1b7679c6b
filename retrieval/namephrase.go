package retrieval

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval/synonym"
)

// NamePhrase is a run of two or more capitalised words of a question, one
// after another ("Golden Rose", "Dirty War", "Air Force One"): one name, not
// its words. A story holding "Golden Bear" and the verb "rose" holds the
// words of "Golden Rose" but not the name, so a run counts as there only
// where a text writes it whole (see In).
type NamePhrase struct {
	Keys []string // the stems of its words, in order
	// whole is the stem of its words written as one ("dirtywar").
	whole string
}

// phraseWord is one word of a text as NamePhrase reads it: where it is,
// its stem, lower-cased and without a possessive, and how it was written.
type phraseWord struct {
	start, end int
	key        string
	capital    bool // it begins with a capital letter
	first      bool // it opens a sentence
}

// phraseWords splits text into words of letters and digits, an apostrophe
// inside a word kept ("O'Neill") and a possessive dropped ("Rose's" is
// "Rose"), each stemmed as the index stems it.
func phraseWords(text string) []phraseWord {
	var out []phraseWord
	first := true
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isLetterOrNumber(r) {
			if r == '.' || r == '?' || r == '!' {
				first = true
			}
			i += n
			continue
		}
		start, end := i, i+n
		for end < len(text) {
			r, n := utf8.DecodeRuneInString(text[end:])
			if isLetterOrNumber(r) {
				end += n
				continue
			}
			if r == '\'' || r == '’' {
				if next, _ := utf8.DecodeRuneInString(text[end+n:]); end+n < len(text) && unicode.IsLetter(next) {
					end += n
					continue
				}
			}
			break
		}
		w := strings.ToLower(corpus.Fold(text[start:end]))
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'")
		out = append(out, phraseWord{start: start, end: end, key: Stem(w), capital: unicode.IsUpper(r), first: first})
		first = false
		i = end
	}
	return out
}

// adjacent reports whether nothing but spaces, or a hyphen, comes between
// two words of text: "Golden Rose", "Golden-Rose", not "Golden. Rose".
func adjacent(text string, a, b phraseWord) bool {
	return strings.Trim(text[a.end:b.start], " \t-") == ""
}

// NamePhrases are the question's runs of two or more capitalised words
// that are no stop words, next to each other, all of them everyday words:
// "Golden Rose" of "Where is the Golden Rose festival being held?". A run
// with a word that is a name on its own ("Sandra Howard", "Lib Dems") is
// found by that word, as a story writes it ("Mrs Howard … his wife,
// Sandra"); one of everyday words is a name only as a whole. The word
// opening a sentence is capitalised by grammar, not as a name, and a
// question in capitals throughout names nothing by them.
func NamePhrases(question string) []NamePhrase {
	if strings.ToUpper(question) == question {
		return nil
	}
	words := phraseWords(question)
	var out []NamePhrase
	var run []phraseWord
	flush := func() {
		if len(run) >= 2 && !slices.ContainsFunc(run, func(w phraseWord) bool { return !everyday(question[w.start:w.end]) }) {
			p := NamePhrase{}
			var whole strings.Builder
			for _, w := range run {
				p.Keys = append(p.Keys, w.key)
				whole.WriteString(strings.ToLower(corpus.Fold(question[w.start:w.end])))
			}
			p.whole = Stem(whole.String())
			out = append(out, p)
		}
		run = run[:0]
	}
	for _, w := range words {
		if !w.capital || w.first || IsStopword(strings.ToLower(question[w.start:w.end])) {
			flush()
			continue
		}
		if len(run) > 0 && !adjacent(question, run[len(run)-1], w) {
			flush()
		}
		run = append(run, w)
	}
	flush()
	return out
}

// Has reports whether the phrase holds a stem.
func (p NamePhrase) Has(stem string) bool { return slices.Contains(p.Keys, stem) }

// In reports whether text writes the phrase: its words one after another
// in any case ("golden rose", "the Golden Rose's"), or as one word
// ("GoldenEye" for "Golden Eye").
func (p NamePhrase) In(text string) bool {
	words := phraseWords(text)
	for i := range words {
		if words[i].key == p.whole {
			return true
		}
		if i+len(p.Keys) > len(words) {
			continue
		}
		match := true
		for j, k := range p.Keys {
			if words[i+j].key != k || j > 0 && !adjacent(text, words[i+j-1], words[i+j]) {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// everyday reports whether WordNet lists a word, in a base form, in lower
// case: "golden", "rose", "war", not "Sandra" or "Jeeves".
func everyday(word string) bool {
	return slices.ContainsFunc(BaseForms(strings.ToLower(corpus.Fold(word))), synonym.Known)
}

func isLetterOrNumber(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// phraseFirst reorders the best stories of ranked (the maxStoryHits a
// Result lists) so that one writing a name phrase of the query whole
// ranks above one holding that phrase's words apart: the story of the
// Golden Rose awards above the one of the Golden Bear, in which prices
// rose. Any other story keeps its place, and each place its score, so
// that the ranking stays in order of score.
func (ix *Index) phraseFirst(ranked []scored, phrases []NamePhrase) {
	if len(phrases) == 0 {
		return
	}
	var at, writes, apart []int
	for i, s := range ranked[:min(maxStoryHits, len(ranked))] {
		st := ix.stories[s.doc]
		w, a := false, false
		for _, p := range phrases {
			if !slices.ContainsFunc(p.Keys, func(k string) bool { return !ix.holds(st.First, st.First+st.N, k) }) {
				if slices.ContainsFunc(ix.chunks[st.First:st.First+st.N], func(ch corpus.Chunk) bool { return p.In(ch.Text) }) {
					w = true
				} else {
					a = true
				}
			}
		}
		switch {
		case w && !a:
			at, writes = append(at, i), append(writes, s.doc)
		case a && !w:
			at, apart = append(at, i), append(apart, s.doc)
		}
	}
	for i, doc := range append(writes, apart...) {
		ranked[at[i]].doc = doc
	}
}
