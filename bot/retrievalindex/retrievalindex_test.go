package retrievalindex

import (
	"context"
	"testing"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

func TestFindPassesStoriesThrough(t *testing.T) {
	chunk := func(story, title string, seq int, text string) corpus.Chunk {
		return corpus.Chunk{ID: story + "-" + string(rune('a'+seq)), ArticleID: story, ArticleTitle: title,
			Section: corpus.IntroSection, Seq: seq, Text: text}
	}
	chunks := []corpus.Chunk{
		chunk("harbour", "Harbour to be dredged", 0, "The harbour will be dredged next spring."),
		chunk("harbour", "Harbour to be dredged", 1, "Dredging the harbour will cost the council twelve million pounds."),
		chunk("fair", "Harbour fair returns", 0, "The fair by the harbour opens on Friday."),
	}
	ix, err := retrieval.Build(context.Background(), chunks, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := New(ix).Find(context.Background(), bot.Query{Text: "What will dredging the harbour cost?", K: 3, Stories: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stories) != 2 || res.Stories[0].ID != "harbour" || res.Stories[0].Title != "Harbour to be dredged" || res.Stories[0].Score <= res.Stories[1].Score {
		t.Errorf("stories %+v", res.Stories)
	}
	if res.StoryMargin <= 0 || res.StoryMargin >= 1 {
		t.Errorf("story margin %g", res.StoryMargin)
	}
	for _, h := range res.Hits {
		if h.Chunk.ArticleID != "harbour" {
			t.Errorf("a hit from %s with Stories 1", h.Chunk.ArticleID)
		}
	}
}
