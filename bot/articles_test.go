package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// collectionService serves three stories in two folders, two of them
// about rail.
func collectionService(t *testing.T) *Service {
	t.Helper()
	return filesService(t, map[string]string{
		"transport/rail.txt":  "New rail line opens in May\n\nThe new rail line between the two towns opens in May, the operator said.\n\nTickets cost four pounds.\n",
		"transport/tram.txt":  "Tram fares rise\n\nTram fares rise by ten percent in June, the council said.\n\nThe new rail line is not affected.\n",
		"sport/cup-final.txt": "Town win the cup final\n\nThe town's football club won the cup final 2-1 on Saturday.\n",
	})
}

func TestAnswerScopedToAnArticle(t *testing.T) {
	s := collectionService(t)
	ctx := context.Background()
	for _, ref := range []string{"transport/tram", "Tram fares rise", "tram fares"} {
		a, err := s.Answer(ctx, Request{Question: "What about the new rail line?", Article: ref}, nil)
		if err != nil {
			t.Fatalf("%q: %v", ref, err)
		}
		for _, src := range a.Sources {
			if src.ArticleID != "transport/tram" {
				t.Errorf("%q: a source from %s, want only the tram story", ref, src.ArticleID)
			}
		}
	}
	_, err := s.Answer(ctx, Request{Question: "When does it open?", Article: "Rail opens"}, nil)
	if !errors.Is(err, ErrUnknownArticle) || !IsInputError(err) || !strings.Contains(err.Error(), "New rail line opens in May") {
		t.Errorf("unknown article: err = %v; want an input error suggesting the close title", err)
	}
}

func TestSummaryOfACollectionSaysWhatItHolds(t *testing.T) {
	s := collectionService(t)
	ctx := context.Background()
	sum, err := s.Summarize(ctx, Medium, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sum.Text, "3 stories") || !strings.Contains(sum.Text, "transport (2)") || !strings.Contains(sum.Text, "sport (1)") {
		t.Errorf("overview: %s", sum.Text)
	}
	if strings.Contains(sum.Text, "Tickets cost") {
		t.Errorf("the overview stitches story sentences: %s", sum.Text)
	}
	a, err := s.Ask(ctx, "What is this article about?")
	if err != nil || !strings.Contains(a.Text, "3 stories") {
		t.Errorf("'what is this about' over a collection: %v %q", err, a.Text)
	}
	one, err := s.SummarizeArticle(ctx, Short, "", "Town win the cup final")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(one.Text, "cup final") || strings.Contains(one.Text, "rail") {
		t.Errorf("one story's summary: %s", one.Text)
	}
	for _, src := range one.Sources {
		if src.ArticleID != "sport/cup-final" {
			t.Errorf("source from %s", src.ArticleID)
		}
	}
}

// One folder is "1 folder", one duplicate "1 duplicate".
func TestSummaryOfOneFolderCountsItInTheSingular(t *testing.T) {
	s := filesService(t, map[string]string{
		"news/a.txt": "Library wins award\n\nThe town library won a design award.\n",
		"news/b.txt": "Bridge reopens\n\nThe harbour bridge reopened on Monday.\n",
		"news/c.txt": "Bridge reopens again\n\nThe harbour bridge reopened on Monday.\n",
	})
	sum, err := s.Summarize(context.Background(), Medium, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sum.Text, "2 stories (and 1 duplicate, loaded once) in 1 folder: news (2).") {
		t.Errorf("overview: %s", sum.Text)
	}
}

func TestArticleChoices(t *testing.T) {
	s := collectionService(t)
	got := s.ArticleChoices("tr", 25)
	if len(got) == 0 || got[0].Title != "Tram fares rise" {
		t.Errorf("prefix tr: %v", got)
	}
	if got := s.ArticleChoices("", 2); len(got) != 2 {
		t.Errorf("empty query, at most 2: %v", got)
	}
	if got := s.ArticleChoices("rail line", 25); len(got) != 1 || got[0].ID != "transport/rail" {
		t.Errorf("words: %v", got)
	}
	if got := s.ArticleChoices("transport/t", 25); len(got) == 0 || got[0].ID != "transport/tram" {
		t.Errorf("ID prefix: %v", got)
	}
	// An ID the collection lacks is answered with its folder's stories.
	_, err := s.ResolveArticle("transport/bus")
	if !errors.Is(err, ErrUnknownArticle) || !strings.Contains(err.Error(), "transport/rail") || !strings.Contains(err.Error(), "transport/tram") || strings.Contains(err.Error(), "sport/cup") {
		t.Errorf("unknown ID: err = %v; want the folder's stories suggested", err)
	}
	// Nothing like it in a small collection: all of it is named.
	_, err = s.ResolveArticle("zeppelin")
	if !errors.Is(err, ErrUnknownArticle) || !strings.Contains(err.Error(), "the articles are") || !strings.Contains(err.Error(), "sport/cup-final") {
		t.Errorf("unknown article in a small collection: err = %v", err)
	}
}
