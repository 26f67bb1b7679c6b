package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

// bbcDir is the shared BBC collection, beside the repository.
const bbcDir = "../../shared/corpora/bbc"

func loadBBC(tb testing.TB) *corpus.Corpus {
	tb.Helper()
	if _, err := os.Stat(bbcDir); err != nil {
		tb.Skip("no BBC collection at " + bbcDir)
	}
	c, err := corpus.LoadDir(bbcDir)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// BenchmarkLocalDimsRecall measures, for each local embedder dimension,
// how often a story's headline finds the story by vector search alone
// among chunks embedded without their titles (so the headline's words
// are not trivially in every chunk): story recall@1 and @5, over every
// 4th story of the BBC collection, and the vectors' memory.
func BenchmarkLocalDimsRecall(b *testing.B) {
	c := loadBBC(b)
	chunks := c.Chunks()
	for i := range chunks {
		// Untitled chunks: IndexText is then section and text.
		chunks[i].ArticleTitle = ""
	}
	ctx := context.Background()
	for _, dims := range []int{256, 512, 1024, 2048} {
		b.Run(itoa(dims), func(b *testing.B) {
			for b.Loop() {
				ix, err := Build(ctx, chunks, Options{LocalDims: dims})
				if err != nil {
					b.Fatal(err)
				}
				var at1, at5, n float64
				for si, s := range ix.Stories() {
					if si%4 != 0 {
						continue
					}
					a, _ := c.Article(s.ID)
					qv, _ := ix.embedQuery(ctx, a.Title, Tokenize(a.Title))
					hits, err := ix.store.Query(ctx, Normalize(qv), 5, "")
					if err != nil {
						b.Fatal(err)
					}
					n++
					for r, h := range hits {
						if ch, _ := ix.Chunk(h.ID); ch.ArticleID == s.ID {
							if r == 0 {
								at1++
							}
							at5++
							break
						}
					}
				}
				b.ReportMetric(at1/n, "recall@1")
				b.ReportMetric(at5/n, "recall@5")
				b.ReportMetric(float64(ix.Len()*dims*4)/(1<<20), "vectorMB")
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// BenchmarkOpenBBC is what a command does with an unchanged collection and
// its index built: list the files, load the index file, map the vectors,
// build the postings and fill the vector store at the first search.
func BenchmarkOpenBBC(b *testing.B) {
	loadBBC(b)
	ctx := context.Background()
	st := NewStore(b.TempDir(), "bench", "")
	if _, _, _, err := OpenCorpus(ctx, bbcDir, "bench", false, Options{Expand: Expand}, st); err != nil {
		b.Fatal(err)
	}
	const q = "How much did Time Warner's quarterly profits rise?"
	for b.Loop() {
		_, ix, stats, err := OpenCorpus(ctx, bbcDir, "bench", false, Options{Expand: Expand}, NewStore(filepath.Dir(st.Path()), "bench", ""))
		if err != nil || stats.Reread != 0 {
			b.Fatalf("%+v %v", stats, err)
		}
		if _, err := ix.Search(ctx, q, 4); err != nil {
			b.Fatal(err)
		}
	}
}
