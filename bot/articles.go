package bot

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/articlebot/articlebot/corpus"
)

// ErrUnknownArticle is returned for a story reference that names no story
// of the corpus; its message suggests the closest titles.
var ErrUnknownArticle = errors.New("no such article")

// ArticleChoice is one story offered to a user choosing an article.
type ArticleChoice struct {
	ID, Title string
}

// ResolveArticle finds the story ref names: its ID (or a duplicate's),
// its title in any case, or a unique part of its title. It returns the
// story's ID, or an error wrapping ErrUnknownArticle that suggests close
// titles.
func (s *Service) ResolveArticle(ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", fmt.Errorf("%w: the article is empty", ErrUnknownArticle)
	}
	if a, ok := s.corpus.Article(ref); ok {
		return a.ID, nil
	}
	if a, ok := s.corpus.Article(strings.ToLower(ref)); ok {
		return a.ID, nil
	}
	key := foldTitle(ref)
	var partial []*corpus.Article
	for _, a := range s.corpus.Articles {
		t := foldTitle(a.Title)
		if t == key {
			return a.ID, nil
		}
		if strings.Contains(t, key) {
			partial = append(partial, a)
		}
	}
	if len(partial) == 1 {
		return partial[0].ID, nil
	}
	var titles []string
	choices := s.ArticleChoices(ref, 5)
	what := "close titles"
	if len(choices) == 0 && len(s.corpus.Articles) <= 5 {
		// A small collection is named whole: "kim" is no part of
		// "nonexistent", but the one story is what there is to ask.
		choices = s.ArticleChoices("", 5)
		what = "the articles are"
		if len(choices) == 1 {
			what = "the article is"
		}
	}
	for _, c := range choices {
		titles = append(titles, "“"+c.Title+"” ("+c.ID+")")
	}
	if len(titles) == 0 {
		return "", fmt.Errorf("%w %q", ErrUnknownArticle, ref)
	}
	if len(partial) > 1 {
		what = strconv.Itoa(len(partial)) + " titles match; some are"
	}
	return "", fmt.Errorf("%w %q; %s: %s", ErrUnknownArticle, ref, what, strings.Join(titles, "; "))
}

// ArticleChoices returns at most n stories whose titles best match query,
// for autocompletion: titles starting with it first, then IDs starting
// with it ("tech/01"), then titles holding it, then those sharing most of
// its words, then, for a query naming a folder ("business/999"), the
// folder's stories; with an empty query, the first n stories.
func (s *Service) ArticleChoices(query string, n int) []ArticleChoice {
	key := foldTitle(query)
	words := strings.Fields(key)
	idq := strings.ToLower(strings.TrimSpace(query))
	folder := idq[:strings.LastIndexByte(idq, '/')+1]
	type scored struct {
		a     *corpus.Article
		score float64
		pos   int
	}
	var out []scored
	for i, a := range s.corpus.Articles {
		t := foldTitle(a.Title)
		var sc float64
		switch {
		case key == "":
			sc = 1
		case strings.HasPrefix(t, key):
			sc = 3
		case idq != "" && strings.HasPrefix(a.ID, idq):
			sc = 2.5
		case strings.Contains(t, key):
			sc = 2
		default:
			tw := strings.Fields(t)
			for _, w := range words {
				if slices.ContainsFunc(tw, func(x string) bool { return strings.HasPrefix(x, w) }) {
					sc += 1 / float64(len(words))
				}
			}
			if sc == 0 && folder != "" && strings.HasPrefix(a.ID, folder) {
				sc = 0.5
			}
		}
		if sc > 0 {
			out = append(out, scored{a, sc, i})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	choices := make([]ArticleChoice, 0, min(n, len(out)))
	for _, c := range out[:min(n, len(out))] {
		choices = append(choices, ArticleChoice{ID: c.a.ID, Title: c.a.Title})
	}
	return choices
}

func foldTitle(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(corpus.Fold(s))), " ")
}

// storyServices holds services scoped to one story, made on first use.
type storyServices struct {
	mu sync.Mutex
	m  map[string]*Service
}

// maxStoryServices bounds the scoped services kept.
const maxStoryServices = 64

// forArticle returns the service scoped to one story (by ID): its corpus
// holds that story alone and its index that story's chunks, so summaries
// and sections work on it exactly as on a one-story corpus.
func (s *Service) forArticle(ctx context.Context, id string) (*Service, error) {
	if len(s.corpus.Articles) == 1 && s.corpus.Articles[0].ID == id {
		return s, nil
	}
	s.stories.mu.Lock()
	sub, ok := s.stories.m[id]
	s.stories.mu.Unlock()
	if ok {
		return sub, nil
	}
	a, ok := s.corpus.Article(id)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownArticle, id)
	}
	ix, err := s.index.Story(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("couldn't index the article: %w", err)
	}
	sub = &Service{
		corpus: &corpus.Corpus{Articles: []*corpus.Article{a}}, index: ix, sentences: s.sentences, split: s.split,
		opt: s.opt, version: ix.Version(), cache: s.cache, summaries: s.summaries, log: s.log, stories: &storyServices{},
	}
	sub.answering.recovered, sub.summarizing.recovered = sub.recovered, sub.recovered
	s.stories.mu.Lock()
	if s.stories.m == nil || len(s.stories.m) >= maxStoryServices {
		s.stories.m = map[string]*Service{}
	}
	s.stories.m[id] = sub
	s.stories.mu.Unlock()
	return sub, nil
}

