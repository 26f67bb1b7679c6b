package retrieval

import (
	"context"
	"slices"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

func TestNamePhrasesAreRunsOfEverydayCapitalisedWords(t *testing.T) {
	tests := []struct {
		q    string
		want [][]string // each phrase's stems
	}{
		{"Where is the Golden Rose festival being held?", [][]string{{"golden", "rose"}}},
		{"When did the Dirty War end?", [][]string{{"dirti", "war"}}},
		{"Who flew on Air Force One?", [][]string{{"air", "forc", "one"}}},
		// A word that is a name on its own is found by itself, as stories
		// write it ("Mrs Howard", "his wife, Sandra").
		{"Which charity does Sandra Howard support?", nil},
		{"What do the Lib Dems want?", nil},
		// One capitalised word is no phrase, nor one opening the question.
		{"Golden Rose winners get what?", nil},
		{"Who won the Rose?", nil},
		// Words apart, or with a stop word between, are two names.
		{"Did Golden, Rose and Bear win?", nil},
		{"Was the Bank of England there?", nil},
		// A question in capitals throughout says nothing by them.
		{"WHERE IS THE GOLDEN ROSE FESTIVAL?", nil},
	}
	for _, tt := range tests {
		var got [][]string
		for _, p := range NamePhrases(tt.q) {
			got = append(got, p.Keys)
		}
		if !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("NamePhrases(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestNamePhraseIsInATextOnlyWrittenWhole(t *testing.T) {
	rose := NamePhrases("Where is the Golden Rose festival?")[0]
	tests := []struct {
		text string
		want bool
	}{
		{"The Golden Rose awards will be held in May.", true},
		{"It won the golden rose last year.", true},
		{"The Golden Rose's jury met.", true},
		{"A Golden-Rose winner.", true},
		{"The Golden Bear went to a film whose budget rose.", false},
		{"It took gold. Rose Byrne starred.", false},
		{"She won the Golden. Rose came second.", false},
		{"The GoldenRose channel.", true},
	}
	war := NamePhrases("When did the Dirty War end?")[0]
	if !war.In("The DirtyWar archive.") {
		t.Errorf("%q not in %q", war.Keys, "The DirtyWar archive.")
	}
	for _, tt := range tests {
		if got := rose.In(tt.text); got != tt.want {
			t.Errorf("%q in %q = %v, want %v", rose.Keys, tt.text, got, tt.want)
		}
	}
}

func TestStoryWritingANamePhraseRanksAboveOneHoldingItsWordsApart(t *testing.T) {
	var chunks []corpus.Chunk
	chunks = append(chunks, storyChunksOf("bear", "Berlin festival opens",
		"The Golden Bear is the festival's top prize, and the festival's audience rose again.",
		"The festival's golden age, critics said, and the festival rose to the occasion.")...)
	chunks = append(chunks, storyChunksOf("rose", "TV awards shortlist",
		"British shows lead the Golden Rose nominations.",
		"The festival will take place in Lucerne.")...)
	chunks = append(chunks, storyChunksOf("garden", "Garden show",
		"A rose garden at the festival.")...)
	ix, err := Build(context.Background(), chunks, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), "Where is the Golden Rose festival being held?", 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range res.Stories {
		got = append(got, s.ID)
	}
	if len(got) < 2 || got[0] != "rose" {
		t.Errorf("stories %v, want rose first", got)
	}
	for i := 1; i < len(res.Stories); i++ {
		if res.Stories[i].Score > res.Stories[i-1].Score {
			t.Errorf("stories %v out of order of score", res.Stories)
		}
	}
	// Without the phrase the words alone rank, and the story saying
	// "festival" most leads.
	plain, err := ix.Search(context.Background(), "where is the golden rose festival being held?", 3)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Stories[0].ID != "bear" {
		t.Errorf("lower-case question: stories %v, want bear first (the test's premise)", plain.Stories)
	}
}
