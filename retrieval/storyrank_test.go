package retrieval

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

// storyChunksOf makes the chunks of one story from its paragraphs.
func storyChunksOf(id, title string, paras ...string) []corpus.Chunk {
	out := make([]corpus.Chunk, len(paras))
	for i, p := range paras {
		out[i] = corpus.Chunk{ID: id + "-" + itoa(i), ArticleID: id, ArticleTitle: title, Section: corpus.IntroSection, Seq: i, Text: p}
	}
	return out
}

// threeStories: the harbour story speaks of the harbour, its dredging and
// its cost across three paragraphs; the festival story has one passage
// that happens to hold two of those words; the budget story holds none.
func threeStories() []corpus.Chunk {
	var chunks []corpus.Chunk
	chunks = append(chunks, storyChunksOf("harbour", "Port to deepen its harbour",
		"The harbour authority approved the plan on Monday after a long debate.",
		"Dredging will start in spring and take two years, the authority said.",
		"The council put the cost at twelve million pounds, paid over a decade.",
		"Fishermen welcomed the harbour plan but asked for compensation.")...)
	chunks = append(chunks, storyChunksOf("festival", "Summer festival returns",
		"The festival's fireworks over the harbour will cost the council less this year.",
		"Bands from six countries will play on the main stage.",
		"Tickets go on sale next week.")...)
	chunks = append(chunks, storyChunksOf("budget", "Council budget agreed",
		"Councillors agreed the budget after a vote on Tuesday.",
		"Spending on schools rises while roads get less.")...)
	return chunks
}

func storiesOf(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		if !slices.Contains(out, h.Chunk.ArticleID) {
			out = append(out, h.Chunk.ArticleID)
		}
	}
	return out
}