// SummarizeArticle is Summarize over one story (by ID or title) when
// article is set. Without one it is Summarize: over several stories, an
// overview of what the collection holds.
func (s *Service) SummarizeArticle(ctx context.Context, length Length, section, article string) (*Summary, error) {
	if article != "" {
		id, err := s.ResolveArticle(article)
		if err != nil {
			return nil, err
		}
		sub, err := s.forArticle(ctx, id)
		if err != nil {
			return nil, err
		}
		return sub.Summarize(ctx, length, section)
	}
	return s.Summarize(ctx, length, section)
}

// overviewExamples is how many stories an overview names, by length.
func overviewExamples(l Length) int {
	switch l {
	case Short:
		return 3
	case Long:
		return 10
	default:
		return 5
	}
}

// collectionSummary says what a collection of stories holds: how many, in
// which folders, and a few of them (the most recent when stories are dated,
// else one from each folder in turn), each cited by its opening passage.
func (s *Service) collectionSummary(length Length) *Summary {
	c := s.corpus
	folders := map[string]int{}
	var order []string
	for _, a := range c.Articles {
		f := path.Dir(a.Path)
		if a.Path == "" || f == "." {
			f = ""
		}
		if folders[f] == 0 {
			order = append(order, f)
		}
		folders[f]++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "This collection holds %s stories", thousands(len(c.Articles)))
	if d := c.Report.Duplicates; d > 0 {
		noun := "duplicates"
		if d == 1 {
			noun = "duplicate"
		}
		fmt.Fprintf(&b, " (and %s %s, loaded once)", thousands(d), noun)
	}
	if len(order) > 1 || (len(order) == 1 && order[0] != "") {
		parts := make([]string, 0, len(order))
		shown := order[:min(len(order), 12)]
		for _, f := range shown {
			name := f
			if name == "" {
				name = "top level"
			}
			parts = append(parts, fmt.Sprintf("%s (%s)", name, thousands(folders[f])))
		}
		if len(order) > len(shown) {
			parts = append(parts, fmt.Sprintf("%d more folders", len(order)-len(shown)))
		}
		noun := "folders"
		if len(order) == 1 {
			noun = "folder"
		}
		fmt.Fprintf(&b, " in %d %s: %s", len(order), noun, strings.Join(parts, ", "))
	}
	b.WriteString(".")

	examples := pickExamples(c.Articles, order, overviewExamples(length))
	var src sourceList
	var lines []string
	for _, a := range examples {
		chunks := s.index.StoryChunks(a.ID)
		if len(chunks) == 0 {
			continue
		}
		lead := chunks[0]
		first := corpus.Sentences(lead.Text)
		quote := lead.Text
		if len(first) > 0 {
			quote = lead.Text[first[0].Start:first[0].End]
		}
		n := src.cite(lead, quote, 0)
		line := "- " + a.Title
		if a.Published != "" {
			line += " (" + a.Published + ")"
		}
		lines = append(lines, line+" ["+strconv.Itoa(n)+"]")
	}
	if len(lines) > 0 {
		what := "Some of its stories"
		if examples[0].Published != "" {
			what = "The most recent stories"
		}
		b.WriteString(" " + what + ":\n" + strings.Join(lines, "\n"))
	}
	b.WriteString("\n\nAsk a question about them, or choose one story to summarise.")
	return &Summary{Length: length, Text: b.String(), Sources: src.list(), Drafter: DrafterExtractive}
}

// pickExamples chooses n stories: the most recently published when any is
// dated, else the first story of each folder in turn.
func pickExamples(articles []*corpus.Article, folders []string, n int) []*corpus.Article {
	dated := slices.ContainsFunc(articles, func(a *corpus.Article) bool { return a.Published != "" })
	if dated {
		byDate := slices.Clone(articles)
		sort.SliceStable(byDate, func(i, j int) bool { return byDate[i].Published > byDate[j].Published })
		return byDate[:min(n, len(byDate))]
	}
	byFolder := map[string][]*corpus.Article{}
	for _, a := range articles {
		f := path.Dir(a.Path)
		if a.Path == "" || f == "." {
			f = ""
		}
		byFolder[f] = append(byFolder[f], a)
	}
	var out []*corpus.Article
	for round := 0; len(out) < n; round++ {
		added := false
		for _, f := range folders {
			if round < len(byFolder[f]) && len(out) < n {
				out = append(out, byFolder[f][round])
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}

// thousands writes n with thousands separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
