package retrieval

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/philippgille/chromem-go"
)

// EmbeddingFunc is the embedder seam, in chromem-go's shape so that any of
// its embedders, or ours, plugs in.
type EmbeddingFunc = chromem.EmbeddingFunc

// LocalDims is the default length of the local embedder's vectors, chosen
// by recall against memory and load time (see the README's benchmarks).
const LocalDims = 2048

// LocalEmbedder embeds text without a network or a model: hashed features
// of stemmed words, word bigrams and character trigrams, weighted by the
// stems' background IDF (BackgroundIDF). A text's vector depends only on the
// text, never on the rest of the corpus, so a story's vectors stay valid
// when other stories are added, changed or removed.
type LocalEmbedder struct {
	dims int
}

// NewLocalEmbedder returns a local embedder of dims dimensions; dims below
// 16 mean LocalDims.
func NewLocalEmbedder(dims int) *LocalEmbedder {
	if dims < 16 {
		dims = LocalDims
	}
	return &LocalEmbedder{dims: dims}
}

// Dims is the length of the embedder's vectors.
func (e *LocalEmbedder) Dims() int { return e.dims }

// Model names the embedder and its dimension, for the persisted index.
func (e *LocalEmbedder) Model() string { return fmt.Sprintf("local-v2-%d", e.dims) }

// IDF is the weight of a stem: its background inverse document frequency.
func (e *LocalEmbedder) IDF(stem string) float64 { return BackgroundIDF(stem) }

// Embed returns the L2-normalised feature vector of text. It never returns
// an all-zero vector: text with no content words maps to a reserved
// dimension that no feature uses, so it is equally far from everything.
func (e *LocalEmbedder) Embed(ctx context.Context, text string) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return e.EmbedTokens(Tokenize(text)), nil
}

// EmbedTokens embeds an already tokenised text, so that an indexer that
// tokenises a chunk for BM25 doesn't tokenise it again to embed it.
func (e *LocalEmbedder) EmbedTokens(toks []Token) []float32 {
	return e.embedWeighted(toks, BackgroundIDF)
}

// sums holds the float64 sums embedWeighted adds features into, 16 KB at
// 2,048 dimensions: made for every text, they were a tenth of what a
// whole `ask` over 1k chunks allocated, and most of what indexing does.
var sums = sync.Pool{New: func() any { return new([]float64) }}

// embedWeighted embeds tokens with features weighted by idf of their stems.
func (e *LocalEmbedder) embedWeighted(toks []Token, weight func(stem string) float64) []float32 {
	buf := sums.Get().(*[]float64)
	defer sums.Put(buf)
	if cap(*buf) < e.dims {
		*buf = make([]float64, e.dims)
	}
	v := (*buf)[:e.dims]
	clear(v)
	idf := make([]float64, len(toks))
	tf := make(map[string]int, len(toks))
	for i, t := range toks {
		tf[t.Stem]++
		idf[i] = weight(t.Stem)
	}
	for i, t := range toks {
		if n := tf[t.Stem]; n > 0 {
			addFeature(v, "w:", t.Stem, "", idf[i]*(1+math.Log(float64(n))))
			tf[t.Stem] = 0 // once per stem
		}
	}
	for i := 1; i < len(toks); i++ {
		addFeature(v, "b:", toks[i-1].Stem, toks[i].Stem, 0.5*(idf[i-1]+idf[i])/2)
	}
	// Character trigrams let inflections and misspellings the stemmer misses
	// ("Pyongyangs", "Kims") still land near the right words.
	for i, t := range toks {
		w := "^" + t.Word + "$"
		r := []rune(w)
		if len(r) < 4 {
			continue
		}
		weight := 0.35 * idf[i] / float64(len(r)-2)
		for j := 0; j+3 <= len(r); j++ {
			addFeature(v, "c:", string(r[j:j+3]), "", weight)
		}
	}
	return normalize(v)
}

// FNV-1a, inlined so that hashing a feature allocates nothing.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// addFeature adds weight to the hashed dimension of the feature kind+a(+" "+b),
// with a hashed sign so that collisions cancel out rather than pile up.
// Dimension 0 is reserved for empty text.
func addFeature(v []float64, kind, a, b string, weight float64) {
	x := fnvString(fnvString(fnvOffset, kind), a)
	if b != "" {
		x = fnvString(fnvString(x, " "), b)
	}
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
