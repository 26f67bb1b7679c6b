package bot

import (
	"slices"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

func TestAnAbbreviationIsItsInitials(t *testing.T) {
	tests := []struct {
		name, abbr, text string
		want             bool
	}{
		{"two words", "EU", "Leaders of the European Union met.", true},
		{"three words", "WTO", "The World Trade Organisation ruled.", true},
		{"a small word skipped", "BE", "The Bank of England held rates.", true},
		{"a small word kept", "BOE", "The Bank of England held rates.", true},
		{"small words skipped", "DFE", "A Department for Education report.", true},
		{"inside a longer run", "EU", "Yesterday European Union leaders met.", true},
		{"at the start", "EU", "European Union leaders met.", true},
		{"one word is no run", "US", "United won on Saturday.", false},
		{"a word apart is no run", "US", "United, States and others.", false},
		{"lower case is no name", "US", "united states", false},
		{"other initials", "EU", "The European Commission said.", false},
		{"the run's order", "EU", "Union European", false},
		{"a small word ends no run", "BO", "The Bank of the year.", false},
		{"a sentence's first common word is no name", "WC", "Will Chelsea win the cup?", false},
		{"nor after a full stop", "DG", "It rose. Does Google sell?", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := abbrevKeys(tt.text)[abbrevKey(tt.abbr, true)]; got != tt.want {
				t.Errorf("%q spells out %s: %v, want %v (keys %v)", tt.text, tt.abbr, got, tt.want, abbrevKeys(tt.text))
			}
		})
	}
}

func TestAnAbbreviationIsCapitals(t *testing.T) {
	for word, want := range map[string]string{
		"EU": "EU", "BBC's": "BBC", "WTO’s": "WTO", "A": "", "I": "", "Eu": "", "eu": "", "EU2": "", "U.S": "", "É": "", "ÉU": "ÉU",
	} {
		if got := abbreviation(word); got != want {
			t.Errorf("abbreviation(%q) = %q, want %q", word, got, want)
		}
	}
}

// TestANameIsThereAbbreviatedOrSpelledOut: "EU" is in a sentence that
// writes "European Union", and "European Union" in one that writes "EU",
// for every coverage the answering model counts and for whether the story
// names the question's names.
func TestANameIsThereAbbreviatedOrSpelledOut(t *testing.T) {
	svc := newService(t)
	tests := []struct {
		question, sentence string
		want               float64 // names missing from the story
	}{
		{"What did the EU decide?", "The European Union decided to wait.", 0},
		{"What did the European Union decide?", "The EU decided to wait.", 0},
		{"What did the WTO rule?", "The World Trade Organisation ruled against it.", 0},
		{"What did the Bank of England decide?", "The BoE decided to wait.", 1},
		{"What did the UN decide?", "United decided to wait.", 1},
		{"What did the EU decide?", "The European Commission decided to wait.", 1},
	}
	for _, tt := range tests {
		a := svc.analyze(part{text: tt.question, want: classify(tt.question)})
		sents := svc.split.of(corpus.Chunk{ID: tt.sentence, Text: tt.sentence})
		if cov, _ := a.coverage(sents[0].has); tt.want == 0 && cov != 1 {
			t.Errorf("%q in %q: coverage %.2f, want 1", tt.question, tt.sentence, cov)
		}
		cs := svc.candidates(a, &SearchResult{Hits: []Hit{{Chunk: corpus.Chunk{ID: tt.sentence, ArticleID: "s", Text: tt.sentence}}}})
		if !slices.ContainsFunc(a.terms, func(t qterm) bool { return t.name }) {
			t.Fatalf("%q names nothing", tt.question)
		}
		if got := cs[0].f[fNameMiss]; got != tt.want {
			t.Errorf("%q in %q: names missing %.2f, want %.2f", tt.question, tt.sentence, got, tt.want)
		}
	}
}
