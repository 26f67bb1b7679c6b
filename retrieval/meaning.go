package retrieval

import (
	"slices"
	"strings"

	"github.com/articlebot/articlebot/retrieval/wordvec"
)

// meaningVector is the unit IDF-weighted sum of the word vectors of a
// text's words (their background IDF, as the local embedder weighs them):
// a text's gist in words it need not share with another ("soldiers were
// sent" is near "troops were dispatched"). Names and numbers, which have
// no vector or a vague one, don't count; nil when no word has a vector.
func meaningVector(words []string) []float32 {
	var sum [wordvec.Dims]float64
	any := false
	for _, w := range words {
		if stopwords[w] || IsNumberWord(w) {
			continue
		}
		v, ok := wordvec.Vector(w)
		if !ok {
			continue
		}
		idf := BackgroundIDF(Stem(w))
		for i, x := range v {
			sum[i] += idf * float64(x)
		}
		any = true
	}
	if !any {
		return nil
	}
	return normalize(sum[:])
}

// lowerWords are a text's lower-case words that a word vector may hold:
// runs of ASCII letters. Capitalised words are left out: mostly names, and
// a sentence's first word is rarely what it is about.
func lowerWords(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r > 'z' || r < 'A' || r > 'Z' && r < 'a' }) {
		if f[0] >= 'A' && f[0] <= 'Z' {
			continue
		}
		out = append(out, f)
	}
	return out
}

// meaningRanking ranks the scope's chunks by the cosine of their meaning
// vectors (see meaningVector) to the query's, best first, at most depth;
// nil when the query has no meaning vector.
func (ix *Index) meaningRanking(toks []Token, scope []int, depth int) []scored {
	words := make([]string, 0, len(toks))
	for _, t := range toks {
		if !t.Capital {
			words = append(words, t.Word)
		}
	}
	q := meaningVector(words)
	if q == nil {
		return nil
	}
	var out []scored
	for _, r := range ix.scopeRanges(scope) {
		for i := r[0]; i < r[1]; i++ {
			v := meaningVector(lowerWords(ix.chunks[i].Text))
			if v == nil {
				continue
			}
			var dot float32
			for j := range v {
				dot += q[j] * v[j]
			}
			out = append(out, scored{i, float64(dot)})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	return out[:min(depth, len(out))]
}
