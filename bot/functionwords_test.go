package bot

import (
	"maps"
	"slices"
	"testing"
)

// A question's function words ask nothing of the sentence that answers
// it, but the preposition of its question word does ("amid what?").
func TestAnalysisLeavesOutFunctionWords(t *testing.T) {
	s := newService(t)
	for q, want := range map[string][]string{
		"What else did they send besides troops?":  {"send", "troop"},
		"Whose agency said so?":                    {"agenc", "say"},
		"Amid what did Russia provide technology?": {"amid", "provid", "russia", "technolog"},
	} {
		a := s.analyze(part{text: q, want: classify(q)})
		got := slices.Sorted(maps.Keys(a.stems))
		if !slices.Equal(got, want) {
			t.Errorf("analyze(%q) has %q, want %q", q, got, want)
		}
	}
}
