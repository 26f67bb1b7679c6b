package retrieval

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/articlebot/articlebot/corpus"
)

// Hit is one retrieved chunk with the evidence for its rank.
type Hit struct {
	Chunk       corpus.Chunk
	Score       float64 // reciprocal-rank fusion score
	Similarity  float64 // cosine similarity to the query embedding
	BM25        float64
	VectorRank  int // 1-based; 0 when not ranked
	LexicalRank int // 1-based; 0 when no query word matched
}

// Result is a search's ranked hits and whether they cover the question.
type Result struct {
	Hits []Hit
	// Covered is the relevance decision: false means the corpus does not
	// answer this question, whatever the hits are.
	Covered bool
	// Coverage is the IDF-weighted share of the question's words found in
	// the top hits.
	Coverage float64
	// Missing lists question words found nowhere in the top hits.
	Missing []string
	// Terms are the question's stems with their weights, expansions included.
	Terms map[string]float64
	// Stories are the stories holding the question's words, best first by
	// BM25F over their title and whole text (at most maxStoryHits of them).
	Stories []StoryHit
	// StoryMargin is how far the best story leads the next: 1 − s₂/s₁ of
	// their scores; 1 when one story alone holds the question's words, 0
	// when none does.
	StoryMargin float64
	// Scope are the IDs of the stories the hits were drawn from, best
	// first; empty when they were drawn from the whole collection.
	Scope []string
	// EmbedErr is why the query could not be embedded when the ranking
	// fell back to BM25 alone (see Options.LexicalFallback); nil otherwise.
	EmbedErr error
}

// rrfK is the reciprocal-rank fusion constant from Cormack et al. (2009).
const rrfK = 60

// Query is one search: its text, how many hits, and what scopes it.
type Query struct {
	Text string
	K    int
	// Article, when set, restricts the search to the story with this ID.
	Article string
	// About, when set, is the message Text is a part of (the whole of a
	// question that asks several things): stories are ranked by its words
	// and Text's, so that each part looks first in the stories the whole
	// question is about (on the calibration half, answers to two-part
	// questions citing another story fell from 0.278 to 0). Passages are
	// ranked by Text's words alone.
	About string
	// Stories caps how many stories the hits come from, the best by their
	// whole text: 1 asks for passages of the best story only, n for those
	// of the best n. 0 lets the index decide (see StoryPolicy): the best
	// story alone when it leads the next clearly, otherwise several.
	Stories int
}

// ErrUnknownStory is returned by Find for a Query.Article the index lacks.
var ErrUnknownStory = errors.New("no such story in the index")

// Search ranks the chunks for query and returns the best k, clamped to the
// number of chunks, with the relevance decision.
func (ix *Index) Search(ctx context.Context, query string, k int) (*Result, error) {
	return ix.Find(ctx, Query{Text: query, K: k})
}

