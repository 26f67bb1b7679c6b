package retrieval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/philippgille/chromem-go"
)

// chromemStore is the VectorStore of an in-memory chromem-go collection.
type chromemStore struct {
	coll *chromem.Collection
}

// NewChromemStore returns an empty in-memory chromem-go vector store.
func NewChromemStore() (VectorStore, error) {
	// chromem-go would embed documents and queries given without vectors
	// by calling OpenAI when its embedding function is nil; every vector
	// here is computed beforehand, so any call is a bug.
	refuse := func(context.Context, string) ([]float32, error) {
		return nil, errors.New("the vector store embeds nothing itself")
	}
	coll, err := chromem.NewDB().CreateCollection(collectionName, nil, refuse)
	if err != nil {
		return nil, fmt.Errorf("couldn't create collection: %w", err)
	}
	return &chromemStore{coll: coll}, nil
}

const collectionName = "chunks"

// storyKey is the metadata key of a chunk's story, for `where` filters.
const storyKey = "story"

func (s *chromemStore) Add(ctx context.Context, docs []VectorDoc) error {
	// chromem-go's AddDocuments starts a goroutine per document; a few
	// workers over slices of the batch do the same with less overhead.
	workers := min(runtime.NumCPU(), max(1, len(docs)/256))
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(docs); i += workers {
				d := docs[i]
				err := s.coll.AddDocument(ctx, chromem.Document{
					ID: d.ID, Embedding: d.Vector, Metadata: map[string]string{storyKey: d.Story},
				})
				if err != nil {
					errs[w] = fmt.Errorf("couldn't add chunk %s: %w", d.ID, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (s *chromemStore) Query(ctx context.Context, vec []float32, k int, story string) ([]VectorHit, error) {
	// chromem-go errors when asked for more results than it holds.
	k = min(k, s.coll.Count())
	if k <= 0 {
		return nil, nil
	}
	var where map[string]string
	if story != "" {
		where = map[string]string{storyKey: story}
	}
	res, err := s.coll.QueryEmbedding(ctx, vec, k, where, nil)
	if err != nil {
		return nil, err
	}
	out := make([]VectorHit, len(res))
	for i, r := range res {
		out[i] = VectorHit{ID: r.ID, Similarity: r.Similarity}
	}
	return out, nil
}
