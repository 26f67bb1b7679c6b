package retrieval

import (
	"slices"
	"sync"
)

// lexicon numbers the stems of a corpus, so that postings and per-chunk
// term lists hold small integers rather than strings.
type lexicon struct {
	stems []string
	ids   map[string]uint32
}

func newLexicon(stems []string) *lexicon {
	l := &lexicon{stems: stems, ids: make(map[string]uint32, len(stems))}
	for i, s := range stems {
		l.ids[s] = uint32(i)
	}
	return l
}

// add returns the stem's number, numbering it first if it is new.
func (l *lexicon) add(stem string) uint32 {
	if id, ok := l.ids[stem]; ok {
		return id
	}
	id := uint32(len(l.stems))
	l.stems = append(l.stems, stem)
	l.ids[stem] = id
	return id
}

// termFreq is one stem of a chunk and how often it occurs there.
type termFreq struct {
	term, tf uint32
}

// chunkTerms is what BM25 needs of one chunk: its stems (sorted by number)
// with their frequencies, and its length in content words.
type chunkTerms struct {
	terms  []termFreq
	length uint32
}

// analyze numbers a tokenised chunk's stems.
func (l *lexicon) analyze(toks []Token) chunkTerms {
	tf := make(map[uint32]uint32, len(toks))
	for _, t := range toks {
		tf[l.add(t.Stem)]++
	}
	ct := chunkTerms{terms: make([]termFreq, 0, len(tf)), length: uint32(len(toks))}
	for id, n := range tf {
		ct.terms = append(ct.terms, termFreq{id, n})
	}
	slices.SortFunc(ct.terms, func(a, b termFreq) int { return int(a.term) - int(b.term) })
	return ct
}

// posting is one chunk that holds a stem.
type posting struct {
	doc, tf uint32
}

// bm25 is an Okapi BM25 index over stemmed content words, with a postings
// list per stem so that a query scores only the chunks holding its words.
type bm25 struct {
	k1, b    float64
	postings [][]posting // by stem number, in chunk order
	lens     []uint32
	avgLen   float64
	scratch  sync.Pool // *scoreScratch
}

func newBM25(vocab int, docs []chunkTerms) *bm25 {
	postings, lens := make([][]posting, vocab), make([]uint32, len(docs))
	// Count first, so every list is allocated once at its size.
	counts := make([]uint32, vocab)
	total := 0
	for i, d := range docs {
		for _, t := range d.terms {
			counts[t.term]++
		}
		lens[i] = d.length
		total += int(d.length)
	}
	for id, n := range counts {
		if n > 0 {
			postings[id] = make([]posting, 0, n)
		}
	}
	for i, d := range docs {
		for _, t := range d.terms {
			postings[t.term] = append(postings[t.term], posting{uint32(i), t.tf})
		}
	}
	avgLen := 0.0
	if len(docs) > 0 {
		avgLen = max(1, float64(total)/float64(len(docs)))
	}
	return newBM25Lists(postings, lens, avgLen)
}

// newBM25Lists is the index of the postings lists (by stem number, in
// chunk order), the chunks' lengths and their mean, made or mapped.
func newBM25Lists(postings [][]posting, lens []uint32, avgLen float64) *bm25 {
	ix := &bm25{k1: 1.2, b: 0.75, postings: postings, lens: lens, avgLen: avgLen}
	n := len(lens)
	ix.scratch.New = func() any { return &scoreScratch{score: make([]float64, n)} }
	return ix
}

// df is the number of chunks that hold the stem numbered term.
func (ix *bm25) df(term uint32) int {
	if int(term) >= len(ix.postings) {
		return 0
	}
	return len(ix.postings[term])
}

// countIn is the number of chunks in [lo, hi) that hold the stem numbered
// term.
func (ix *bm25) countIn(term uint32, lo, hi int) int {
	if int(term) >= len(ix.postings) {
		return 0
	}
	ps := ix.postings[term]
	at := func(d int) int {
		i, _ := slices.BinarySearchFunc(ps, uint32(d), func(p posting, d uint32) int { return int(p.doc) - int(d) })
		return i
	}
	return at(hi) - at(lo)
}

