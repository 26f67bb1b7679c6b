package retrieval

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/articlebot/articlebot/corpus"
)

// benchCollections are the collections the index benchmarks run on: the
// BBC stories when ../shared is there, and synthetic ones of 1k, 10k and
// 50k chunks (5 chunks a story).
func benchCollections(b *testing.B) []struct {
	name   string
	chunks func() []corpus.Chunk
} {
	return []struct {
		name   string
		chunks func() []corpus.Chunk
	}{
		{"bbc", func() []corpus.Chunk { return loadBBC(b).Chunks() }},
		{"1k", func() []corpus.Chunk { return syntheticChunks(1000, 5, 7) }},
		{"10k", func() []corpus.Chunk { return syntheticChunks(10000, 5, 7) }},
		{"50k", func() []corpus.Chunk { return syntheticChunks(50000, 5, 7) }},
	}
}

// BenchmarkSearchScale compares one index search (query embedding, vector
// candidates, BM25 over postings, fusion, relevance) with a bare chromem-go
// top-10 query of the same collection and dimension, side by side: the
// ratio of the two ns/op is the overhead the index adds.
func BenchmarkSearchScale(b *testing.B) {
	ctx := context.Background()
	const q = "How much did the company's quarterly profits rise?"
	for _, col := range benchCollections(b) {
		b.Run(col.name, func(b *testing.B) {
			ix, store := searchIndex(b, col.name, col.chunks)
			qv, _ := ix.embedQuery(ctx, q, Tokenize(q))
			qv = Normalize(qv)
			// The index fills its store at its first search.
			if _, err := ix.Search(ctx, q, 4); err != nil {
				b.Fatal(err)
			}
			b.Run("index", func(b *testing.B) {
				for b.Loop() {
					if _, err := ix.Search(ctx, q, 4); err != nil {
						b.Fatal(err)
					}
				}
			})
			coll := store.(*chromemStore).coll
			b.Run("chromem-top10", func(b *testing.B) {
				for b.Loop() {
					if _, err := coll.QueryEmbedding(ctx, qv, 10, nil, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
			// Both in turn, each timed: on a shared machine, the two
			// sub-benchmarks above may run at different loads.
			b.Run("side-by-side", func(b *testing.B) {
				var inIndex, inChromem time.Duration
				for b.Loop() {
					t0 := time.Now()
					if _, err := ix.Search(ctx, q, 4); err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					if _, err := coll.QueryEmbedding(ctx, qv, 10, nil, nil); err != nil {
						b.Fatal(err)
					}
					inIndex, inChromem = inIndex+t1.Sub(t0), inChromem+time.Since(t1)
				}
				b.ReportMetric(float64(inIndex.Nanoseconds())/float64(b.N), "index-ns/op")
				b.ReportMetric(float64(inChromem.Nanoseconds())/float64(b.N), "chromem-ns/op")
				b.ReportMetric(float64(inIndex)/float64(inChromem), "ratio")
			})
		})
	}
}

// searchIndexes are BenchmarkSearchScale's indexes by collection, built once
// for every -count.
var searchIndexes sync.Map

type searchIndexed struct {
	ix    *Index
	store VectorStore
}

func searchIndex(b *testing.B, name string, chunks func() []corpus.Chunk) (*Index, VectorStore) {
	if v, ok := searchIndexes.Load(name); ok {
		s := v.(searchIndexed)
		return s.ix, s.store
	}
	store, err := NewChromemStore()
	if err != nil {
		b.Fatal(err)
	}
	ix, err := Build(context.Background(), chunks(), Options{Expand: Expand, NewVectorStore: func() (VectorStore, error) { return store, nil }})
	if err != nil {
		b.Fatal(err)
	}
	searchIndexes.Store(name, searchIndexed{ix, store})
	return ix, store
}

// BenchmarkBuild is indexing a collection from nothing: tokenising,
// embedding locally, postings and the vector store.
func BenchmarkBuild(b *testing.B) {
	for _, col := range benchCollections(b) {
		b.Run(col.name, func(b *testing.B) {
			chunks := col.chunks()
			for b.Loop() {
				if _, err := Build(context.Background(), chunks, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReindexOneStory is BuildPersisted after one story changed: that
// story is tokenised and embedded, the rest loaded, and the file saved.
func BenchmarkReindexOneStory(b *testing.B) {
	ctx := context.Background()
	for _, col := range benchCollections(b) {
		b.Run(col.name, func(b *testing.B) {
			chunks := col.chunks()
			st := NewStore(b.TempDir(), "bench", "")
			if _, _, err := BuildPersisted(ctx, chunks, Options{}, st); err != nil {
				b.Fatal(err)
			}
			n := 0
			for b.Loop() {
				n++
				chunks[0].Text = fmt.Sprintf("%s (edit %d)", chunks[0].Text, n)
				_, stats, err := BuildPersisted(ctx, chunks, Options{}, st)
				if err != nil || stats.Processed != 1 || stats.SaveErr != nil {
					b.Fatalf("%+v %v", stats, err)
				}
			}
		})
	}
}
