package retrieval

import (
	_ "embed"
	"math"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run ./internal/bggen -corpus ../../shared/corpora/bbc -out background.txt

// background.txt holds how many documents of a reference news collection
// (the BBC News stories) hold each stem: word statistics that don't depend on
// the corpus being indexed, so that embeddings and weights computed from
// them stay valid when stories are added or removed.
//
//go:embed background.txt
var backgroundTable string

var background = sync.OnceValue(func() backgroundStats {
	st := backgroundStats{df: make(map[string]int32, 16384)}
	for line := range strings.Lines(backgroundTable) {
		line = strings.TrimSuffix(line, "\n")
		if line == "" || line[0] == '#' {
			continue
		}
		stem, n, ok := strings.Cut(line, "\t")
		v, err := strconv.Atoi(n)
		if !ok || err != nil || v <= 0 {
			panic("retrieval: bad line in background.txt: " + line)
		}
		if stem == "docs" {
			st.docs = v
			continue
		}
		st.df[stem] = int32(v)
	}
	if st.docs == 0 {
		panic("retrieval: background.txt has no document count")
	}
	st.maxIDF = bm25IDF(float64(st.docs), 0)
	return st
})

type backgroundStats struct {
	docs   int
	df     map[string]int32
	maxIDF float64
}

// BackgroundDocs is the number of documents of the background collection.
func BackgroundDocs() int { return background().docs }

// BackgroundDF is the number of background documents that hold stem; 0 for
// a stem that is rare or unknown there.
func BackgroundDF(stem string) int { return int(background().df[stem]) }

// BackgroundIDF is a stem's inverse document frequency in the background
// collection, in BM25's form: log(1 + (N − df + 0.5)/(df + 0.5)). A stem the
// background collection lacks (or holds once) gets the largest value,
// BackgroundMaxIDF.
func BackgroundIDF(stem string) float64 {
	bg := background()
	df, ok := bg.df[stem]
	if !ok {
		return bg.maxIDF
	}
	return bm25IDF(float64(bg.docs), float64(df))
}

// BackgroundMaxIDF is the IDF of a stem unknown to the background collection.
func BackgroundMaxIDF() float64 { return background().maxIDF }

// bm25IDF is BM25's non-negative inverse document frequency of a term held
// by df of n documents.
func bm25IDF(n, df float64) float64 {
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}
