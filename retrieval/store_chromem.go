package retrieval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/philippgille/chromem-go"
)

// chromemStore is the VectorStore of an in-memory chromem-go collection.
type chromemStore struct {
	coll *chromem.Collection
	// adding holds the vectors of the documents an Add is adding, by
	// chunk ID. chromem-go checks the norm of a vector given with its
	// document, which reads every vector once more (at BBC size, 93 MB,
	// most of filling the store), but takes one from the collection's
	// embedding function as it is: that function's contract is to return
	// unit vectors, and VectorStore.Add's is to be given them. So every
	// document is added with its ID as its content and no vector, and the
	// embedding function returns the vector Add was given for that ID.
	adding atomic.Pointer[map[string][]float32]
	mu     sync.Mutex // serialises Adds
}

// NewChromemStore returns an empty in-memory chromem-go vector store.
func NewChromemStore() (VectorStore, error) {
	s := &chromemStore{}
	// chromem-go would embed documents and queries given without vectors
	// by calling OpenAI when its embedding function is nil; every vector
	// here is computed beforehand, so anything but a document being added
	// is a bug.
	vectorOf := func(_ context.Context, id string) ([]float32, error) {
		if m := s.adding.Load(); m != nil {
			if v, ok := (*m)[id]; ok {
				return v, nil
			}
		}
		return nil, errors.New("the vector store embeds nothing itself")
	}
	coll, err := chromem.NewDB().CreateCollection(collectionName, nil, vectorOf)
	if err != nil {
		return nil, fmt.Errorf("couldn't create collection: %w", err)
	}
	s.coll = coll
	return s, nil
}

const collectionName = "chunks"

// storyKey is the metadata key of a chunk's story, for `where` filters.
const storyKey = "story"

func (s *chromemStore) Add(ctx context.Context, docs []VectorDoc) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	vecs := make(map[string][]float32, len(docs))
	for _, d := range docs {
		if len(d.Vector) == 0 {
			return fmt.Errorf("couldn't add chunk %s: no vector", d.ID)
		}
		vecs[d.ID] = d.Vector
	}
	s.adding.Store(&vecs)
	defer s.adding.Store(nil)
	// chromem-go's AddDocuments starts a goroutine per document; a few
	// workers over slices of the batch do the same with less overhead.
	workers := min(runtime.NumCPU(), max(1, len(docs)/256))
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// chromem-go copies a document's metadata: consecutive
			// chunks of one story can share the map given.
			var meta map[string]string
			for i := w; i < len(docs); i += workers {
				d := docs[i]
				if meta == nil || meta[storyKey] != d.Story {
					meta = map[string]string{storyKey: d.Story}
				}
				err := s.coll.AddDocument(ctx, chromem.Document{ID: d.ID, Content: d.ID, Metadata: meta})
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
