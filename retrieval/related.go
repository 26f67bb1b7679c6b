package retrieval

import (
	"slices"
	"strings"

	"github.com/articlebot/articlebot/retrieval/wordvec"
)

// Related is a word near another in meaning: how near, as the cosine of
// their word vectors.
type Related struct {
	Word       string
	Similarity float64
}

// Neighbours widen a query by words near its own in meaning (word
// vectors: "troops" for "soldiers", "phone" for "telephone"), which
// WordNet's synonyms mostly miss. A neighbour weighs Weight times its
// similarity in ranking passages, against 1 for the question's own word,
// and, as a WordNet expansion does, storyExpansion/expansionWeight of that
// in ranking stories. Names and number words are never widened: a vector
// puts "four" next to "three" and "Blair" next to "Brown".
type Neighbours struct {
	// Nearest returns up to k words nearest in meaning to a lower-case
	// word, most similar first; nil disables neighbours. It must return
	// the same for the same word: an index keeps what it returned.
	Nearest func(word string, k int) []Related
	// K is how many of a word's nearest are looked at.
	K int
	// Floor is the least similarity of a neighbour.
	Floor float64
	// Weight scales a neighbour's similarity into its weight.
	Weight float64
}

// DefaultNeighbours were fit on the calibration half of
// testdata/bbc-dev.jsonl (TestNeighboursFitBBC): of floors 0.6, 0.65 and
// 0.7, weights 0.35, 0.5 and 0.75 and 5, 10 or 20 neighbours, these kept
// story recall@1 highest (0.917 -> 0.931; held-out 0.868 -> 0.882) with
// the best passage MRR; more neighbours or a higher weight lose passages.
var DefaultNeighbours = Neighbours{Nearest: WordNeighbours, K: 10, Floor: 0.7, Weight: 0.35}

// neighbours adds to terms the stems of the tokens' neighbours that the
// corpus holds and terms lack, and returns the stem of the token each is
// near.
func (ix *Index) neighbours(toks []Token, terms map[string]float64) map[string]string {
	nb := ix.neighbourPolicy
	if nb.Nearest == nil || nb.K <= 0 || nb.Weight <= 0 {
		return nil
	}
	var heads []Token
	for _, t := range toks {
		if !t.Capital && !IsNumberWord(t.Word) && !slices.Contains(heads, t) {
			heads = append(heads, t)
		}
	}
	add := map[string]float64{}
	near := map[string]string{}
	for _, t := range heads {
		for _, n := range ix.neighbourMemo.get(t.Word, ix.nearTerms) {
			if _, ok := terms[n.stem]; ok || ix.df(n.stem) == 0 {
				continue
			}
			if n.w > add[n.stem] {
				add[n.stem], near[n.stem] = n.w, t.Stem
			}
		}
	}
	for st, w := range add {
		terms[st] = w
	}
	return near
}

// nearTerm is a neighbour in meaning of a word as a query term: its stem
// and weight.
type nearTerm struct {
	stem string
	w    float64
}

// nearTerms returns the neighbours in meaning of a lower-case word that
// may widen a query, most similar first, whatever the corpus holds: none
// for a word the corpus writes as a name. They depend on the word alone
// (and the index), so an index memoises them (neighbourMemo).
func (ix *Index) nearTerms(word string) []nearTerm {
	nb := ix.neighbourPolicy
	if ix.writesAsName(word) {
		return nil
	}
	var out []nearTerm
	for _, r := range ix.nearest(word) {
		if r.Similarity < nb.Floor {
			break
		}
		if IsNumberWord(r.Word) || stopwords[r.Word] {
			continue
		}
		out = append(out, nearTerm{Stem(r.Word), min(nb.Weight*r.Similarity, expansionWeight)})
	}
	return out
}

// nearest returns the Neighbours' nearest words to word, or, for a word
// the vectors lack ("telly": informal, rare, misspelt), those of the first
// of its WordNet synonyms (Options.Expand) that has them ("tv"): a word
// without a vector has no neighbours of its own, and its synonyms alone,
// which the vectors don't widen, seldom hold the story's words
// ("television", "broadcast").
func (ix *Index) nearest(word string) []Related {
	nb := ix.neighbourPolicy
	if rs := nb.Nearest(word, nb.K); len(rs) > 0 || ix.expand == nil {
		return rs
	}
	for _, form := range BaseForms(word) {
		for _, syn := range ix.expand(form) {
			if rs := nb.Nearest(syn, nb.K); len(rs) > 0 {
				return rs
			}
		}
	}
	return nil
}

// namesSample is how many of a word's passages are read to tell whether the
// corpus writes it as a name.
const namesSample = 24

// WritesAsName reports whether the corpus writes a lower-case word as a
// name: capitalised in most of its uses that don't open a sentence, in the
// first namesSample passages holding its stem. A question typed in lower
// case ("who's the man in charge at bayern") names things all the same.
func (ix *Index) WritesAsName(word string) bool { return ix.writesAsName(word) }

func (ix *Index) writesAsName(word string) bool {
	id, ok := ix.lex.ids[Stem(word)]
	if !ok || word == "" || word[0] < 'a' || word[0] > 'z' {
		return false
	}
	ix.lexical()
	title := string(word[0]-'a'+'A') + word[1:]
	ps := ix.bm.postings[id]
	caps, uses := 0, 0
	for _, p := range ps[:min(namesSample, len(ps))] {
		text := ix.chunks[p.doc].Text
		for _, form := range []string{word, title} {
			for rest, at := text, 0; ; {
				i := strings.Index(rest, form)
				if i < 0 {
					break
				}
				start, end := at+i, at+i+len(form)
				rest, at = rest[i+len(form):], end
				if start > 0 && isLetter(text[start-1]) || end < len(text) && isLetter(text[end]) {
					continue // part of a longer word
				}
				if form == title && opensSentence(text[:start]) {
					continue
				}
				uses++
				if form == title {
					caps++
				}
			}
		}
	}
	return 2*caps > uses
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80 }

// opensSentence reports whether a word after before would open a
// sentence: before is empty or ends a sentence, quote marks and spaces
// aside.
func opensSentence(before string) bool {
	before = strings.TrimRight(before, " \t\n\"'“‘(")
	return before == "" || strings.ContainsAny(before[len(before)-1:], ".!?:")
}

// WordNeighbours returns up to k words nearest in meaning to a lower-case
// word by the GloVe vectors of package wordvec, most similar first, trying
// its simple base forms when the word itself has no vector; nil when none
// has.
func WordNeighbours(word string, k int) []Related {
	for _, form := range BaseForms(word) {
		if !wordvec.Known(form) {
			continue
		}
		ns := wordvec.Nearest(form, k)
		out := make([]Related, len(ns))
		for i, n := range ns {
			out[i] = Related{Word: n.Word, Similarity: float64(n.Similarity)}
		}
		return out
	}
	return nil
}
