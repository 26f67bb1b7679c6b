package retrieval

import (
	"cmp"
	"slices"
	"sync"
)

// storyIndex is a BM25F index over whole stories, with two fields: the
// title, and the body (every chunk's text). It is derived from the chunks'
// term lists when the index is built, so it costs no tokenising and is not
// persisted.
//
// A story is the unit a question is about: its title names the topic and
// its body holds every word it uses, while one passage holds only some.
// Ranking stories by their whole text first keeps a passage of another
// story that happens to share the question's words from winning.
type storyIndex struct {
	postings  [][]storyPosting // by stem number, in story order
	bodyLen   []float32
	titleLen  []float32
	avgBody   float64
	avgTitle  float64
	nStories  int
	titleStem [][]uint32 // each story's title stems, sorted, for tests and explanations
	scratch   sync.Pool  // *storyScratch
}

// storyPosting is one story that holds a stem: how often in its body and
// in its title.
type storyPosting struct {
	story       uint32
	body, title uint16
}

// newStoryIndex aggregates the chunks' terms per story. A chunk's terms
// include its story's title (IndexText starts with it), so the title's
// counts are taken out of every chunk's and kept as the title field.
func newStoryIndex(stories []Story, terms []chunkTerms, lex *lexicon) *storyIndex {
	si := &storyIndex{
		postings: make([][]storyPosting, len(lex.stems)), bodyLen: make([]float32, len(stories)),
		titleLen: make([]float32, len(stories)), nStories: len(stories), titleStem: make([][]uint32, len(stories)),
	}
	var totalBody, totalTitle float64
	// Counts by stem ID, and the IDs counted, cleared after each story:
	// a story's counts without a map.
	tf, title := make([]int, len(lex.stems)), make([]int, len(lex.stems))
	var ids, titleIDs []uint32
	// Each stem's postings, in story order, in one array: counted first
	// (the stories holding each stem), then filled story by story.
	count, last := make([]int, len(lex.stems)), make([]int32, len(lex.stems))
	total := 0
	for s, st := range stories {
		for i := st.First; i < st.First+st.N; i++ {
			for _, t := range terms[i].terms {
				if last[t.term] != int32(s+1) {
					last[t.term] = int32(s + 1)
					count[t.term]++
					total++
				}
			}
		}
	}
	all := make([]storyPosting, total)
	off := 0
	for id, n := range count {
		if n > 0 {
			si.postings[id] = all[off : off : off+n]
			off += n
		}
	}
	for s, st := range stories {
		ids, titleIDs = ids[:0], titleIDs[:0]
		tlen := 0
		for _, t := range Tokenize(st.Title) {
			if id, ok := lex.ids[t.Stem]; ok {
				if title[id] == 0 {
					titleIDs = append(titleIDs, id)
				}
				title[id]++
				tlen++
			}
		}
		blen := 0
		for i := st.First; i < st.First+st.N; i++ {
			for _, t := range terms[i].terms {
				if tf[t.term] == 0 {
					ids = append(ids, t.term)
				}
				tf[t.term] += int(t.tf)
			}
			blen += int(terms[i].length)
		}
		blen = max(0, blen-st.N*tlen)
		// ids need no sorting: each stem's postings are in story order
		// whatever the order within a story.
		for _, id := range ids {
			n, tn := tf[id], title[id]
			body := max(0, n-st.N*tn)
			si.postings[id] = append(si.postings[id], storyPosting{uint32(s), clamp16(body), clamp16(tn)})
		}
		si.titleStem[s] = append(si.titleStem[s], titleIDs...)
		slices.Sort(si.titleStem[s])
		for _, id := range ids {
			tf[id] = 0
		}
		for _, id := range titleIDs {
			title[id] = 0
		}
		si.bodyLen[s], si.titleLen[s] = float32(blen), float32(tlen)
		totalBody += float64(blen)
		totalTitle += float64(tlen)
	}
	if len(stories) > 0 {
		si.avgBody = max(1, totalBody/float64(len(stories)))
		si.avgTitle = max(1, totalTitle/float64(len(stories)))
	}
	return si
}

func clamp16(n int) uint16 { return uint16(min(n, 1<<16-1)) }

// StoryWeights weigh the evidence for a story in BM25F: the title field
// against the body, and BM25's saturation and length normalisation.
type storyWeights struct {
	title, body float64
	k1, b, bt   float64
}

var defaultStoryWeights = storyWeights{title: 1, body: 1, k1: 0.9, b: 0.9, bt: 0.5}

