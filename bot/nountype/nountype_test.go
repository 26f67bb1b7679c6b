package nountype

import (
	"strings"
	"testing"
)

func TestOf(t *testing.T) {
	for noun, want := range map[string]string{
		"revenue":   Money,
		"salary":    Money,
		"slice":     Quantity,
		"spokesman": Person,
		"country":   Place,
		"city":      Place,
		"party":     Organisation,
		"steel":     Substance,
		"gave":      Verb,
		"idea":      "",
	} {
		if got := Of(noun); got != want {
			t.Errorf("Of(%q) = %q, want %q", noun, got, want)
		}
	}
}

// Of finds a noun by binary search over the embedded table, which is
// right only while the table stays sorted by noun: every line's noun is
// found with its own kind.
func TestOfFindsEveryNoun(t *testing.T) {
	prev := ""
	for line := range strings.Lines(table) {
		noun, kind, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			t.Fatalf("line %q has no kind", line)
		}
		if noun <= prev {
			t.Fatalf("%q follows %q: the table is not sorted by noun", noun, prev)
		}
		prev = noun
		if got := Of(noun); got != kind {
			t.Errorf("Of(%q) = %q, want %q", noun, got, kind)
		}
	}
}
