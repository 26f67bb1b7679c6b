// Package nountype says what kind of fact an English noun names: money
// ("revenue"), a quantity ("slice"), a duration, a date, a person
// ("spokesman"), an organisation, a place or a substance ("steel"). The table is WordNet's, built
// by gen.go from each noun's most frequent sense and its hypernyms; it
// names no word of any story or question.
package nountype

import (
	_ "embed"
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
