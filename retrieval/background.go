package retrieval

import (
	_ "embed"
	"hash/maphash"
	"math"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run ./internal/bggen -corpus ../../shared/corpora/bbc -out background.txt -names backgroundnames.txt

// background.txt holds how many documents of a reference news collection
// (the BBC News stories) hold each stem: word statistics that don't depend on
// the corpus being indexed, so that embeddings and weights computed from
// them stay valid when stories are added or removed.
//
//go:embed background.txt
var backgroundTable string

var background = sync.OnceValue(func() *backgroundStats { return parseBackground(backgroundTable) })

// parseBackground reads a table of "stem<TAB>count" lines. The stems are
// found in an open-addressing table of their lines' places in the text
// rather than a map: a map of its 12,000 stems took 3 ms to make, a tenth
// of a whole `ask` about the built-in article; this takes a fraction of
// that. A slot holds only where its line starts (4 bytes; with the stem's
// length and count, 12 bytes a slot made 384 KB of a 1k-chunk `ask`'s
// 5 MB of heap): a lookup compares the stem with the text there and reads
// its count from the text.
func parseBackground(text string) *backgroundStats {
	n := strings.Count(text, "\n") + 1
	size := 1
	for size < 2*n {
		size *= 2
	}
	if len(text) >= math.MaxUint32 {
		panic("retrieval: background.txt is too long")
	}
	st := &backgroundStats{text: text, slots: make([]uint32, size), seed: maphash.MakeSeed()}
	for at := 0; at < len(text); {
		end := strings.IndexByte(text[at:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += at
		}
		line := text[at:end]
		start := at
		at = end + 1
		if line == "" || line[0] == '#' {
			continue
		}
		stem, num, ok := strings.Cut(line, "\t")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || v > math.MaxInt32 || strings.Trim(num, "0123456789") != "" {
			panic("retrieval: bad line in background.txt: " + line)
		}
		if stem == "docs" {
			st.docs = v
			continue
		}
		st.put(stem, uint32(start))
	}
	if st.docs == 0 {
		panic("retrieval: background.txt has no document count")
	}
	st.maxIDF = bm25IDF(float64(st.docs), 0)
	return st
}

type backgroundStats struct {
	docs   int
	text   string   // the table the slots point into
	slots  []uint32 // by hash of the stem, linear probing: 1 + where its line starts; 0 is empty
	seed   maphash.Seed
	maxIDF float64
}

func (b *backgroundStats) put(stem string, start uint32) {
	mask := len(b.slots) - 1
	for i := int(maphash.String(b.seed, stem)) & mask; ; i = (i + 1) & mask {
		if b.slots[i] == 0 {
			b.slots[i] = start + 1
			return
		}
	}
}

// df returns how many documents hold stem, 0 when the table lacks it.
func (b *backgroundStats) df(stem string) (int32, bool) {
	mask := len(b.slots) - 1
	for i := int(maphash.String(b.seed, stem)) & mask; ; i = (i + 1) & mask {
		e := b.slots[i]
		if e == 0 {
			return 0, false
		}
		if line := b.text[e-1:]; len(line) > len(stem) && line[len(stem)] == '\t' && line[:len(stem)] == stem {
			// parseBackground checked the count: digits, up to the
			// line's end.
			var df int32
			for _, c := range []byte(line[len(stem)+1:]) {
				if c < '0' || c > '9' {
					break
				}
				df = 10*df + int32(c-'0')
			}
			return df, true
		}
	}
}

// BackgroundDocs is the number of documents of the background collection.
func BackgroundDocs() int { return background().docs }

// BackgroundDF is the number of background documents that hold stem; 0 for
// a stem that is rare or unknown there.
func BackgroundDF(stem string) int {
	df, _ := background().df(stem)
	return int(df)
}

// BackgroundIDF is a stem's inverse document frequency in the background
// collection, in BM25's form: log(1 + (N − df + 0.5)/(df + 0.5)). A stem the
// background collection lacks (or holds once) gets the largest value,
// BackgroundMaxIDF.
func BackgroundIDF(stem string) float64 {
	bg := background()
	df, ok := bg.df(stem)
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

// backgroundnames.txt holds the lower-case words the reference collection
// writes as names (capitalised in most of their uses that don't open a
// sentence), one a line, written with background.txt.
//
//go:embed backgroundnames.txt
var backgroundNamesTable string

var backgroundNames = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for line := range strings.SplitSeq(backgroundNamesTable, "\n") {
		if line != "" && line[0] != '#' {
			m[line] = true
		}
	}
	return m
})

// BackgroundWritesAsName reports whether the background news collection
// writes a lower-case word as a name ("china", "cup"), as
// Index.WritesAsName does for the corpus: for a word the corpus never uses,
// which it can't tell.
func BackgroundWritesAsName(word string) bool { return backgroundNames()[word] }
