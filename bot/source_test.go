package bot

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// Every source carries its story's ID, title, url and date, for --json
// and for the front ends to link and date it.
func TestSourcesCarryTheirStory(t *testing.T) {
	c, err := corpus.LoadFS(fstest.MapFS{
		"local/harbour.md": {Data: []byte("---\ntitle: Harbour News\nurl: https://example.org/harbour\ndate: 2026-05-01\n---\n" +
			"Two new ferries will start service in June.\n")},
		"local/airport.txt": {Data: []byte("Airport adds gates\n\nThree new gates will open at the airport in July.\n")},
	}, ".")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Build(context.Background(), c.Chunks(), retrieval.Options{Expand: retrieval.Expand})
	if err != nil {
		t.Fatal(err)
	}
	s := New(c, testRetriever(ix), Options{})
	a, err := s.Ask(context.Background(), "How many new ferries will start service?")
	if err != nil || len(a.Sources) == 0 {
		t.Fatalf("answer %+v, err %v", a, err)
	}
	got := a.Sources[0]
	if got.Article != "Harbour News" || got.ArticleID != "local/harbour" || got.URL != "https://example.org/harbour" || got.Published != "2026-05-01" {
		t.Errorf("source = %+v", got)
	}
	res, err := s.Search(context.Background(), "gates at the airport", 1)
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("search: %v", err)
	}
	if h := SourceOf(1, res.Hits[0].Chunk); h.ArticleID != "local/airport" || h.Article != "Airport adds gates" || h.URL != "" {
		t.Errorf("SourceOf = %+v", h)
	}
}
