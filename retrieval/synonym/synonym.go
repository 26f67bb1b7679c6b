// Package synonym expands query words with synonyms, derivationally
// related forms ("sell" and "seller", "invade" and "invasion") and the
// attributes adjectives give values of ("fast": "speed") from WordNet 3.0,
// pruned to common senses and single words; the WordNet licence is in
// LICENSE.wordnet.
package synonym

//go:generate go run gen.go -wordnet /usr/share/wordnet -o synonyms.txt -derived derived.txt -attributes attributes.txt

import (
	_ "embed"
	"strings"

	"github.com/articlebot/articlebot/internal/wordnet"
)

// synonymsTxt holds one line per word, sorted: "word syn1 syn2 ...", with
// synonyms most common first. It is built by gen.go (see the go:generate
// line above; WordNet comes from Debian's wordnet-base package).
//
//go:embed synonyms.txt
var synonymsTxt string

// derivedTxt holds the derivationally related forms in the same format,
// also built by gen.go.
//
//go:embed derived.txt
var derivedTxt string

// attributesTxt holds, in the same format, the attributes adjectives give
// values of ("fast": "speed", "old": "age"), also built by gen.go.
//
//go:embed attributes.txt
var attributesTxt string

// The tables are not parsed: wordnet.Line finds a word by binary search
// over the sorted lines of the embedded text itself. TestTable guards the
// order the search relies on.

// find returns the words after word on its line of the sorted table txt,
// or nil.
func find(txt, word string) []string {
	if rest, ok := wordnet.Line(txt, word); ok {
		return strings.Fields(rest)
	}
	return nil
}

// Derived returns the derivationally related forms of word ("decide":
// "decision", "decisive"), most common first, or nil. Like Lookup, the
// match is exact and the result a copy.
func Derived(word string) []string {
	return find(derivedTxt, word)
}

// Attributes returns the attributes an adjective gives a value of, in its
// two most frequent senses ("fast": "speed", "old": "age", "heavy":
// "weight"), or nil: what a question asking "how fast" wants, which a
// story states with the noun. Like Lookup, the match is exact and the
// result a copy.
func Attributes(word string) []string {
	return find(attributesTxt, word)
}

// Known reports whether WordNet lists word, in its base form, as having
// synonyms or related forms: a sign that a word is English.
func Known(word string) bool {
	_, a := wordnet.Line(synonymsTxt, word)
	_, b := wordnet.Line(derivedTxt, word)
	return a || b
}

// Lookup returns the synonyms of word, most common first, or nil if it has
// none. The match is exact: WordNet lists base forms in lowercase ("troop",
// not "Troops"), so callers should lowercase the word and, if the surface
// form finds nothing, retry with its lemma or stem. The result is a copy
// that the caller may modify.
func Lookup(word string) []string {
	// Each call returns new strings' slice: callers may rewrite it.
	return find(synonymsTxt, word)
}

// Len returns the number of words that have synonyms.
func Len() int {
	n := 0
	for line := range strings.Lines(synonymsTxt) {
		if strings.Contains(strings.TrimSpace(line), " ") {
			n++
		}
	}
	return n
}