func TestStoryIndexCountsTheTitleOnce(t *testing.T) {
	ix, err := Build(context.Background(), threeStories(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	id := ix.lex.ids[Stem("harbour")]
	var got storyPosting
	for _, p := range ix.stix.postings[id] {
		if ix.stories[p.story].ID == "harbour" {
			got = p
		}
	}
	// The title once, the body twice, though every chunk's text starts
	// with the title.
	if got.title != 1 || got.body != 2 {
		t.Errorf("harbour story: title tf %d, body tf %d; want 1 and 2", got.title, got.body)
	}
	deepen := ix.lex.ids[Stem("deepen")]
	if ps := ix.stix.postings[deepen]; len(ps) != 1 || ps[0].body != 0 || ps[0].title != 1 {
		t.Errorf("a word only of the title: %+v", ps)
	}
}

// TestFindRanksStoriesFirst: a question whose words one story spreads over
// its paragraphs finds that story first, though another story's single
// passage holds more of them than any one of its paragraphs does.
func TestFindRanksStoriesFirst(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, threeStories(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Find(ctx, Query{Text: "What will dredging the harbour cost the council?", K: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stories) == 0 || res.Stories[0].ID != "harbour" {
		t.Fatalf("stories %+v, want the harbour story first", res.Stories)
	}
	if got := res.Hits[0].Chunk.ArticleID; got != "harbour" {
		t.Errorf("first hit from %s, want the harbour story", got)
	}
	if res.StoryMargin <= 0 || res.StoryMargin > 1 {
		t.Errorf("story margin %g, want in (0, 1]", res.StoryMargin)
	}
	if res.Stories[0].Title != "Port to deepen its harbour" || res.Stories[0].Score <= res.Stories[1].Score {
		t.Errorf("stories %+v", res.Stories)
	}
}

func TestFindTakesPassagesFromOneStoryOrSeveral(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, threeStories(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	q := "What did the council say about the harbour cost?"
	one, err := ix.Find(ctx, Query{Text: q, K: 6, Stories: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := storiesOf(one.Hits); !slices.Equal(got, []string{"harbour"}) || len(one.Hits) != 4 {
		t.Errorf("best story only: %d hits from %v, want the harbour story's 4", len(one.Hits), got)
	}
	if !slices.Equal(one.Scope, []string{"harbour"}) {
		t.Errorf("scope %v", one.Scope)
	}
	two, err := ix.Find(ctx, Query{Text: q, K: 6, Stories: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := storiesOf(two.Hits); !slices.Equal(got, []string{"harbour", "festival"}) {
		t.Errorf("two stories: hits from %v, want harbour's then festival's", got)
	}
	if _, err := ix.Find(ctx, Query{Text: q, K: 6, Stories: -1}); err == nil {
		t.Error("a negative story count was accepted")
	}
}

// TestFindKeepsSeveralStoriesWhenNoneLeads: when two stories hold the
// question's words about equally, the hits come from both, for the
// answering model to choose or to say which says what; the story that
// leads comes first, and a question only one story speaks of gets that
// story's passages alone.
func TestFindKeepsSeveralStoriesWhenNoneLeads(t *testing.T) {
	ctx := context.Background()
	var chunks []corpus.Chunk
	chunks = append(chunks, storyChunksOf("rail", "Rail strike called",
		"Train drivers will strike on Friday over pay.", "The union said talks had failed.")...)
	chunks = append(chunks, storyChunksOf("post", "Postal strike called",
		"Postal workers will strike on Friday over pay.", "The union said talks had failed.")...)
	chunks = append(chunks, storyChunksOf("zoo", "Zoo welcomes a panda", "A panda arrived at the zoo.")...)
	ix, err := Build(ctx, chunks, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tie, err := ix.Find(ctx, Query{Text: "Why is there a strike on Friday?", K: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := storiesOf(tie.Hits); len(got) < 2 {
		t.Errorf("hits from %v, want both strike stories", got)
	}
	lead, err := ix.Find(ctx, Query{Text: "Why will train drivers strike?", K: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := storiesOf(lead.Hits); len(got) == 0 || got[0] != "rail" {
		t.Errorf("a lead: hits from %v, want the rail story first", got)
	}
	if lead.StoryMargin <= tie.StoryMargin {
		t.Errorf("margins: lead %g, tie %g", lead.StoryMargin, tie.StoryMargin)
	}
	alone, err := ix.Find(ctx, Query{Text: "When did the panda arrive?", K: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := storiesOf(alone.Hits); !slices.Equal(got, []string{"zoo"}) || alone.StoryMargin != 1 {
		t.Errorf("one story holds the words: hits from %v, margin %g; want the zoo story alone", got, alone.StoryMargin)
	}
}

// TestWholeCollectionPolicy: a policy that never narrows ranks every
// story's chunks, as fusion alone would.
func TestWholeCollectionPolicy(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, threeStories(), Options{StoryPolicy: StoryPolicy{Margin: math.Inf(1)}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Find(ctx, Query{Text: "harbour council", K: ix.Len()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != ix.Len() || len(res.Scope) != 0 {
		t.Errorf("%d hits of %d, scope %v", len(res.Hits), ix.Len(), res.Scope)
	}
}

// TestAboutRanksStoriesByTheWholeQuestion: a part of a question that
// names nothing of its story looks first in the story the whole question
// is about.
func TestAboutRanksStoriesByTheWholeQuestion(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, threeStories(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	part := "What will the fireworks cost?"
	alone, err := ix.Find(ctx, Query{Text: part, K: 2})
	if err != nil {
		t.Fatal(err)
	}
	if alone.Stories[0].ID != "festival" {
		t.Fatalf("the part alone: stories %+v", alone.Stories)
	}
	res, err := ix.Find(ctx, Query{Text: part, About: "When will dredging start, and what will the dredging cost?", K: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stories[0].ID != "harbour" || res.Hits[0].Chunk.ArticleID != "harbour" {
		t.Errorf("with the whole question: stories %+v, first hit from %s; want the harbour story", res.Stories, res.Hits[0].Chunk.ArticleID)
	}
}

// TestOpenCompoundFindsTheClosedOne: "golden eye" is also the word
// "GoldenEye" where the corpus writes it so, and only there.
func TestOpenCompoundFindsTheClosedOne(t *testing.T) {
	ctx := context.Background()
	game := storyChunksOf("game", "Bond game reviewed", "GoldenEye lets the player see through walls.")
	with, err := Build(ctx, append(threeStories(), game...), Options{})
	if err != nil {
		t.Fatal(err)
	}
	without, err := Build(ctx, threeStories(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	toks := Tokenize("What can you do with the golden eye?")
	if w := with.queryTerms(toks)[Stem("goldeneye")]; w != 1 {
		t.Errorf("the closed compound's weight %g, want 1", w)
	}
	if _, ok := without.queryTerms(toks)[Stem("goldeneye")]; ok {
		t.Error("a compound the corpus never writes was added")
	}
	res, err := with.Find(ctx, Query{Text: "What can you do with the golden eye?", K: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stories[0].ID != "game" {
		t.Errorf("stories %+v, want the game story first", res.Stories)
	}
}

// airlineStories: the airline story's three passages hold its title's
// words, rare in the collection; "passengers" and "stranded" are in one of
// them and in every passage of three other stories.
func airlineStories() []corpus.Chunk {
	chunks := storyChunksOf("airline", "Airline cancels flights",
		"The airline cancelled flights on Monday, the airline said, as flights were grounded.",
		"About 9,000 passengers were stranded at the airport overnight.",
		"The airline expects to run a full timetable by Friday.")
	for i, title := range []string{"Rail strike strands passengers", "Ferry passengers stranded by fog", "Bus passengers stranded in snow"} {
		chunks = append(chunks, storyChunksOf("other"+itoa(i), title,
			"Passengers were stranded for hours and passengers complained.",
			"Stranded passengers were given blankets.")...)
	}
	return chunks
}

// TestPassageRankedByWordsRareInItsStory: every passage of the airline
// story holds its title's words ("airline", "cancels", "flights"), rare in
// the collection; the passage that answers holds the question's other
// words ("passengers", "stranded"), common in the collection but in one
// passage of the story. Once the story is chosen, those words decide
// which of its passages answers (StoryPolicy.Local), not the lead that
// restates the question.
func TestPassageRankedByWordsRareInItsStory(t *testing.T) {
	chunks := airlineStories()
	question := "How many passengers were stranded when the airline cancelled flights?"
	answerRank := func(p StoryPolicy) int {
		t.Helper()
		ix, err := Build(context.Background(), chunks, Options{StoryPolicy: p})
		if err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(context.Background(), question, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.Chunk.ID == "airline-1" {
				return h.LexicalRank
			}
		}
		t.Fatalf("the answering passage is not among the hits %v", storiesOf(res.Hits))
		return 0
	}
	local := DefaultStoryPolicy
	local.Local = 1
	if r := answerRank(local); r != 1 {
		t.Errorf("the answering passage is lexical rank %d, want 1", r)
	}
	global := DefaultStoryPolicy
	global.Local = 0
	if r := answerRank(global); r == 1 {
		t.Errorf("without StoryPolicy.Local the answering passage is first too; the test shows nothing")
	}
}

// TestLocalWeightIsNeutralInOneStory: in a collection of one story a
// word's rarity within the story is its rarity in the collection, so
// StoryPolicy.Local changes no score.
func TestLocalWeightIsNeutralInOneStory(t *testing.T) {
	chunks := storyChunksOf("harbour", "Port to deepen its harbour",
		"The harbour authority approved the plan on Monday after a long debate.",
		"Dredging will start in spring and take two years, the authority said.",
		"The council put the cost at twelve million pounds, paid over a decade.")
	scores := func(local float64) []float64 {
		p := DefaultStoryPolicy
		p.Local = local
		ix, err := Build(context.Background(), chunks, Options{StoryPolicy: p})
		if err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(context.Background(), "When will the harbour dredging start?", 3)
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for _, h := range res.Hits {
			out = append(out, h.BM25)
		}
		return out
	}
	a, b := scores(0), scores(1)
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9 {
			t.Fatalf("BM25 scores %v with Local 0, %v with Local 1", a, b)
		}
	}
}

// TestStoryIDF: within the airline story its title's words, in every
// passage, tell its passages apart less than a word one passage holds;
// in a collection of one story StoryIDF is IDF.
func TestStoryIDF(t *testing.T) {
	chunks := airlineStories()
	ix, err := Build(context.Background(), chunks, Options{})
	if err != nil {
		t.Fatal(err)
	}
	title, one := ix.StoryIDF("airline", Stem("airline")), ix.StoryIDF("airline", Stem("stranded"))
	if title >= one {
		t.Errorf("StoryIDF: title word %.3f, a word of one passage %.3f; want the title's lower", title, one)
	}
	if ix.IDF(Stem("airline")) <= ix.IDF(Stem("stranded")) {
		t.Errorf("in the collection the title word should be the rarer; the test shows nothing")
	}
	if got := ix.StoryIDF("no-such-story", Stem("airline")); got != 0 {
		t.Errorf("StoryIDF of an unknown story = %v, want 0", got)
	}
	solo, err := Build(context.Background(), chunks[:3], Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"airline", "passengers", "unknownword"} {
		if a, b := solo.StoryIDF("airline", Stem(w)), solo.IDF(Stem(w)); math.Abs(a-b) > 1e-12 {
			t.Errorf("one story: StoryIDF(%s) = %v, IDF = %v", w, a, b)
		}
	}
}
