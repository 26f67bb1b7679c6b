package bot

import (
	"context"

	"github.com/articlebot/articlebot/corpus"
)

// Retriever is the search index the service answers from: the seam between
// answering and retrieval. The service owns it, and the types it returns,
// so that it depends on no index implementation; bot/retrievalindex serves
// it from a retrieval.Index and cmd/articlebot wires that in.
type Retriever interface {
	Searcher
	WordStats
	Passages
	// Story is a Retriever over the story with the given ID alone, sharing
	// this one's vectors: what a question scoped to one story of a
	// collection is answered from. Its error wraps ErrUnknownArticle when
	// there is no such story.
	Story(ctx context.Context, id string) (Retriever, error)
}

// Searcher ranks passages for a query.
type Searcher interface {
	// Find returns the best q.K passages in q's scope (clamped to its
	// size), best first, with the relevance decision. A Query.Article the
	// index lacks is an error wrapping ErrUnknownArticle.
	Find(ctx context.Context, q Query) (*SearchResult, error)
}

// WordStats are the indexed corpus's word statistics, by stem.
type WordStats interface {
	// DF is the number of passages holding stem.
	DF(stem string) int
	// IDF is the inverse document frequency of stem in the corpus.
	IDF(stem string) float64
	// StoryHas reports whether any passage of the story with the given ID
	// holds stem.
	StoryHas(story, stem string) bool
	// StoryIDF is the inverse document frequency of stem among the
	// passages of the story with the given ID alone: near 0 for a word
	// every passage of it holds (its title's, its subject), however rare
	// in the corpus; 0 for an unknown story.
	StoryIDF(story, stem string) float64
	// SentenceCoverage is the IDF-weighted share of query's words, or
	// their synonyms at a discount, among a sentence's stems.
	SentenceCoverage(query string, stems map[string]bool) float64
	// WritesAsName reports whether the corpus writes a lower-case word
	// capitalised in most of its uses that don't open a sentence.
	WritesAsName(word string) bool
}

// Passages are the indexed chunks.
type Passages interface {
	// Chunk returns the chunk with the given ID.
	Chunk(id string) (corpus.Chunk, bool)
	// Chunks returns every chunk in corpus order.
	Chunks() []corpus.Chunk
	// StoryChunks returns the chunks of the story with the given ID, in
	// order; nil when there is no such story.
	StoryChunks(id string) []corpus.Chunk
	// Len is the number of chunks.
	Len() int
	// Version identifies the indexed content, for cache keys: it changes
	// whenever any story's text does.
	Version() string
}

// Query is one search: its text, how many hits, and what scopes it.
type Query struct {
	Text string
	K    int
	// Article, when set, restricts the search to the story with this ID.
	Article string
	// About, when set, is the whole message Text is a part of: its words
	// help choose the stories, so that every part of one question looks
	// in the same stories first.
	About string
	// Stories caps how many stories the passages come from, the best by
	// their whole text: 1 asks for the best story's passages only, n for
	// the best n's; 0 lets the retriever decide (several unless one leads).
	Stories int
}

// StoryScore is one story's evidence for a query.
type StoryScore struct {
	ID, Title string
	Score     float64 // the story's own ranking score (BM25F over title and text)
}

// Hit is one ranked passage.
type Hit struct {
	Chunk       corpus.Chunk
	Score       float64 // the fused ranking score
	Similarity  float64 // cosine similarity to the query embedding
	BM25        float64
	VectorRank  int // 1-based; 0 when not ranked
	LexicalRank int // 1-based; 0 when no query word matched
}

// SearchResult is a search's ranked hits and whether they cover the
// question.
type SearchResult struct {
	Hits []Hit
	// Covered is the relevance decision: false means the corpus does not
	// answer this question, whatever the hits are.
	Covered bool
	// Coverage is the IDF-weighted share of the question's words found in
	// the top hits.
	Coverage float64
	// Missing lists question words found nowhere in the top hits.
	Missing []string
	// Stories are the stories holding the question's words, best first.
	Stories []StoryScore
	// StoryMargin is how far the best story leads the next, 1 − s₂/s₁: 1
	// when one story alone holds the question's words, 0 when none does.
	StoryMargin float64
	// EmbedErr is why the query could not be embedded when the ranking
	// fell back to its words alone; nil otherwise.
	EmbedErr error
}
