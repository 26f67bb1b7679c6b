package synonym

import (
	"slices"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	// The expected lists are what WordNet 3.0 has for the two most frequent
	// senses of each word, most common synonym first; a change means the
	// data or the pruning in gen.go changed.
	tests := []struct {
		word string
		want []string
	}{
		{"troops", []string{"soldiery"}},
		{"war", []string{"warfare"}},
		{"letter", []string{"missive"}},
		{"country", []string{"land", "state", "commonwealth", "nation"}},
		{"weapon", []string{"arm", "artillery"}},
		{"send", []string{"direct"}},
		{"attack", []string{"round", "assault", "onrush", "onslaught", "assail", "onset"}},
		{"government", []string{"administration", "regime", "authorities", "governing", "governance"}},
		// WordNet's top senses of these are synsets of one word only.
		{"troop", nil},
		{"leader", nil},
		{"support", nil},
		// "alliance" and "telly" were never sense-tagged (tagsense_cnt 0):
		// they have no senses of their own to keep, and get the words whose
		// common senses list them.
		{"alliance", []string{"alignment", "coalition"}},
		{"telly", []string{"tv"}},
		// "old" was tagged, and its common senses have no synonyms: that
		// "former" lists it doesn't make "how old" "how former".
		{"old", nil},
		// Lemmas are exact lowercase base forms.
		{"Country", nil},
		{"countries", nil},
		{"", nil},
		{"xyzzy", nil},
	}
	for _, tt := range tests {
		if got := Lookup(tt.word); !slices.Equal(got, tt.want) {
			t.Errorf("Lookup(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestLookupUnknownIsNil(t *testing.T) {
	if got := Lookup("xyzzy"); got != nil {
		t.Errorf("Lookup(unknown) = %#v, want nil", got)
	}
}

func TestLookupResultIsCopy(t *testing.T) {
	got := Lookup("country")
	got[0] = "corrupted"
	_ = append(got[:1], "corrupted")
	if again := Lookup("country"); again[0] != "land" || again[1] != "state" {
		t.Errorf("Lookup after mutating a result = %q, want it unchanged", again)
	}
}

func TestTable(t *testing.T) {
	// Guards the generator's output: lines sorted by word, and every entry
	// a single lowercase word with 1 to 6 distinct synonyms, not itself.
	var words []string
	for line := range strings.Lines(synonymsTxt) {
		words = append(words, strings.Fields(line)[0])
	}
	// Lookup's binary search needs the lines sorted by word, each word
	// once.
	if !slices.IsSorted(words) || len(slices.Compact(slices.Clone(words))) != len(words) {
		t.Error("synonyms.txt is not sorted by word, each word once")
	}
	if n := Len(); n < 10000 {
		t.Fatalf("Len() = %d, want at least 10000 entries", n)
	}
	for word, syns := range parse(synonymsTxt) {
		if len(syns) == 0 || len(syns) > 6 {
			t.Errorf("%q has %d synonyms, want 1 to 6", word, len(syns))
		}
		for _, w := range append([]string{word}, syns...) {
			for _, r := range w {
				if r < 'a' || r > 'z' {
					t.Errorf("%q: %q is not a single lowercase word", word, w)
					break
				}
			}
		}
		if slices.Contains(syns, word) {
			t.Errorf("%q lists itself as a synonym", word)
		}
		sorted := slices.Clone(syns)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != len(syns) {
			t.Errorf("%q has duplicate synonyms %q", word, syns)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	words := []string{"troops", "country", "attack", "xyzzy"}
	for i := 0; b.Loop(); i++ {
		Lookup(words[i%len(words)])
	}
}

// holds checks that lookup's list for each word holds the word it is
// paired with.
func holds(t *testing.T, name string, lookup func(string) []string, pairs [][2]string) {
	t.Helper()
	for _, p := range pairs {
		if got := lookup(p[0]); !slices.Contains(got, p[1]) {
			t.Errorf("%s(%q) = %q, want it to hold %q", name, p[0], got, p[1])
		}
	}
}

func TestDerived(t *testing.T) {
	holds(t, "Derived", Derived, [][2]string{
		{"invade", "invasion"}, {"invasion", "invade"}, {"decide", "decision"},
		{"sell", "seller"}, {"die", "death"}, {"grow", "growth"},
	})
	if got := Derived("xyzzy"); got != nil {
		t.Errorf("Derived(xyzzy) = %q", got)
	}
	if !Known("invasion") || Known("xyzzy") {
		t.Error("Known is wrong")
	}
}

func TestAttributes(t *testing.T) {
	holds(t, "Attributes", Attributes, [][2]string{
		{"fast", "speed"}, {"old", "age"}, {"heavy", "weight"}, {"tall", "height"}, {"far", "distance"},
	})
	// One way: a noun has no adjectives, nor does an adjective without an
	// attribute pointer.
	for _, w := range []string{"speed", "age", "quick", "xyzzy"} {
		if got := Attributes(w); got != nil {
			t.Errorf("Attributes(%q) = %q, want none", w, got)
		}
	}
}

// parse reads a table whole, for checking it.
func parse(txt string) map[string][]string {
	m := map[string][]string{}
	for line := range strings.Lines(txt) {
		if f := strings.Fields(line); len(f) > 1 {
			m[f[0]] = f[1:]
		}
	}
	return m
}

// Every word of both tables is found by the binary search with its own
// line's words, and words between and beyond them are not.
func TestFindEveryWord(t *testing.T) {
	for name, txt := range map[string]string{"synonyms.txt": synonymsTxt, "derived.txt": derivedTxt, "attributes.txt": attributesTxt} {
		var words []string
		for line := range strings.Lines(txt) {
			words = append(words, strings.Fields(line)[0])
		}
		if !slices.IsSorted(words) || len(slices.Compact(slices.Clone(words))) != len(words) {
			t.Fatalf("%s is not sorted by word, each word once", name)
		}
		m := parse(txt)
		for _, word := range words {
			if got := find(txt, word); !slices.Equal(got, m[word]) {
				t.Fatalf("%s: find(%q) = %q, want %q", name, word, got, m[word])
			}
			if near := word + "zz"; m[near] == nil && find(txt, near) != nil {
				t.Fatalf("%s: find(%q) found something", name, near)
			}
		}
		for _, w := range []string{"", "\n", "a b", "\x00", "~~~~", "zzzzzzzz"} {
			if got := find(txt, w); got != nil && m[w] == nil {
				t.Errorf("%s: find(%q) = %q", name, w, got)
			}
		}
	}
}
