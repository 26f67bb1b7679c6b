// Package synonym expands query words with synonyms and derivationally
// related forms ("sell" and "seller", "invade" and "invasion") from WordNet
// 3.0, pruned to common senses and single words; the WordNet licence is in
// LICENSE.wordnet.
package synonym

//go:generate go run gen.go -wordnet /usr/share/wordnet -o synonyms.txt -derived derived.txt

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
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

// The tables are parsed on first use so that programs which never expand a
// query don't pay for building the maps at init.
var (
	table        = sync.OnceValue(func() map[string][]string { return parse(synonymsTxt) })
	derivedTable = sync.OnceValue(func() map[string][]string { return parse(derivedTxt) })
)

func parse(txt string) map[string][]string {
	m := make(map[string][]string, strings.Count(txt, "\n"))
	for line := range strings.Lines(txt) {
		f := strings.Fields(line)
		if len(f) > 1 {
			m[f[0]] = f[1:]
		}
	}
	return m
}

// Derived returns the derivationally related forms of word ("decide":
// "decision", "decisive"), most common first, or nil. Like Lookup, the
// match is exact and the result a copy.
func Derived(word string) []string {
	return slices.Clone(derivedTable()[word])
}

// Known reports whether WordNet lists word, in its base form, as having
// synonyms or related forms: a sign that a word is English.
func Known(word string) bool {
	_, a := table()[word]
	_, b := derivedTable()[word]
	return a || b
}

// Lookup returns the synonyms of word, most common first, or nil if it has
// none. The match is exact: WordNet lists base forms in lowercase ("troop",
// not "Troops"), so callers should lowercase the word and, if the surface
// form finds nothing, retry with its lemma or stem. The result is a copy
// that the caller may modify.
func Lookup(word string) []string {
	// Cloning keeps callers from rewriting the shared table; a nil entry
	// clones to nil.
	return slices.Clone(table()[word])
}

// Len returns the number of words that have synonyms.
func Len() int {
	return len(table())
}