// idf is the stem's inverse story frequency.
func (si *storyIndex) idf(term uint32) float64 {
	df := 0
	if int(term) < len(si.postings) {
		df = len(si.postings[term])
	}
	return bm25IDF(float64(si.nStories), float64(df))
}

// scores returns every story holding a query term with its BM25F score,
// best first (ties in story order); keep, when set, limits the stories.
func (si *storyIndex) scores(query []weightedTerm, w storyWeights, keep func(story uint32) bool) []scored {
	s, _ := si.scratch.Get().(*storyScratch)
	if s == nil {
		s = &storyScratch{acc: newTally(si.nStories), best: newTally(si.nStories)}
	}
	defer si.scratch.Put(s)
	acc := &s.acc
	// A group of terms (a word and its neighbours in meaning) adds only
	// its best term's score to a story, as in bm25.top.
	groups(query, func(lo, hi int) {
		for _, q := range query[lo:hi] {
			idf := si.idf(q.term)
			for _, p := range si.postings[q.term] {
				if keep != nil && !keep(p.story) {
					continue
				}
				v := si.termScore(p, q.w, idf, w)
				if hi-lo == 1 {
					acc.add(p.story, v)
				} else {
					s.best.keepMax(p.story, v)
				}
			}
		}
		if hi-lo > 1 {
			for _, st := range s.best.touched {
				acc.add(st, s.best.v[st])
			}
			s.best.reset()
		}
	})
	out := make([]scored, 0, len(acc.touched))
	for _, st := range acc.touched {
		out = append(out, scored{int(st), acc.v[st]})
	}
	acc.reset()
	slices.SortFunc(out, func(a, b scored) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	return out
}

// termScore is BM25F's score for a story of a query term of weight qw
// and inverse story frequency idf.
func (si *storyIndex) termScore(p storyPosting, qw, idf float64, w storyWeights) float64 {
	tf := w.body*float64(p.body)/(1-w.b+w.b*float64(si.bodyLen[p.story])/si.avgBody) +
		w.title*float64(p.title)/(1-w.bt+w.bt*float64(si.titleLen[p.story])/si.avgTitle)
	return qw * idf * tf / (w.k1 + tf)
}

// storyScratch is one query's story scores, reused across queries
// rather than a map of every story holding a query word per query.
type storyScratch struct {
	acc, best tally
}

// tally is a value for each of n items, and the items given one, in the
// order they were first given one.
type tally struct {
	v       []float64
	in      []bool
	touched []uint32
}

func newTally(n int) tally { return tally{v: make([]float64, n), in: make([]bool, n)} }

func (t *tally) touch(i uint32) {
	if !t.in[i] {
		t.in[i] = true
		t.touched = append(t.touched, i)
	}
}

func (t *tally) add(i uint32, v float64) {
	t.touch(i)
	t.v[i] += v
}

func (t *tally) keepMax(i uint32, v float64) {
	t.touch(i)
	t.v[i] = max(t.v[i], v)
}

// reset clears the values given, for the next query.
func (t *tally) reset() {
	for _, i := range t.touched {
		t.v[i], t.in[i] = 0, false
	}
	t.touched = t.touched[:0]
}

// weighted numbers the query's stems that the corpus holds, an expansion
// (weight below 1) scaled by expansion/expansionWeight, sorted by group
// and number so that map order can't change the scores' rounding. A
// neighbour in meaning (a key of near) is in the group of the word it is
// near, whether the corpus holds that word or not; every other stem is in
// a group of its own.
func (ix *Index) weighted(terms map[string]float64, near map[string]string, expansion float64) []weightedTerm {
	query := make([]weightedTerm, 0, len(terms))
	heads := make([]string, 0, len(terms))
	for stem, w := range terms {
		if w < 1 {
			w *= expansion / expansionWeight
		}
		id, ok := ix.lex.ids[stem]
		if !ok || w <= 0 {
			continue
		}
		query = append(query, weightedTerm{term: id, w: w, group: id})
		head := stem
		if h, ok := near[stem]; ok {
			head = h
		}
		heads = append(heads, head)
	}
	if near != nil {
		order := slices.Clone(heads)
		slices.Sort(order)
		order = slices.Compact(order)
		for i, h := range heads {
			g, _ := slices.BinarySearch(order, h)
			query[i].group = uint32(g)
		}
	}
	slices.SortFunc(query, func(a, b weightedTerm) int {
		if a.group != b.group {
			return cmp.Compare(a.group, b.group)
		}
		return cmp.Compare(a.term, b.term)
	})
	return query
}
