package retrieval

import "context"

// VectorStore holds the chunks' unit vectors and finds those nearest a
// query: the seam between the index and the vector database, so that a
// store for collections beyond one machine's memory replaces one file
// (store_chromem.go is the default).
type VectorStore interface {
	// Add stores the vectors; they are unit length and not modified after.
	Add(ctx context.Context, docs []VectorDoc) error
	// Query returns the k stored vectors most similar to vec, best first,
	// among those of story when story is not empty. k may exceed what the
	// store holds.
	Query(ctx context.Context, vec []float32, k int, story string) ([]VectorHit, error)
}

// VectorDoc is one chunk's vector with the story it belongs to.
type VectorDoc struct {
	ID, Story string
	Vector    []float32
}

// VectorHit is a stored vector's ID and its cosine similarity to a query.
type VectorHit struct {
	ID         string
	Similarity float32
}
