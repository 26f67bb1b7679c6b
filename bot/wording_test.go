package bot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

// harbourAndAirport is a service over a collection of two short stories,
// "Harbour News" and "Airport News".
func harbourAndAirport(t *testing.T) *Service {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "harbour.md"), []byte("---\ntitle: Harbour News\n---\nTwo new ferries will start service in June.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "airport.md"), []byte("---\ntitle: Airport News\n---\nThree new gates will open at the airport in July.\n"), 0o644)
	c, err := corpus.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	svc := serviceOver(t, c)
	return svc
}

// A collection of stories is "these articles", not "the article".
func TestRefusalWordingForSeveralStories(t *testing.T) {
	svc := harbourAndAirport(t)
	a, err := svc.Ask(context.Background(), "Who won the 2022 World Cup?")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || !strings.HasPrefix(a.Text, "These articles don't say.") || strings.Contains(a.Text, "the article") {
		t.Errorf("refusal over two stories: %q", a.Text)
	}
	a, err = svc.Ask(context.Background(), "When will the new ferries start service, and who won the 2022 World Cup?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Text, "June") || !strings.HasSuffix(a.Text, "These articles don't answer the rest of the question.") {
		t.Errorf("half-answered over two stories: %q", a.Text)
	}
	a, err = newService(t).Ask(context.Background(), "Who won the 2022 World Cup?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Text, "The article doesn't say.") {
		t.Errorf("refusal over one story: %q", a.Text)
	}
}

// A question asked of one story of a collection (Request.Article) is
// refused, wholly or in part, by naming that story, not "these articles".
func TestRefusalWordingForOneStoryOfSeveral(t *testing.T) {
	svc := harbourAndAirport(t)
	ask := func(q string) *Answer {
		t.Helper()
		a, err := svc.Answer(context.Background(), Request{Question: q, Article: "Harbour News"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if a := ask("Who won the 2022 World Cup?"); !a.Refused || !strings.HasPrefix(a.Text, "The article doesn't say.") || !strings.Contains(a.Text, "“Harbour News”") {
		t.Errorf("refusal within one story: %q", a.Text)
	}
	if a := ask("When will the new ferries start service, and who won the 2022 World Cup?"); !strings.Contains(a.Text, "June") ||
		!strings.HasSuffix(a.Text, "The article doesn't answer the rest of the question.") {
		t.Errorf("half-answered within one story: %q", a.Text)
	}
}
