package bot

import (
	"slices"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// phraseOf is the name phrase a question's term belongs to, or nil.
func (a analysis) phraseOf(t qterm) *retrieval.NamePhrase {
	for i := range a.phrases {
		if a.phrases[i].Has(t.stem) {
			return &a.phrases[i]
		}
	}
	return nil
}

// holdsName reports whether a text holds a question's term as a name: the
// term itself (see qterm.in), and where the term is a word of a name
// phrase, the phrase written whole, as written reports for each phrase,
// or the term joined or abbreviated ("TimeWarner", "EU"), as qterm.in
// finds it.
func (a analysis) holdsName(t qterm, has func(string) bool, written func(*retrieval.NamePhrase) bool) bool {
	p := a.phraseOf(t)
	if p == nil {
		return t.in(has)
	}
	return has(t.stem) && written(p) || slices.ContainsFunc(t.joins, has)
}

// storyWrites returns, for a question's name phrases, whether the story
// with the given ID writes each in one of its passages, looked up once a
// phrase: a story is a few thousand bytes, and only the few stories of a
// question's passages are read.
func (s *Service) storyWrites(story string) func(*retrieval.NamePhrase) bool {
	seen := map[*retrieval.NamePhrase]bool{}
	return func(p *retrieval.NamePhrase) bool {
		got, ok := seen[p]
		if !ok {
			got = slices.ContainsFunc(s.index.StoryChunks(story), func(ch corpus.Chunk) bool { return p.In(ch.Text) })
			seen[p] = got
		}
		return got
	}
}
