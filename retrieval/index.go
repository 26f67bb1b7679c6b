package retrieval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"

	"github.com/philippgille/chromem-go"

	"github.com/articlebot/articlebot/corpus"
)

// Options configure an index.
type Options struct {
	// Embed embeds the query, and the chunks unless EmbedDocuments is set.
	// Nil means a LocalEmbedder fitted on the chunks: chromem-go itself would
	// fall back to calling OpenAI.
	Embed EmbeddingFunc
	// EmbedDocuments, when set, embeds many chunks per call.
	EmbedDocuments func(ctx context.Context, texts []string) ([][]float32, error)
	// Precomputed holds chunk embeddings by chunk ID, from a persisted index;
	// only the chunks missing from it are embedded.
	Precomputed map[string][]float32
	// Expand returns synonyms for a lower-case word, for query expansion.
	// Nil disables expansion.
	Expand func(word string) []string
	// Relevance decides whether a search found the answer's passages. The
	// zero value means DefaultRelevance.
	Relevance Relevance
	// LexicalFallback, when set, decides whether a search whose query
	// embedding failed with err ranks by BM25 alone (reporting err in
	// Result.EmbedErr) instead of failing: a remote embedder being down, or
	// too slow for the search's deadline, need not stop answers.
	LexicalFallback func(err error) bool
}

// Index holds a corpus's chunks in a chromem-go collection and a BM25 index.
type Index struct {
	chunks     []corpus.Chunk
	pos        map[string]int
	coll       *chromem.Collection
	embed      EmbeddingFunc
	lex        *bm25
	stems      []map[string]bool
	expand     func(string) []string
	relevance  Relevance
	embeddings map[string][]float32
	fallback   func(error) bool
}

const collectionName = "chunks"

// Build embeds and indexes the chunks.
func Build(ctx context.Context, chunks []corpus.Chunk, opt Options) (*Index, error) {
	if len(chunks) == 0 {
		return nil, errors.New("no chunks to index")
	}
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = c.IndexText()
	}
	ix := &Index{
		chunks:     chunks,
		pos:        make(map[string]int, len(chunks)),
		embed:      opt.Embed,
		lex:        newBM25(texts),
		expand:     opt.Expand,
		relevance:  opt.Relevance,
		embeddings: make(map[string][]float32, len(chunks)),
		fallback:   opt.LexicalFallback,
	}
	if ix.relevance == (Relevance{}) {
		ix.relevance = DefaultRelevance
	}
	if ix.embed == nil {
		ix.embed = NewLocalEmbedder(texts).Embed
	}
	for i, c := range chunks {
		if _, dup := ix.pos[c.ID]; dup {
			return nil, fmt.Errorf("duplicate chunk id %s", c.ID)
		}
		ix.pos[c.ID] = i
		set := map[string]bool{}
		for _, s := range Stems(texts[i]) {
			set[s] = true
		}
		ix.stems = append(ix.stems, set)
	}

	vecs, err := ix.embedChunks(ctx, texts, opt)
	if err != nil {
		return nil, err
	}
	db := chromem.NewDB()
	coll, err := db.CreateCollection(collectionName, nil, ix.embed)
	if err != nil {
		return nil, fmt.Errorf("couldn't create collection: %w", err)
	}
	docs := make([]chromem.Document, len(chunks))
	for i, c := range chunks {
		docs[i] = chromem.Document{
			ID:        c.ID,
			Content:   c.Text,
			Embedding: vecs[i],
			Metadata: map[string]string{
				"article": c.ArticleID, "title": c.ArticleTitle, "section": c.Section,
			},
		}
	}
	if err := coll.AddDocuments(ctx, docs, runtime.NumCPU()); err != nil {
		return nil, fmt.Errorf("couldn't add chunks to the collection: %w", err)
	}
	ix.coll = coll
	return ix, nil
}

