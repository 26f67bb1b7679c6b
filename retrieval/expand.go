package retrieval

import "github.com/articlebot/articlebot/retrieval/synonym"

// Expand returns words to widen a query word with: its WordNet synonyms
// and derivationally related forms ("invade" for "invasion"). Both are
// general resources; no list here is chosen for particular questions.
func Expand(word string) []string {
	return append(synonym.Lookup(word), synonym.Derived(word)...)
}
