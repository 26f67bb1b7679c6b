package bot

import (
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

// TestANamePhraseIsThereOnlyWrittenWhole: a story holding "Golden Bear"
// and the verb "rose" holds the words of "Golden Rose" but not the name,
// so it lacks the question's names and answers nothing; a name made of a
// word that names on its own ("Sandra Howard") is found word by word, as
// stories write it ("Mrs Howard … his wife, Sandra").
func TestANamePhraseIsThereOnlyWrittenWhole(t *testing.T) {
	tests := []struct {
		question, story string
		want            float64 // names missing from the story
	}{
		{"Where is the Golden Rose festival being held?", "The Golden Bear festival opened. Ticket sales rose.", 1},
		{"Where is the Golden Rose festival being held?", "The Golden Rose festival will be held in Lucerne.", 0},
		{"Where is the Golden Rose festival being held?", "The festival of the golden rose will be held in Lucerne.", 0},
		{"Where is the Golden Rose festival being held?", "The Golden Rose's festival will be held in Lucerne.", 0},
		{"Which charity does Sandra Howard support?", "Mrs Howard backs a charity. His wife, Sandra, spoke.", 0},
	}
	for _, tt := range tests {
		art, err := corpus.Parse("s.txt", "A story\n\n"+tt.story+"\n")
		if err != nil {
			t.Fatal(err)
		}
		c := &corpus.Corpus{Articles: []*corpus.Article{art}}
		svc := serviceOver(t, c)
		a := svc.analyze(part{text: tt.question, want: classify(tt.question)})
		var hits []Hit
		for _, ch := range c.Chunks() {
			hits = append(hits, Hit{Chunk: ch})
		}
		cs := svc.candidates(a, &SearchResult{Hits: hits})
		if len(cs) == 0 {
			t.Fatalf("%q: no candidates", tt.story)
		}
		if got := cs[0].f[fNameMiss]; got != tt.want {
			t.Errorf("%q in %q: names missing %.2f, want %.2f", tt.question, tt.story, got, tt.want)
		}
	}
}
