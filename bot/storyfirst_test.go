package bot

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// storiesService serves short stories, most of them about tickets.
func storiesService(t *testing.T) *Service {
	t.Helper()
	return filesService(t, map[string]string{
		"transport/rail.txt":  "New rail line opens in May\n\nThe new rail line between the two towns opens in May, the operator said.\n\nTickets on the line cost four pounds.\n",
		"arts/concert.txt":    "Concert tickets on sale\n\nTickets for the summer concert cost twenty pounds, the promoter said.\n\nThe concert is in the park.\n",
		"sport/cup-final.txt": "Town win the cup final\n\nThe town's football club won the cup final 2-1 on Saturday.\n",
		"nature/zoo.txt":      "Zoo welcomes a panda\n\nA giant panda arrived at the city zoo from China on Tuesday.\n",
		"arts/theatre.txt":    "Theatre tickets cost more\n\nTickets for the theatre cost more this year: tickets cost up to thirty pounds.\n",
		"sport/match.txt":     "Match tickets sold out\n\nTickets for the match cost fifteen pounds and sold out in an hour; more tickets cost extra.\n",
		"arts/festival.txt":   "Festival tickets cost less\n\nFestival tickets cost less than last year, at twelve pounds.\n",
	})
}

// filesService serves a collection of the given files (path: text),
// extractively, with four passages an answer.
func filesService(t *testing.T, files map[string]string) *Service {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := corpus.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Build(context.Background(), c.Chunks(), retrieval.Options{Expand: retrieval.Expand})
	if err != nil {
		t.Fatal(err)
	}
	return New(c, testRetriever(ix), Options{TopK: 4})
}

func citedArticles(a *Answer) []string {
	var out []string
	for _, src := range citedSources(a) {
		if !slices.Contains(out, src.ArticleID) {
			out = append(out, src.ArticleID)
		}
	}
	slices.Sort(out)
	return out
}

// TestPartsLookInTheWholeQuestionsStory: the second part of a question
// ("how much do tickets cost?") says nothing of the rail line, and other
// stories speak more of tickets; the whole question is about the rail
// line, so the part is answered from that story.
func TestPartsLookInTheWholeQuestionsStory(t *testing.T) {
	s := storiesService(t)
	a, err := s.Answer(context.Background(), Request{Question: "When does the new rail line open, and how much do tickets cost?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || !strings.Contains(a.Text, "May") || !strings.Contains(a.Text, "four pounds") {
		t.Errorf("answer %q, want May and four pounds", a.Text)
	}
	if got := citedArticles(a); !slices.Equal(got, []string{"transport/rail"}) {
		t.Errorf("cites %v, want the rail story alone", got)
	}
}

// TestTwoPartQuestionOverTwoStories: a question whose parts are about two
// stories gets each part from its own story, and says which says what.
func TestTwoPartQuestionOverTwoStories(t *testing.T) {
	s := storiesService(t)
	a, err := s.Answer(context.Background(), Request{Question: "When does the new rail line open, and where did the giant panda come from?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || !strings.Contains(a.Text, "May") || !strings.Contains(a.Text, "China") {
		t.Errorf("answer %q, want May and China", a.Text)
	}
	if got := citedArticles(a); !slices.Equal(got, []string{"nature/zoo", "transport/rail"}) {
		t.Errorf("cites %v, want the rail and zoo stories", got)
	}
	if !strings.Contains(a.Text, "“New rail line opens in May” says") || !strings.Contains(a.Text, "“Zoo welcomes a panda” says") {
		t.Errorf("answer %q doesn't say which story says what", a.Text)
	}
}

// TestOneSentenceAnswersBothParts: when the sentence that answers the
// first part answers the second too, the answer doesn't say the rest of
// the question goes unanswered.
func TestOneSentenceAnswersBothParts(t *testing.T) {
	s := filesService(t, map[string]string{
		"business/airline.txt": "Airline grows\n\nThe airline has 42 aircraft and runs 271 scheduled flights daily within India.\n\nIts shares rose on Monday.\n",
		"sport/match.txt":      "Match tickets sold out\n\nTickets for the match cost fifteen pounds and sold out in an hour.\n",
	})
	a, err := s.Answer(context.Background(), Request{Question: "How many aircraft does the airline have, and how many scheduled flights does it run daily?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || !strings.Contains(a.Text, "42 aircraft") || !strings.Contains(a.Text, "271") {
		t.Fatalf("answer %q, want 42 aircraft and 271 flights", a.Text)
	}
	if strings.Contains(a.Text, "rest of the question") {
		t.Errorf("answer %q says part of the question goes unanswered", a.Text)
	}
}
