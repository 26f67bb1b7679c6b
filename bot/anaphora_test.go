package bot

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

func TestProFormsStandForATimeOrAPlace(t *testing.T) {
	tests := []struct {
		want     answerType
		sentence string
		forms    []string
	}{
		{when, "By then phones will be printed on to wrists.", []string{"By then"}},
		{when, "Later that year the band split, and since then it has not toured.", []string{"that year", "since then"}},
		{when, "She resigned the same day.", []string{"the same day"}},
		{when, "At the time, no one noticed.", []string{"At the time"}},
		// A bare "then" orders events; "at the time of" names its own.
		{when, "He then joined the board.", nil},
		{when, "At the time of writing, no one had noticed.", nil},
		{when, "The following year he left.", nil},
		// A hyphen makes a compound of the word the regexp ends at.
		{when, "He said that day-to-day running was fine.", nil},
		{when, "The fund has grown since then-President Clinton set it up.", nil},
		{place, "He settled there and opened a shop.", []string{"there"}},
		{place, "From there, the convoy drove north.", []string{"there"}},
		{place, "Sales there fell by a tenth.", []string{"there"}},
		// The existential "there" opens a clause and names no place.
		{place, "There is some truth in that.", nil},
		{place, "There will be more to come.", nil},
		{place, "He said there also were fears.", nil},
		{place, "There certainly has been progress.", nil},
		{place, "There wasn't a seat left.", nil},
		{place, "There's no doubt.", nil},
		// So is the "there" of an existential question.
		{place, "Is there a future for the yard?", nil},
		{place, "Why was there no warning?", nil},
		{place, `He asked: "Will there be jobs?"`, nil},
		{place, "The money is there, he said.", []string{"there"}},
		{place, "He has been there twice.", []string{"there"}},
		// Pronouns of people and things are too loose to count.
		{person, "He said so in London.", nil},
		{organisation, "The firm said so.", nil},
		{when, "There is a plan for that.", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, sp := range proForms(tt.want, tt.sentence) {
			got = append(got, tt.sentence[sp[0]:sp[1]])
		}
		if !slices.Equal(got, tt.forms) {
			t.Errorf("proForms(%s, %q) = %q, want %q", tt.want, tt.sentence, got, tt.forms)
		}
	}
}

// TestAProFormReadsItsPreviousSentence: a sentence that says "by then"
// of the date its previous sentence states holds the date, where the
// pro-form is, and is shown after that sentence; one that doesn't refer
// back only has the date beside it.
func TestAProFormReadsItsPreviousSentence(t *testing.T) {
	svc := newService(t)
	tests := []struct {
		question, first, second string
		typed                   bool
	}{
		{"By what year will phones be printed on to wrists?",
			"In 2031, carrying a phone in a pocket will seem quaint.",
			"By then phones will be printed on to wrists, says a futurologist.", true},
		{"By what year will phones be printed on to wrists?",
			"In 2031, carrying a phone in a pocket will seem quaint.",
			"Phones will be printed on to wrists, says a futurologist.", false},
		{"Where did the miners settle?",
			"The miners moved to Ballarat in the spring.",
			"They settled there and opened a school.", true},
		{"Where did the miners settle?",
			"The miners moved to Ballarat in the spring.",
			"There is a school the miners settle in.", false},
	}
	for _, tt := range tests {
		a := svc.analyze(part{text: tt.question, want: classify(tt.question)})
		text := tt.first + " " + tt.second
		cs := svc.candidates(a, &SearchResult{Hits: []Hit{{Chunk: corpus.Chunk{ID: text, ArticleID: "s", Text: text}}}})
		if len(cs) != 2 {
			t.Fatalf("%q: %d candidates, want 2", text, len(cs))
		}
		c := cs[1]
		if got := c.f[fTypeSent] == 1; got != tt.typed {
			t.Errorf("%q for %q: type_in_sentence %v, want %v", tt.second, tt.question, got, tt.typed)
		}
		if !tt.typed {
			continue
		}
		if c.f[fTypeNear] != 0 || c.f[fSlotFocus] == 0 {
			t.Errorf("%q: type_in_neighbour %v, type_near_focus_words %v; want 0 and the pro-form beside the question's words", tt.second, c.f[fTypeNear], c.f[fSlotFocus])
		}
		if got := c.shown(); got != text {
			t.Errorf("shown %q, want %q", got, text)
		}
	}
}

// TestAnAnswerByThenShowsTheDate: the answer to "by what year" from a
// sentence saying "by then" shows the sentence before it, which holds the
// year, first, under one citation, not the sentence after it, whose year
// is another.
func TestAnAnswerByThenShowsTheDate(t *testing.T) {
	art, err := corpus.Parse("wearables.txt", "Phones on the skin\n\n"+
		"In 2031, carrying a phone in a pocket will seem quaint. By then phones will be printed directly on to wrists, says Dana Holt, a futurologist at Acme Labs. Ms Holt joined the labs in 2019.\n\n"+
		"Ms Holt said clothing would carry music players and screens. Researchers have already sewn sensors into jackets.\n")
	if err != nil {
		t.Fatal(err)
	}
	svc := serviceOver(t, &corpus.Corpus{Articles: []*corpus.Article{art}})
	a, err := svc.Ask(context.Background(), "By what year will phones be printed on to wrists, according to the futurologist?")
	if err != nil {
		t.Fatal(err)
	}
	date, then := strings.Index(a.Text, "In 2031"), strings.Index(a.Text, "By then")
	if a.Refused || date < 0 || then < date || strings.Contains(a.Text, "2019") {
		t.Fatalf("answer %q: want the 2031 sentence, then the one saying by then, and not 2019", a.Text)
	}
	if len(a.Sources) != 1 || strings.Count(a.Text, "[1]") != 1 {
		t.Errorf("answer %q with %d sources: want one citation", a.Text, len(a.Sources))
	}
	checkCitations(t, a.Text, a.Sources)
}
