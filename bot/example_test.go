package bot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// bbcDir is the shared BBC collection, beside the repository as in CI.
const bbcDir = "../../shared/corpora/bbc"

// serviceOver builds an extractive service over a corpus.
func serviceOver(t testing.TB, c *corpus.Corpus) *Service {
	t.Helper()
	ix, err := retrieval.Build(context.Background(), c.Chunks(), retrieval.Options{Expand: retrieval.Expand})
	if err != nil {
		t.Fatal(err)
	}
	return New(c, testRetriever(ix), Options{})
}

// bbcStories loads the first n stories of a BBC folder as a corpus, or
// skips the test when the collection is absent.
func bbcStories(t testing.TB, folder string, n int) *corpus.Corpus {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(bbcDir, folder, "*.txt"))
	if len(files) == 0 {
		t.Skip("the BBC collection is not in ../shared/corpora/bbc")
	}
	dir := t.TempDir()
	for _, f := range files[:min(n, len(files))] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := corpus.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The example question offered in help replies is one the loaded corpus
// answers, about a name its first story uses.
func TestExampleQuestionIsAnswered(t *testing.T) {
	check := func(t *testing.T, svc *Service, prefix string) {
		t.Helper()
		q := svc.ExampleQuestion()
		if !strings.HasPrefix(q, prefix) || !strings.HasSuffix(q, "?") {
			t.Fatalf("example %q: want %q…?", q, prefix)
		}
		name := q[strings.Index(q, " about ")+len(" about ") : len(q)-1]
		if !strings.Contains(svc.Corpus().Articles[0].Text, name) {
			t.Errorf("example %q: %q is not in the first story", q, name)
		}
		a, err := svc.Ask(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Refused {
			t.Errorf("the corpus doesn't answer its own example %q", q)
		}
	}
	t.Run("built-in", func(t *testing.T) { check(t, newService(t), "What about ") })
	for _, folder := range []string{"business", "entertainment", "politics", "sport", "tech"} {
		t.Run(folder, func(t *testing.T) { check(t, serviceOver(t, bbcStories(t, folder, 3)), "What about ") })
	}
}

func TestTopNameSkipsCommonWordsAndDates(t *testing.T) {
	a, err := corpus.Parse("x.txt", "Harbour Works\n\nThe harbour reopened in March. "+
		"She said the Port Authority paid. In March, The Port Authority said more. The harbour is busy.")
	if err != nil {
		t.Fatal(err)
	}
	// "The" is written in lower case too, "She" and "In" only start
	// sentences, and March is a date.
	if got := topName(a); got != "Port Authority" {
		t.Errorf("topName = %q, want Port Authority", got)
	}
}
