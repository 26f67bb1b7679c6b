package retrieval

import "github.com/articlebot/articlebot/retrieval/synonym"

// Expand returns words to widen a query word with: its WordNet synonyms,
// derivationally related forms ("invade" for "invasion") and, for an
// adjective, the attributes it gives a value of ("speed" for "fast": "how
// fast" is answered by "speeds of up to 15Mbps"). All are general
// resources; no list here is chosen for particular questions. A
// number word is not expanded: WordNet's senses of "three" are "trio" and
// "triad", never what a question asking about three of something means.
func Expand(word string) []string {
	if IsNumberWord(word) {
		return nil
	}
	out := append(synonym.Lookup(word), synonym.Derived(word)...)
	return append(out, synonym.Attributes(word)...)
}

// IsNumberWord reports whether a lower-case word (or its stem) is written
// with digits or is an English cardinal number word ("three", "twenty",
// "million", "dozen").
func IsNumberWord(w string) bool {
	if w == "" {
		return false
	}
	digits := true
	for _, r := range w {
		if (r < '0' || r > '9') && r != '.' && r != ',' {
			digits = false
			break
		}
	}
	return digits || numberWords[w]
}

var numberWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
		"nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
		"hundred", "thousand", "million", "billion", "trillion", "dozen",
	} {
		m[w] = true
		m[Stem(w)] = true
		m[w+"s"] = true
	}
	return m
}()