// idf is BM25's non-negative inverse document frequency.
func (ix *bm25) idf(term uint32) float64 {
	return bm25IDF(float64(len(ix.lens)), float64(ix.df(term)))
}

// scored is a chunk and its score in one ranking.
type scored struct {
	doc   int
	score float64
}

// scoreScratch accumulates one query's scores without allocating a slice
// of every chunk per query.
type scoreScratch struct {
	score   []float64
	touched []uint32
}

// weightedTerm is a query stem's number and weight, and the group of
// stems it is one of: a question word and its neighbours in meaning.
type weightedTerm struct {
	term  uint32
	w     float64
	group uint32
}

// groups calls f with each run of query terms of one group.
func groups(query []weightedTerm, f func(lo, hi int)) {
	for lo := 0; lo < len(query); {
		hi := lo + 1
		for hi < len(query) && query[hi].group == query[lo].group {
			hi++
		}
		f(lo, hi)
		lo = hi
	}
}

// top scores the chunks holding a query term (those keep returns true for,
// when keep is set) and returns the best n, best first, ties in chunk order.
// scale, when set, multiplies the i-th query term's weight in a chunk.
// A group of terms (a word and its neighbours in meaning) adds to a chunk
// only its best term's score: a passage holding the word and two of its
// neighbours has said the word once, not three times.
func (ix *bm25) top(query []weightedTerm, n int, keep func(doc uint32) bool, scale func(doc uint32, i int) float64) []scored {
	s := ix.scratch.Get().(*scoreScratch)
	defer ix.scratch.Put(s)
	add := func(doc uint32, v float64) {
		if s.score[doc] == 0 {
			s.touched = append(s.touched, doc)
		}
		s.score[doc] += v
	}
	var best map[uint32]float64
	groups(query, func(lo, hi int) {
		if hi-lo > 1 {
			best = make(map[uint32]float64)
		}
		for qi := lo; qi < hi; qi++ {
			q := query[qi]
			idf := ix.idf(q.term)
			for _, p := range ix.postings[q.term] {
				if keep != nil && !keep(p.doc) {
					continue
				}
				w := q.w
				if scale != nil {
					w *= scale(p.doc, qi)
				}
				f := float64(p.tf)
				norm := ix.k1 * (1 - ix.b + ix.b*float64(ix.lens[p.doc])/ix.avgLen)
				v := w * idf * f * (ix.k1 + 1) / (f + norm)
				if hi-lo == 1 {
					add(p.doc, v)
				} else {
					best[p.doc] = max(best[p.doc], v)
				}
			}
		}
		if hi-lo > 1 {
			for doc, v := range best {
				add(doc, v)
			}
		}
	})
	out := topN(len(s.touched), n, func(i int) scored {
		d := s.touched[i]
		return scored{int(d), s.score[d]}
	})
	for _, d := range s.touched {
		s.score[d] = 0
	}
	s.touched = s.touched[:0]
	return out
}

// better orders scores best first, ties by position.
func better(a, b scored) bool {
	return a.score > b.score || (a.score == b.score && a.doc < b.doc)
}

// topN returns the best n of m scored items, best first, keeping a heap of
// n rather than sorting all m.
func topN(m, n int, item func(i int) scored) []scored {
	if n <= 0 || m == 0 {
		return nil
	}
	h := make([]scored, 0, min(n, m))
	// h is a min-heap on "better": h[0] is the worst kept.
	down := func(i int) {
		for {
			l, r, w := 2*i+1, 2*i+2, i
			if l < len(h) && better(h[w], h[l]) {
				w = l
			}
			if r < len(h) && better(h[w], h[r]) {
				w = r
			}
			if w == i {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for i := range m {
		it := item(i)
		switch {
		case len(h) < n:
			h = append(h, it)
			for j := len(h) - 1; j > 0; {
				p := (j - 1) / 2
				if !better(h[p], h[j]) {
					break
				}
				h[p], h[j] = h[j], h[p]
				j = p
			}
		case better(it, h[0]):
			h[0] = it
			down(0)
		}
	}
	slices.SortFunc(h, func(a, b scored) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	return h
}
