// Package retrievalindex serves the answering service's bot.Retriever from
// a retrieval.Index (chromem-go vectors fused with BM25), translating the
// index's results into bot's own types.
package retrievalindex

import (
	"context"
	"errors"
	"fmt"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/internal/openaiclient"
	"github.com/articlebot/articlebot/retrieval"
)

// Retriever is a retrieval.Index as the answering service sees it.
type Retriever struct {
	// The index's statistics and chunks pass through as they are; only
	// the methods whose types differ are wrapped.
	*retrieval.Index
}

var _ bot.Retriever = Retriever{}

// New serves ix to the answering service.
func New(ix *retrieval.Index) Retriever { return Retriever{ix} }

// Find runs q on the index.
func (r Retriever) Find(ctx context.Context, q bot.Query) (*bot.SearchResult, error) {
	res, err := r.Index.Find(ctx, retrieval.Query{Text: q.Text, K: q.K, Article: q.Article, About: q.About, Stories: q.Stories})
	if err != nil {
		return nil, serviceError(err)
	}
	out := &bot.SearchResult{
		Hits:    make([]bot.Hit, len(res.Hits)),
		Covered: res.Covered, Coverage: res.Coverage, Missing: res.Missing,
		Stories: make([]bot.StoryScore, len(res.Stories)), StoryMargin: res.StoryMargin,
	}
	for i, s := range res.Stories {
		out.Stories[i] = bot.StoryScore{ID: s.ID, Title: s.Title, Score: s.Score}
	}
	if res.EmbedErr != nil {
		out.EmbedErr = serviceError(res.EmbedErr)
	}
	for i, h := range res.Hits {
		out.Hits[i] = bot.Hit{
			Chunk: h.Chunk, Score: h.Score, Similarity: h.Similarity, BM25: h.BM25,
			VectorRank: h.VectorRank, LexicalRank: h.LexicalRank,
		}
	}
	return out, nil
}

// Story is the index of one story alone.
func (r Retriever) Story(ctx context.Context, id string) (bot.Retriever, error) {
	ix, err := r.Index.Story(ctx, id)
	if err != nil {
		return nil, serviceError(err)
	}
	return New(ix), nil
}

// serviceError puts the index's errors in the service's vocabulary: an
// unknown story is an unknown article, and a remote embedder's failure is
// the model API's (its configuration's, when the API rejected that).
func serviceError(err error) error {
	var apiErr *openaiclient.Error
	switch {
	case errors.Is(err, retrieval.ErrUnknownStory):
		return fmt.Errorf("%w: %w", bot.ErrUnknownArticle, err)
	case openaiclient.IsConfig(err):
		return fmt.Errorf("%w: %w", bot.ErrModelConfig, err)
	case errors.As(err, &apiErr):
		return fmt.Errorf("%w: %w", bot.ErrModelUnavailable, err)
	}
	return err
}
