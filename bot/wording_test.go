package bot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/internal/openaiclient"
	"github.com/articlebot/articlebot/internal/openaitest"
	"github.com/articlebot/articlebot/retrieval"
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

// ferriesAirportLibrary is a collection of three short stories, one of
// them naming Calder Yards.
func ferriesAirportLibrary(t *testing.T) *corpus.Corpus {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{
		"ferries.md": "---\ntitle: Ferries for Kessford\n---\nTwo new ferries built by Calder Yards will start service in June, harbourmaster Jane Ellery said.\n\nThe ferries will carry 300 passengers each, with European Union money paying for half.\n",
		"airport.md": "---\ntitle: Airport News\n---\nThree new gates will open at the airport in July.\n",
		"library.md": "---\ntitle: Library reopens\n---\nThe town library reopened on Monday after repairs to its roof.\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := corpus.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A language model's English refusal over a collection names the closest
// story as an offline one does.
func TestLLMRefusalNamesTheClosestStory(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Chunks: []string{refusalMarker, " The passages don't say what the ferries cost."}}
	})
	client := openaiclient.New(openaiclient.Config{BaseURL: srv.URL, Timeout: 10 * time.Second, HTTPClient: srv.Client()})
	c := ferriesAirportLibrary(t)
	ix, err := retrieval.Build(context.Background(), c.Chunks(), retrieval.Options{Expand: retrieval.Expand})
	if err != nil {
		t.Fatal(err)
	}
	svc := New(c, testRetriever(ix), Options{Drafter: testDrafter(client, "chat-test"), Model: "chat-test"})
	a, err := svc.Ask(context.Background(), "How much did Calder Yards charge for the ferries?")
	if err != nil {
		t.Fatal(err)
	}
	want := "The passages don't say what the ferries cost. The closest story, “Ferries for Kessford”, doesn't answer it either."
	if !a.Refused || a.Drafter != DrafterLLM || a.Text != want {
		t.Errorf("refusal = %q (refused %v, by %s), want %q", a.Text, a.Refused, a.Drafter, want)
	}
	// A refusal in the question's other language gets no English added.
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Chunks: []string{refusalMarker, " Los pasajes no dicen cuánto costaron."}}
	})
	a, err = svc.Ask(context.Background(), "¿Cuánto cobró Calder Yards por los nuevos transbordadores?")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || a.Text != "Los pasajes no dicen cuánto costaron." {
		t.Errorf("refusal in Spanish = %q (refused %v)", a.Text, a.Refused)
	}
}

// A refusal over a collection names the story the question is plainly
// about, the one holding every name it gives, so the asker knows it was
// read; a question naming nothing, or what no story holds, names none.
func TestRefusalNamesTheClosestStory(t *testing.T) {
	svc := serviceOver(t, ferriesAirportLibrary(t))
	for _, tc := range []struct {
		q, closest string
	}{
		{"How much did Calder Yards charge for the ferries?", "“Ferries for Kessford”"},
		// A name the story spells out is a name it holds, as it is for
		// answering: "EU" is there where it writes "European Union".
		{"How much did the EU pay Calder Yards for the ferries?", "“Ferries for Kessford”"},
		{"Why is the sky blue?", ""},
		{"Who won the 2022 World Cup?", ""},
	} {
		a, err := svc.Ask(context.Background(), tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Refused {
			t.Errorf("%q answered: %q", tc.q, a.Text)
			continue
		}
		named := strings.Contains(a.Text, "The closest story")
		if tc.closest == "" && named || tc.closest != "" && !strings.HasSuffix(a.Text, " The closest story, "+tc.closest+", doesn't answer it either.") {
			t.Errorf("%q refused as %q, want closest story %q", tc.q, a.Text, tc.closest)
		}
	}
	// Asked of one story, the refusal names that story already.
	a, err := svc.Answer(context.Background(), Request{Question: "How much did Calder Yards charge for the ferries?", Article: "ferries"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || strings.Contains(a.Text, "closest") {
		t.Errorf("scoped refusal: %q", a.Text)
	}
}

func TestWithClosestEndsTheRefusalFirst(t *testing.T) {
	for refusal, want := range map[string]string{
		"The passages don't say":   "The passages don't say. The closest story, “T”, doesn't answer it either.",
		"The passages don't say. ": "The passages don't say. The closest story, “T”, doesn't answer it either.",
		"Not there?":               "Not there? The closest story, “T”, doesn't answer it either.",
		"It said “no figure.”":     "It said “no figure.” The closest story, “T”, doesn't answer it either.",
	} {
		if got := withClosest(refusal, "T"); got != want {
			t.Errorf("withClosest(%q) = %q, want %q", refusal, got, want)
		}
	}
	if got := withClosest("No.", ""); got != "No." {
		t.Errorf("withClosest without a story = %q", got)
	}
}
