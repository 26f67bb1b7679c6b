package nountype

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/wordnet"
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

// isA reports whether a lowercase noun in its base form is, by WordNet's
// hypernyms, a kind of kind: "cancer" of "illness", "guitar" of
// "instrument", "tennis" of "sport". A noun is no kind of itself, and
// kinds so general that most nouns are of them ("object", "act") are
// not in the table. Found by the noun's own line, it checks KindsOf, which
// scans the table for the kind.
func isA(noun, kind string) bool {
	rest, ok := wordnet.Line(kinds, noun)
	if !ok {
		return false
	}
	_, rest, _ = strings.Cut(strings.TrimSpace(rest), " ") // the count of Kinds
	for k := range strings.FieldsSeq(rest) {
		if k == kind {
			return true
		}
	}
	return false
}

func TestIsA(t *testing.T) {
	for _, tt := range []struct {
		noun, kind string
		want       bool
	}{
		{"cancer", "illness", true},
		{"cancer", "disease", true},
		{"flu", "illness", true},
		{"cocaine", "drug", true},
		{"guitar", "instrument", true},
		{"tennis", "sport", true},
		{"illness", "cancer", false}, // the other way round
		{"cancer", "cancer", false},  // no kind of itself
		{"cancer", "instrument", false},
		{"guitar", "object", false}, // too general to be in the table
		{"idea", "illness", false},
		{"zzz", "illness", false},
	} {
		if got := isA(tt.noun, tt.kind); got != tt.want {
			t.Errorf("isA(%q, %q) = %v, want %v", tt.noun, tt.kind, got, tt.want)
		}
	}
}

func TestKindsOf(t *testing.T) {
	ill := KindsOf("illness")
	if !slices.Contains(ill, "cancer") || !slices.Contains(ill, "flu") {
		t.Errorf("KindsOf(illness) = %q, want cancer and flu among them", ill)
	}
	if got := Kinds("illness"); got != len(ill) {
		t.Errorf("Kinds(illness) = %d, want %d, as many as KindsOf lists", got, len(ill))
	}
	for _, k := range ill {
		if !isA(k, "illness") {
			t.Errorf("KindsOf(illness) lists %q, which is no kind of it", k)
		}
	}
	// KindsOf finds as many nouns under the first line's noun (the
	// search's edge) as its count says.
	first, _, _ := strings.Cut(kinds, " ")
	if got := KindsOf(first); len(got) != Kinds(first) {
		t.Errorf("KindsOf(%q) = %q, want %d", first, got, Kinds(first))
	}
	if got := KindsOf("cancer"); len(got) != 0 || Kinds("cancer") != 0 {
		t.Errorf("KindsOf(cancer) = %q, Kinds = %d; want none: the table's nouns are no kind of it", got, Kinds("cancer"))
	}
}

// isA and Kinds find a noun by binary search, which is right only while
// the table stays sorted; every line is "noun count kind...", and every
// count is how many lines list the noun.
func TestKindsTableIsSortedAndCounted(t *testing.T) {
	prev := ""
	listed := map[string]int{}
	counts := map[string]int{}
	for line := range strings.Lines(kinds) {
		f := strings.Fields(line)
		if len(f) < 2 {
			t.Fatalf("line %q has no count", line)
		}
		if f[0] <= prev {
			t.Fatalf("%q follows %q: the table is not sorted by noun", f[0], prev)
		}
		prev = f[0]
		n, err := strconv.Atoi(f[1])
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		counts[f[0]] = n
		for _, k := range f[2:] {
			listed[k]++
		}
	}
	for noun, n := range counts {
		if listed[noun] != n {
			t.Errorf("%q counts %d kinds, %d lines list it", noun, n, listed[noun])
		}
	}
}
