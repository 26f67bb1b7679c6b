package discord

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/bot/retrievalindex"
	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// An article choice's value fits Discord's 100 characters and names its
// story, even when the story's ID, a path, is longer.
func TestArticleChoiceValuesNameTheirStory(t *testing.T) {
	dir := t.TempDir()
	deep := filepath.Join(dir, strings.Repeat("archive-of-regional-news/", 5))
	long := "Harbour " + strings.Repeat("reopens after long repairs ", 5)
	for path, body := range map[string]string{
		filepath.Join(deep, "harbour.txt"): long + "\n\nThe harbour reopened on Monday.\n",
		filepath.Join(deep, "ferries.txt"): "Ferries return\n\nTwo new ferries start in June.\n",
		filepath.Join(dir, "airport.txt"):  "Airport adds gates\n\nThree new gates open in July.\n",
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := corpus.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Build(context.Background(), c.Chunks(), retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := bot.New(c, retrievalindex.New(ix), bot.Options{})
	choices := svc.ArticleChoices("", maxChoices)
	if len(choices) != 3 {
		t.Fatalf("choices: %+v", choices)
	}
	longIDs := 0
	for _, ch := range choices {
		if textLen(ch.ID) > maxChoiceLen {
			longIDs++
		}
		v := articleValue(ch)
		if n := textLen(v); n == 0 || n > maxChoiceLen {
			t.Errorf("%s: value %q is %d characters", ch.ID, v, n)
		}
		if id, err := svc.ResolveArticle(v); err != nil || id != ch.ID {
			t.Errorf("%s: value %q resolves to %q, %v", ch.ID, v, id, err)
		}
	}
	if longIDs != 2 {
		t.Errorf("%d IDs over %d characters, want 2: the test lost its point", longIDs, maxChoiceLen)
	}
}