// Find ranks q's scope story first, then passage: it ranks the stories by
// their whole text (BM25F over title and body, see storyindex.go), keeps
// the best story or several (see Query.Stories), and ranks their chunks by
// reciprocal-rank fusion of the vector and BM25 rankings, returning the
// best q.K (clamped to the scope's size) with the relevance decision.
//
// Each ranking is read only as deep as fusion needs: an item below depth d
// in both scores under 2/(rrfK+d+1), less than the need-th best item's
// 1/(rrfK+need) when d > rrfK+2·need, so the top need are those of the
// full rankings (ranks past the depth count as absent).
func (ix *Index) Find(ctx context.Context, q Query) (*Result, error) {
	if q.K <= 0 {
		return nil, fmt.Errorf("k must be positive, got %d", q.K)
	}
	if q.Stories < 0 {
		return nil, fmt.Errorf("stories must not be negative, got %d", q.Stories)
	}
	article := -1
	if q.Article != "" {
		si, ok := ix.byID[q.Article]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownStory, q.Article)
		}
		article = si
	}
	ix.lexical()
	toks := Tokenize(q.Text)
	res := &Result{}
	qv, err := ix.embedQuery(ctx, q.Text, toks)
	switch {
	case err != nil && ix.fallback != nil && ix.fallback(err):
		res.EmbedErr = err
		qv = nil
	case err != nil:
		return nil, fmt.Errorf("couldn't embed query: %w", err)
	default:
		qv = Normalize(qv)
	}
	// The passage the embedding finds first is in contention too, from
	// whichever story: a paraphrase in words its story doesn't use is
	// found by meaning, not by words. Finding it scans every vector, so
	// it runs while the question's words rank the stories; it is wanted
	// when they choose a scope (almost always), and dropped otherwise.
	var top chan topHit
	if article < 0 && q.Stories == 0 && qv != nil && len(toks) > 0 && ix.storyPolicy.mayScope() {
		top = make(chan topHit, 1)
		tctx, stop := context.WithCancel(ctx)
		go func() {
			hit, ok, err := ix.bestVector(tctx, qv)
			top <- topHit{hit, ok, err}
		}()
		// Unless it was used, it is stopped, and waited for: no query
		// outlives the search.
		defer func() {
			stop()
			if top != nil {
				<-top
			}
		}()
	}
	terms, near := ix.queryTermsNear(toks)
	res.Terms = terms
	query := ix.weighted(terms, near, expansionWeight)
	storyTerms, storyNear := ix.withAbout(terms, near, q.About)
	ranked := ix.rankStories(storyTerms, storyNear, article)
	if article < 0 {
		ix.phraseFirst(ranked, append(NamePhrases(q.Text), NamePhrases(q.About)...))
	}
	res.Stories, res.StoryMargin = ix.storyHits(ranked)
	scope := ix.scope(q, article, ranked)
	vtop := -1
	if scope != nil && top != nil {
		t := <-top
		top = nil
		if t.err != nil {
			return nil, fmt.Errorf("couldn't query the vector index: %w", t.err)
		}
		if t.ok {
			if i, ok := ix.pos[t.hit.ID]; ok {
				vtop = i
				if si := int(ix.story[i]); !slices.Contains(scope, si) {
					scope = append(scope, si)
				}
			}
		}
	}
	n := 0
	for _, si := range scope {
		n += ix.stories[si].N
	}
	if scope == nil {
		n = len(ix.chunks)
	}
	var keep func(doc uint32) bool
	if scope != nil {
		in := make(map[int32]bool, len(scope))
		for _, si := range scope {
			in[int32(si)] = true
		}
		keep = func(doc uint32) bool { return in[ix.story[doc]] }
	}
	res.Scope = make([]string, len(scope))
	for i, si := range scope {
		res.Scope[i] = ix.stories[si].ID
	}
	k := min(q.K, n)
	need := min(n, max(k, ix.relevance.TopN))
	depth := min(n, rrfK+2*need+1)

	var vres []VectorHit
	if qv != nil {
		vres, err = ix.vectorHits(ctx, qv, depth, q.Article, scope)
		if err != nil {
			return nil, fmt.Errorf("couldn't query the vector index: %w", err)
		}
		// A store may break ties in any order (chromem-go's concurrent
		// scan does; a story held twice has equal vectors): ranks must not
		// change between runs.
		slices.SortStableFunc(vres, func(a, b VectorHit) int {
			if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	}

	cands := make(map[int]*Hit, 2*depth)
	hit := func(i int) *Hit {
		h, ok := cands[i]
		if !ok {
			h = &Hit{Chunk: ix.chunks[i], Similarity: -2}
			cands[i] = h
		}
		return h
	}
	for r, v := range vres {
		i, ok := ix.pos[v.ID]
		if !ok {
			continue
		}
		h := hit(i)
		h.Similarity = float64(v.Similarity)
		if len(toks) > 0 {
			h.VectorRank = r + 1
			h.Score += 1 / float64(rrfK+r+1)
		}
	}
	for r, s := range ix.bm.top(query, depth, keep, ix.localScale(query, scope)) {
		h := hit(s.doc)
		h.BM25 = s.score
		h.LexicalRank = r + 1
		h.Score += 1 / float64(rrfK+r+1)
	}
	if w := ix.storyPolicy.Meaning; w > 0 && scope != nil && len(toks) > 0 {
		for r, s := range ix.meaningRanking(toks, scope, depth) {
			hit(s.doc).Score += w / float64(rrfK+r+1)
		}
	}
	order := make([]scored, 0, len(cands))
	for i, h := range cands {
		order = append(order, scored{i, h.Score})
	}
	ix.sortHits(order, ranked, vtop, func(doc int) int {
		if r := cands[doc].VectorRank; r > 0 {
			return r
		}
		return len(cands) + 1
	})
	hits := make([]Hit, 0, need)
	for _, s := range order[:min(need, len(order))] {
		hits = append(hits, *cands[s.doc])
	}
	// Too few ranked (a query of stop words): the scope's first chunks.
	for _, r := range ix.scopeRanges(scope) {
		for i := r[0]; len(hits) < need && i < r[1]; i++ {
			if _, ok := cands[i]; !ok {
				hits = append(hits, Hit{Chunk: ix.chunks[i], Similarity: -2})
			}
		}
	}
	for j := range hits {
		if hits[j].Similarity == -2 {
			hits[j].Similarity = ix.similarity(qv, ix.pos[hits[j].Chunk.ID])
		}
	}
	res.Hits = hits[:k]
	res.Coverage, res.Missing = ix.coverage(toks, hits[:min(ix.relevance.TopN, len(hits))])
	res.Covered = ix.relevance.covers(res, toks)
	return res, nil
}

// topHit is the vector store's best hit over the whole collection, if
// any, or why there is none.
type topHit struct {
	hit VectorHit
	ok  bool
	err error
}

// bestVector returns the chunk most similar to qv in the whole collection;
// of several equally similar (the same passage in two stories), the first
// by ID, as the vector ranking orders them. A store may return any of
// equals (chromem-go's concurrent scan does), so it is asked for a few,
// and for more while all it returns are equal.
func (ix *Index) bestVector(ctx context.Context, qv []float32) (VectorHit, bool, error) {
	for k := 4; ; k *= 4 {
		hits, err := ix.store.Query(ctx, qv, k, "")
		if err != nil || len(hits) == 0 {
			return VectorHit{}, false, err
		}
		best, tied := hits[0], 0
		for _, h := range hits {
			if h.Similarity > best.Similarity || h.Similarity == best.Similarity && h.ID < best.ID {
				best = h
			}
		}
		for _, h := range hits {
			if h.Similarity == best.Similarity {
				tied++
			}
		}
		if tied < len(hits) || len(hits) < k {
			return best, true, nil
		}
	}
}

// localScale weighs each query term, in a chunk of one of the scope's
// stories, by how rare it is among that story's chunks: once a story is
// chosen, a word every passage of it holds (its subject, its title's words)
// says nothing about which passage answers, and the passage that merely
// restates the question (often the lead) should not outrank the one that
// adds the answer. A term's IDF becomes (1−λ)·idf + λ·idfₛ, idf being
// BM25's IDF among all chunks and idfₛ among the story's; in a collection
// of one story the two are the same. λ is StoryPolicy.Local. Nil without
// a scope or with λ = 0.
func (ix *Index) localScale(query []weightedTerm, scope []int) func(doc uint32, i int) float64 {
	lam := ix.storyPolicy.Local
	if scope == nil || lam == 0 || len(query) == 0 {
		return nil
	}
	at := make(map[int32]int, len(scope))
	f := make([]float64, len(scope)*len(query))
	for k, si := range scope {
		at[int32(si)] = k
		st := ix.stories[si]
		n := float64(st.N)
		for i, q := range query {
			g := ix.bm.idf(q.term)
			if g == 0 {
				continue
			}
			df := float64(ix.bm.countIn(q.term, st.First, st.First+st.N))
			f[k*len(query)+i] = (1 - lam) + lam*bm25IDF(n, df)/g
		}
	}
	return func(doc uint32, i int) float64 {
		return f[at[ix.story[doc]]*len(query)+i]
	}
}

// similarity is the cosine similarity of a unit query vector to chunk i; 0
// without a query vector.
func (ix *Index) similarity(qv []float32, i int) float64 {
	v := ix.vecs[i]
	if len(qv) != len(v) {
		return 0
	}
	var dot float32
	for j := range v {
		dot += qv[j] * v[j]
	}
	return float64(dot)
}

// embedQuery embeds a query. With the local embedder, its words are weighted
// by their IDF in this corpus rather than the background collection: the
// chunks' vectors must not depend on the corpus, but a query's may, and a
// word every story of this corpus holds (the name it is all about) says
// little about which passage answers.
func (ix *Index) embedQuery(ctx context.Context, text string, toks []Token) ([]float32, error) {
	if ix.local == nil {
		return ix.embed(ctx, text)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return ix.local.embedWeighted(toks, ix.IDF), nil
}
