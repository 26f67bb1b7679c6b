package retrieval

import (
	"slices"
	"testing"
)

// TestNumberWordsAreNotExpanded: WordNet gives "three" the senses "trio"
// and "triad" and "ten" the sense "tenner"; a question about three of
// something means none of them.
func TestNumberWordsAreNotExpanded(t *testing.T) {
	for _, w := range []string{"three", "ten", "twenty", "hundred", "million", "dozen", "15,000", "2.5"} {
		if !IsNumberWord(w) {
			t.Errorf("IsNumberWord(%q) = false", w)
		}
		if got := Expand(w); got != nil {
			t.Errorf("Expand(%q) = %v, want nothing", w, got)
		}
	}
	for _, w := range []string{"troop", "threat", "tenant", "", "3d"} {
		if IsNumberWord(w) {
			t.Errorf("IsNumberWord(%q) = true", w)
		}
	}
	if got := Expand("invasion"); !slices.Contains(got, "invade") {
		t.Errorf("Expand(invasion) = %v, want invade among them", got)
	}
	// "how fast" asks for a speed.
	if got := Expand("fast"); !slices.Contains(got, "speed") {
		t.Errorf("Expand(fast) = %v, want speed among them", got)
	}
}
