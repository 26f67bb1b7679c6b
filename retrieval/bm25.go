package retrieval

import "math"

// bm25 is an Okapi BM25 index over stemmed content words.
type bm25 struct {
	k1, b  float64
	docs   []map[string]int // term frequencies per document
	lens   []int
	avgLen float64
	df     map[string]int
}

func newBM25(texts []string) *bm25 {
	ix := &bm25{k1: 1.2, b: 0.75, df: map[string]int{}}
	total := 0
	for _, t := range texts {
		tf := map[string]int{}
		stems := Stems(t)
		for _, s := range stems {
			tf[s]++
		}
		for s := range tf {
			ix.df[s]++
		}
		ix.docs = append(ix.docs, tf)
		ix.lens = append(ix.lens, len(stems))
		total += len(stems)
	}
	if len(texts) > 0 {
		ix.avgLen = float64(total) / float64(len(texts))
	}
	return ix
}

// idf is BM25's non-negative inverse document frequency.
func (ix *bm25) idf(term string) float64 {
	n, df := float64(len(ix.docs)), float64(ix.df[term])
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// score returns each document's BM25 score for the weighted query terms.
// Weights let expansion terms count for less than the words asked.
func (ix *bm25) score(query map[string]float64) []float64 {
	out := make([]float64, len(ix.docs))
	for term, w := range query {
		idf := ix.idf(term)
		if ix.df[term] == 0 {
			continue
		}
		for i, tf := range ix.docs {
			f := float64(tf[term])
			if f == 0 {
				continue
			}
			norm := ix.k1 * (1 - ix.b + ix.b*float64(ix.lens[i])/ix.avgLen)
			out[i] += w * idf * f * (ix.k1 + 1) / (f + norm)
		}
	}
	return out
}