// embedChunks returns one unit vector per chunk, reusing precomputed ones.
func (ix *Index) embedChunks(ctx context.Context, texts []string, opt Options) ([][]float32, error) {
	vecs := make([][]float32, len(texts))
	var missing []int
	for i, c := range ix.chunks {
		if v, ok := opt.Precomputed[c.ID]; ok && len(v) > 0 {
			vecs[i] = v
		} else {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 && opt.EmbedDocuments != nil {
		batch := make([]string, len(missing))
		for j, i := range missing {
			batch[j] = texts[i]
		}
		got, err := opt.EmbedDocuments(ctx, batch)
		if err != nil {
			return nil, fmt.Errorf("couldn't embed chunks: %w", err)
		}
		if len(got) != len(batch) {
			return nil, fmt.Errorf("couldn't embed chunks: got %d embeddings for %d chunks", len(got), len(batch))
		}
		for j, i := range missing {
			vecs[i] = got[j]
		}
	} else {
		for _, i := range missing {
			v, err := ix.embed(ctx, texts[i])
			if err != nil {
				return nil, fmt.Errorf("couldn't embed chunk %s: %w", ix.chunks[i].ID, err)
			}
			vecs[i] = v
		}
	}
	dims := len(vecs[0])
	for i, v := range vecs {
		if len(v) == 0 || len(v) != dims {
			return nil, fmt.Errorf("%w: chunk %s has an embedding of %d dimensions, want %d", errDims, ix.chunks[i].ID, len(v), dims)
		}
		vecs[i] = Normalize(v)
		ix.embeddings[ix.chunks[i].ID] = vecs[i]
	}
	return vecs, nil
}

// errDims marks embeddings of differing lengths, as when precomputed
// vectors came from another model.
var errDims = errors.New("embeddings differ in length")

// Embeddings returns the unit vector stored for each chunk ID, for
// persisting. The map is a copy; the vectors are shared and must not be
// modified.
func (ix *Index) Embeddings() map[string][]float32 {
	out := make(map[string][]float32, len(ix.embeddings))
	for k, v := range ix.embeddings {
		out[k] = v
	}
	return out
}

// Chunks returns the indexed chunks in corpus order.
func (ix *Index) Chunks() []corpus.Chunk { return slices.Clone(ix.chunks) }

// Len is the number of indexed chunks.
func (ix *Index) Len() int { return len(ix.chunks) }

// Chunk returns the chunk with the given ID.
func (ix *Index) Chunk(id string) (corpus.Chunk, bool) {
	i, ok := ix.pos[id]
	if !ok {
		return corpus.Chunk{}, false
	}
	return ix.chunks[i], true
}

// IDF is the BM25 inverse document frequency of a stem in this corpus.
func (ix *Index) IDF(stem string) float64 { return ix.lex.idf(stem) }

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
	// EmbedErr is why the query could not be embedded when the ranking
	// fell back to BM25 alone (see Options.LexicalFallback); nil otherwise.
	EmbedErr error
}

// rrfK is the reciprocal-rank fusion constant from Cormack et al. (2009).
const rrfK = 60

// Search ranks the chunks for query and returns the best k, clamped to the
// number of chunks, with the relevance decision.
func (ix *Index) Search(ctx context.Context, query string, k int) (*Result, error) {
	if k <= 0 {
		return nil, fmt.Errorf("k must be positive, got %d", k)
	}
	k = min(k, ix.Len())
	toks := Tokenize(query)
	terms := ix.queryTerms(toks)
	res := &Result{Terms: terms}

	var vres []chromem.Result
	qv, err := ix.embed(ctx, query)
	switch {
	case err != nil && ix.fallback != nil && ix.fallback(err):
		res.EmbedErr = err
	case err != nil:
		return nil, fmt.Errorf("couldn't embed query: %w", err)
	default:
		// chromem-go errors when asked for more results than it holds.
		vres, err = ix.coll.QueryEmbedding(ctx, Normalize(qv), min(ix.coll.Count(), ix.Len()), nil, nil)
		if err != nil {
			return nil, fmt.Errorf("couldn't query the vector index: %w", err)
		}
	}
	hits := make([]Hit, len(ix.chunks))
	for i, c := range ix.chunks {
		hits[i].Chunk = c
	}
	for r, v := range vres {
		i := ix.pos[v.ID]
		hits[i].Similarity = float64(v.Similarity)
		if len(toks) > 0 {
			hits[i].VectorRank = r + 1
			hits[i].Score += 1 / float64(rrfK+r+1)
		}
	}
	lex := ix.lex.score(terms)
	order := make([]int, len(lex))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return lex[order[a]] > lex[order[b]] })
	for r, i := range order {
		if lex[i] <= 0 {
			break
		}
		hits[i].BM25 = lex[i]
		hits[i].LexicalRank = r + 1
		hits[i].Score += 1 / float64(rrfK+r+1)
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].Score > hits[b].Score })
	res.Hits = hits[:k]
	res.Coverage, res.Missing = ix.coverage(toks, hits[:min(ix.relevance.TopN, len(hits))])
	res.Covered = ix.relevance.covers(res, toks)
	return res, nil
}

