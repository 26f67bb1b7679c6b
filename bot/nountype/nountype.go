// Package nountype says what kind of fact an English noun names: money
// ("revenue"), a quantity ("slice"), a duration, a date, a person
// ("spokesman"), an organisation, a place or a substance ("steel"); and
// what a noun is a kind of ("cancer" of "illness"). The tables are
// WordNet's, built by gen.go from each noun's most frequent sense and its
// hypernyms and by kinds_gen.go from its first tagged senses; they name
// no word of any story or question.
package nountype

import (
	_ "embed"
	"strconv"
	"strings"

	"github.com/articlebot/articlebot/internal/wordnet"
)

// Kinds a noun can name.
const (
	Money        = "money"
	Quantity     = "quantity"
	Duration     = "duration"
	Date         = "date"
	Person       = "person"
	Organisation = "organisation"
	Place        = "place"
	Substance    = "substance"
	// Verb marks a verb's irregular past ("gave"), which no noun phrase
	// holds.
	Verb = "verb"
)

//go:embed nountypes.txt
var table string // "noun kind" lines sorted by noun, found by wordnet.Line

// Of returns the kind of fact a lowercase noun in its base form names, ""
// for one that names none of them.
func Of(noun string) string {
	kind, _ := wordnet.Line(table, noun)
	return strings.TrimSpace(kind)
}

//go:embed kinds.txt
var kinds string // "noun n kind kind ..." lines sorted by noun, found by wordnet.Line

// Kinds returns how many of the table's nouns are a kind of noun (37 for
// "illness", 0 for "cancer"): how much being of the kind says.
func Kinds(noun string) int {
	rest, ok := wordnet.Line(kinds, noun)
	if !ok {
		return 0
	}
	n, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	c, _ := strconv.Atoi(n)
	return c
}

// KindsOf returns the table's nouns that are a kind of noun ("cancer",
// "flu", … of "illness"), in the table's order. The table is scanned
// rather than indexed, for a question's noun or two: no program pays at
// start-up for the inverse of a relation it rarely asks.
func KindsOf(noun string) []string {
	var out []string
	if noun == "" {
		return nil
	}
	for at := 0; ; {
		i := strings.Index(kinds[at:], noun)
		if i < 0 {
			return out
		}
		i += at
		at = i + len(noun)
		// A kind is a whole word after the line's noun and count.
		if i == 0 || kinds[i-1] != ' ' || at < len(kinds) && kinds[at] != ' ' && kinds[at] != '\n' {
			continue
		}
		start := strings.LastIndexByte(kinds[:i], '\n') + 1
		key, _, _ := strings.Cut(kinds[start:i], " ")
		out = append(out, key)
		if end := strings.IndexByte(kinds[at:], '\n'); end >= 0 {
			at += end
		}
	}
}
