package retrieval

import (
	"context"
	"math"
	"testing"
)

// The chromem-go store takes the unit vectors it is given as they are:
// chromem-go's check of each document's norm, a second read of every
// vector, is not made. A vector of length 2 (which Add's contract rules
// out) shows it: checked, chromem-go would have normalised it, and its
// similarity to its own direction would be 1, not 2.
func TestChromemStoreTrustsUnitVectors(t *testing.T) {
	ctx := context.Background()
	store, err := NewChromemStore()
	if err != nil {
		t.Fatal(err)
	}
	docs := []VectorDoc{
		{ID: "a", Story: "s1", Vector: []float32{2, 0, 0}},
		{ID: "b", Story: "s1", Vector: []float32{0, 1, 0}},
		{ID: "c", Story: "s2", Vector: []float32{0, 0, 1}},
	}
	if err := store.Add(ctx, docs); err != nil {
		t.Fatal(err)
	}
	hits, err := store.Query(ctx, []float32{1, 0, 0}, 3, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 3 || hits[0].ID != "a" || math.Abs(float64(hits[0].Similarity)-2) > 1e-6 {
		t.Fatalf("hits = %+v, want a first at similarity 2 (its vector as given)", hits)
	}
	// Every document keeps its story, for a story's own query.
	hits, err = store.Query(ctx, []float32{0, 0, 1}, 3, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || hits[0].ID == "c" || hits[1].ID == "c" {
		t.Errorf("story s1's hits = %+v, want a and b only", hits)
	}
	// Nothing else is ever embedded by the collection.
	coll := store.(*chromemStore).coll
	if _, err := coll.Query(ctx, "a", 1, nil, nil); err == nil {
		t.Error("a text query was embedded; the store must embed nothing itself")
	}
	if err := store.Add(ctx, []VectorDoc{{ID: "d", Story: "s2"}}); err == nil {
		t.Error("a document without a vector was added")
	}
	if err := store.Add(ctx, []VectorDoc{{ID: "e", Story: "s2", Vector: []float32{0, 1, 1}}}); err != nil {
		t.Fatalf("a second Add: %v", err)
	}
	if hits, _ := store.Query(ctx, []float32{0, 1, 1}, 1, ""); len(hits) != 1 || hits[0].ID != "e" {
		t.Errorf("after a second Add: %+v", hits)
	}
}