// queryTerms weights the question's stems at 1 and the stems of their
// synonyms, where the corpus has them, at expansionWeight.
func (ix *Index) queryTerms(toks []Token) map[string]float64 {
	terms := map[string]float64{}
	for _, t := range toks {
		terms[t.Stem] = 1
	}
	if ix.expand == nil {
		return terms
	}
	for _, t := range toks {
		for _, syn := range ix.synonyms(t) {
			if _, ok := terms[syn]; !ok && ix.lex.df[syn] > 0 {
				terms[syn] = expansionWeight
			}
		}
	}
	return terms
}

const expansionWeight = 0.5

// synonyms returns the stems of a token's synonyms, trying the word itself
// and then simple base forms, since the lexicon lists base forms only.
func (ix *Index) synonyms(t Token) []string {
	var out []string
	for _, form := range baseForms(t.Word) {
		for _, s := range ix.expand(form) {
			for _, st := range Stems(s) {
				if st != t.Stem && !slices.Contains(out, st) {
					out = append(out, st)
				}
			}
		}
	}
	return out
}

func baseForms(w string) []string {
	forms := []string{w}
	for _, suf := range []string{"ies", "es", "s", "ed", "ing"} {
		if len(w) > len(suf)+2 && w[len(w)-len(suf):] == suf {
			base := w[:len(w)-len(suf)]
			if suf == "ies" {
				base += "y"
			}
			forms = append(forms, base)
			if suf == "ed" || suf == "ing" {
				forms = append(forms, base+"e")
			}
		}
	}
	return forms
}

// coverage is the IDF-weighted share of the question's stems that appear in
// the top hits, a synonym counting for expansionWeight of its word.
func (ix *Index) coverage(toks []Token, top []Hit) (float64, []string) {
	return ix.coverageBy(toks, func(stem string) bool { return ix.inHits(stem, top) })
}

// SentenceCoverage is the IDF-weighted share of the query's words, or their
// synonyms at a discount, among a sentence's stems: how well one sentence
// covers a question.
func (ix *Index) SentenceCoverage(query string, stems map[string]bool) float64 {
	c, _ := ix.coverageBy(Tokenize(query), func(stem string) bool { return stems[stem] })
	return c
}

func (ix *Index) coverageBy(toks []Token, has func(stem string) bool) (float64, []string) {
	var have, total float64
	var missing []string
	seen := map[string]bool{}
	for _, t := range toks {
		if seen[t.Stem] {
			continue
		}
		seen[t.Stem] = true
		w := ix.IDF(t.Stem)
		if framing[t.Word] {
			w *= framingWeight
		}
		total += w
		switch {
		case has(t.Stem):
			have += w
		case ix.expand != nil && slices.ContainsFunc(ix.synonyms(t), has):
			have += w * expansionWeight
		default:
			missing = append(missing, t.Word)
		}
	}
	if total == 0 {
		return 0, missing
	}
	return have / total, missing
}

func (ix *Index) inHits(stem string, hits []Hit) bool {
	for _, h := range hits {
		if ix.stems[ix.pos[h.Chunk.ID]][stem] {
			return true
		}
	}
	return false
}

// framing words shape a question ("on what date", "which kinds of") more than
// they name its topic, so a passage lacking them can still answer it.
var framing = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"date", "day", "year", "time", "kind", "kinds", "type", "types", "sort", "sorts",
		"occasion", "reason", "reasons", "way", "ways", "roughly", "approximately", "exactly",
		"else", "apart", "besides", "number", "amount", "name", "names", "happen", "happened",
		"mean", "means", "describe", "described", "called", "estimate", "estimated", "main",
		"specific", "particular", "role", "part", "example", "examples", "exact", "detail", "details",
		"get", "gets", "got", "gotten", "getting",
	} {
		m[w] = true
	}
	return m
}()

const framingWeight = 0.2

// Relevance is the calibrated rule for "the corpus covers this question".
type Relevance struct {
	// TopN is how many of the best hits the question's words are looked for in.
	TopN int
	// MinCoverage is the least IDF-weighted share of the question's words
	// the top hits must contain.
	MinCoverage float64
	// RejectUnknownNames refuses questions naming something, such as
	// "China", that appears nowhere in the corpus.
	RejectUnknownNames bool
}

// DefaultRelevance was calibrated on testdata/qa.jsonl (see the eval command).
var DefaultRelevance = Relevance{TopN: 3, MinCoverage: 0.25, RejectUnknownNames: true}

func (r Relevance) covers(res *Result, toks []Token) bool {
	if len(toks) == 0 || len(res.Hits) == 0 || res.Coverage < r.MinCoverage {
		return false
	}
	if r.RejectUnknownNames {
		for _, t := range toks {
			if t.Capital && slices.Contains(res.Missing, t.Word) {
				return false
			}
		}
	}
	return true
}
