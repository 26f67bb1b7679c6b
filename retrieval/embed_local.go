package retrieval

import (
	"context"
	"hash/fnv"
	"math"

	"github.com/philippgille/chromem-go"
)

// EmbeddingFunc is the embedder seam, in chromem-go's shape so that any of
// its embedders, or ours, plugs in.
type EmbeddingFunc = chromem.EmbeddingFunc

// LocalDims is the length of the local embedder's vectors.
const LocalDims = 2048

// LocalEmbedder embeds text without a network or a model: TF-IDF-weighted,
// hashed features of stemmed words, word bigrams and character trigrams. The
// IDF statistics come from the corpus it was fitted on.
type LocalEmbedder struct {
	df map[string]int
	n  int
}

// NewLocalEmbedder fits the embedder's IDF statistics on the documents.
func NewLocalEmbedder(docs []string) *LocalEmbedder {
	e := &LocalEmbedder{df: map[string]int{}, n: len(docs)}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, s := range Stems(d) {
			if !seen[s] {
				seen[s] = true
				e.df[s]++
			}
		}
	}
	return e
}

// IDF is the smoothed inverse document frequency of a stem; a stem the
// corpus lacks gets the highest value.
func (e *LocalEmbedder) IDF(stem string) float64 {
	return math.Log(float64(e.n+1)/float64(e.df[stem]+1)) + 1
}

// Embed returns the L2-normalised feature vector of text. It never returns
// an all-zero vector: text with no content words maps to a reserved
// dimension that no feature uses, so it is equally far from everything.
func (e *LocalEmbedder) Embed(ctx context.Context, text string) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v := make([]float64, LocalDims)
	toks := Tokenize(text)
	tf := map[string]int{}
	for _, t := range toks {
		tf[t.Stem]++
	}
	for stem, n := range tf {
		addFeature(v, "w:"+stem, e.IDF(stem)*(1+math.Log(float64(n))))
	}
	for i := 1; i < len(toks); i++ {
		a, b := toks[i-1].Stem, toks[i].Stem
		addFeature(v, "b:"+a+" "+b, 0.5*(e.IDF(a)+e.IDF(b))/2)
	}
	// Character trigrams let inflections and misspellings the stemmer misses
	// ("Pyongyangs", "Kims") still land near the right words.
	for _, t := range toks {
		w := "^" + t.Word + "$"
		r := []rune(w)
		if len(r) < 4 {
			continue
		}
		weight := 0.35 * e.IDF(t.Stem) / float64(len(r)-2)
		for i := 0; i+3 <= len(r); i++ {
			addFeature(v, "c:"+string(r[i:i+3]), weight)
		}
	}
	return normalize(v), nil
}

// addFeature adds weight to the feature's hashed dimension, with a hashed
// sign so that collisions cancel out rather than pile up. Dimension 0 is
// reserved for empty text.
func addFeature(v []float64, feature string, weight float64) {
	h := fnv.New64a()
	h.Write([]byte(feature))
	x := h.Sum64()
	i := 1 + int(x%uint64(len(v)-1))
	if x>>63 == 1 {
		weight = -weight
	}
	v[i] += weight
}

func normalize(v []float64) []float32 {
	var sum float64
	for _, x := range v {
		sum += x * x
	}
	out := make([]float32, len(v))
	if sum == 0 {
		out[0] = 1
		return out
	}
	norm := math.Sqrt(sum)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

// Normalize returns v scaled to unit length, or a unit vector on the
// reserved dimension when v is all zeros. chromem-go's cosine similarity
// assumes unit vectors and does not normalise what an embedder returns.
func Normalize(v []float32) []float32 {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	if len(f) == 0 {
		return []float32{1}
	}
	return normalize(f)
}
