package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/articlebot/articlebot/corpus"
)

// Options configure an index.
type Options struct {
	// Embed embeds the query, and the chunks unless EmbedDocuments is set.
	// Nil means a LocalEmbedder of LocalDims dimensions (LocalDims when
	// set): chromem-go itself would fall back to calling OpenAI.
	Embed EmbeddingFunc
	// LocalDims is the local embedder's dimension when Embed is nil; 0
	// means the default, LocalDims.
	LocalDims int
	// EmbedDocuments, when set, embeds many chunks per call.
	EmbedDocuments func(ctx context.Context, texts []string) ([][]float32, error)
	// Precomputed holds chunk embeddings by chunk ID; only the chunks
	// missing from it are embedded.
	Precomputed map[string][]float32
	// Expand returns synonyms for a lower-case word, for query expansion.
	// Nil disables expansion.
	Expand func(word string) []string
	// Neighbours widen queries by words near theirs in meaning. The zero
	// value means DefaultNeighbours; a negative Weight turns them off.
	Neighbours Neighbours
	// Relevance decides whether a search found the answer's passages. The
	// zero value means DefaultRelevance.
	Relevance Relevance
	// StoryPolicy decides how many stories a search's hits come from
	// when the query leaves it to the index; the zero value means
	// DefaultStoryPolicy.
	StoryPolicy StoryPolicy
	// LexicalFallback, when set, decides whether a search whose query
	// embedding failed with err ranks by BM25 alone (reporting err in
	// Result.EmbedErr) instead of failing: a remote embedder being down, or
	// too slow for the search's deadline, need not stop answers.
	LexicalFallback func(err error) bool
	// NewVectorStore makes the index's vector store; nil means chromem-go.
	NewVectorStore func() (VectorStore, error)
}

// Index holds a corpus's chunks: their vectors in a VectorStore, their
// stems in a BM25 index with postings lists, and the story each belongs to.
type Index struct {
	chunks  []corpus.Chunk
	pos     map[string]int
	story   []int32 // chunk → its story's position in stories
	stories []Story
	byID    map[string]int // story ID → position
	terms   []chunkTerms
	hashes  [][32]byte // chunk content hashes
	lex     *lexicon
	// bm and stix are made by lexical, once, before their first use.
	bm      *bm25
	stix    *storyIndex // BM25F over whole stories (storyindex.go)
	lexical func()
	vecs    [][]float32 // unit vectors by chunk
	// slots are the chunks' vectors' slots in the store's vectors file, -1
	// for a vector not saved there yet.
	slots []int32
	// mapped keeps the vectors file that vecs point into mapped while the
	// index is in use; nil when no vector came from a store.
	mapped *mappedVectors
	store  VectorStore
	// version identifies the indexed content: the stories' hashes.
	version string

	opt   Options // as built, for Story
	embed EmbeddingFunc
	// local is the local embedder when it embeds the chunks: queries are
	// then weighted by this corpus's IDF (see embedQuery).
	local  *LocalEmbedder
	expand func(string) []string
	// synonymMemo holds synonyms' results by word.
	synonymMemo memo[[]string]
	relevance   Relevance
	fallback    func(error) bool
	// storyPolicy decides how many stories a search's hits come from.
	storyPolicy StoryPolicy
	// neighbourPolicy widens queries by words near theirs in meaning;
	// neighbourMemo holds nearTerms' results by word.
	neighbourPolicy Neighbours
	neighbourMemo   memo[[]nearTerm]
}

// Story is one article of the index: its ID, title and chunks.
type Story struct {
	ID, Title string
	// First is the position of its first chunk in Chunks; it has N.
	First, N int
	// Hash identifies the story's indexed text and how it was chunked.
	Hash [32]byte
}

// storyChunks groups chunks by article, in order. An article's chunks must
// be consecutive, as corpus.Corpus.Chunks gives them. Stories are hashed
// unless hashes, when it has one per story, gives their hashes (a zero
// hash: compute this one).
func storyChunks(chunks []corpus.Chunk, hashes [][32]byte) ([]Story, error) {
	var out []Story
	seen := map[string]bool{}
	for i, c := range chunks {
		if len(out) > 0 && out[len(out)-1].ID == c.ArticleID {
			out[len(out)-1].N++
			continue
		}
		if seen[c.ArticleID] {
			return nil, fmt.Errorf("the chunks of article %s are not consecutive", c.ArticleID)
		}
		seen[c.ArticleID] = true
		out = append(out, Story{ID: c.ArticleID, Title: c.ArticleTitle, First: i, N: 1})
	}
	if len(hashes) != len(out) {
		hashes = nil
	}
	h := sha256.New()
	for i := range out {
		if hashes != nil && hashes[i] != ([32]byte{}) {
			out[i].Hash = hashes[i]
			continue
		}
		h.Reset()
		io.WriteString(h, corpus.ChunkingVersion)
		for _, c := range chunks[out[i].First : out[i].First+out[i].N] {
			// The chunk's ID and IndexText, written in pieces.
			h.Write([]byte{0})
			io.WriteString(h, c.ID)
			h.Write([]byte{0})
			io.WriteString(h, c.ArticleTitle)
			io.WriteString(h, "\n")
			io.WriteString(h, c.Section)
			io.WriteString(h, "\n")
			io.WriteString(h, c.Text)
		}
		h.Sum(out[i].Hash[:0])
	}
	return out, nil
}

// Build embeds and indexes the chunks in memory.
func Build(ctx context.Context, chunks []corpus.Chunk, opt Options) (*Index, error) {
	ix, _, err := build(ctx, chunks, opt, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	ix.lexical()
	return ix, nil
}

// stored is what a persisted index holds for one story: its chunks' terms
// (numbered by the persisted lexicon; nil until persisted.terms decodes
// them) and vectors.
type stored struct {
	terms  []chunkTerms
	vecs   [][]float32
	hashes [][32]byte // content hashes (corpus.Chunk.ContentHash)
	slots  []int32    // in the vectors file
}

// buildStats counts what build did.
type buildStats struct {
	reusedStories, newStories, tokenized, reused, embedded int
}

// build indexes chunks, taking the terms and vectors of stories whose hash
// prev holds (numbered by lex) and tokenising and embedding only the rest.
// With lx, the postings prev saved for these very chunks, every story must
// be in prev: the index takes the postings as they are and holds no terms.
func build(ctx context.Context, chunks []corpus.Chunk, opt Options, prev *persisted, hashes [][32]byte, lx *lexicalIndex) (*Index, buildStats, error) {
	var st buildStats
	if len(chunks) == 0 {
		return nil, st, errors.New("no chunks to index")
	}
	if prev != nil && lx == nil {
		if err := prev.terms(); err != nil {
			return nil, st, fmt.Errorf("%w: %w", errSavedTerms, err)
		}
	}
	stories, err := storyChunks(chunks, hashes)
	if err != nil {
		return nil, st, err
	}
	ix := &Index{
		chunks: chunks, pos: make(map[string]int, len(chunks)), story: make([]int32, len(chunks)),
		stories: stories, byID: make(map[string]int, len(stories)),
		vecs: make([][]float32, len(chunks)), hashes: make([][32]byte, len(chunks)),
		slots: make([]int32, len(chunks)),
		embed: opt.Embed, expand: opt.Expand, synonymMemo: memo[[]string]{max: 1 << 12}, neighbourMemo: memo[[]nearTerm]{max: 1 << 12}, relevance: opt.Relevance, fallback: opt.LexicalFallback, opt: opt,
	}
	if ix.relevance == (Relevance{}) {
		ix.relevance = DefaultRelevance
	}
	ix.storyPolicy = opt.StoryPolicy
	ix.neighbourPolicy = opt.Neighbours
	if nb := ix.neighbourPolicy; nb.Nearest == nil && nb.K == 0 && nb.Floor == 0 && nb.Weight == 0 {
		ix.neighbourPolicy = DefaultNeighbours
	}
	if ix.storyPolicy == (StoryPolicy{}) {
		ix.storyPolicy = DefaultStoryPolicy
	}
	var local *LocalEmbedder
	if ix.embed == nil {
		local = NewLocalEmbedder(opt.LocalDims)
		ix.embed, ix.local = local.Embed, local
	}
	for i, c := range chunks {
		if _, dup := ix.pos[c.ID]; dup {
			return nil, st, fmt.Errorf("duplicate chunk id %s", c.ID)
		}
		ix.pos[c.ID] = i
	}
	ver := sha256.New()
	if prev != nil {
		if lx != nil && lx.lex != nil {
			ix.lex = lx.lex
		} else {
			ix.lex = newLexicon(prev.stems)
		}
		ix.mapped = prev.vectors
	} else {
		ix.lex = newLexicon(nil)
	}
	if lx == nil {
		ix.terms = make([]chunkTerms, len(chunks))
	}
	var todo []int // chunks to tokenise (and embed, unless precomputed)
	for si, s := range stories {
		ix.byID[s.ID] = si
		ver.Write(s.Hash[:])
		for i := s.First; i < s.First+s.N; i++ {
			ix.story[i] = int32(si)
		}
		if p, ok := prev.story(s.Hash); ok && len(p.slots) == s.N {
			if ix.terms != nil {
				copy(ix.terms[s.First:], p.terms)
			}
			copy(ix.vecs[s.First:], p.vecs)
			copy(ix.hashes[s.First:], p.hashes)
			copy(ix.slots[s.First:], p.slots)
			st.reusedStories++
			st.reused += s.N
			continue
		}
		st.newStories++
		for i := s.First; i < s.First+s.N; i++ {
			todo = append(todo, i)
		}
	}
	ix.version = hex.EncodeToString(ver.Sum(nil))[:16]
	if lx != nil {
		if len(todo) > 0 {
			return nil, st, errors.New("the saved postings are not of these chunks")
		}
		ix.terms, ix.bm, ix.stix, ix.lexical = nil, lx.bm, lx.stix, func() {}
		return ix, st, ix.fillStore(ctx, opt, nil)
	}
	fresh, err := ix.process(ctx, todo, opt, local, prev, &st)
	if err != nil {
		return nil, st, err
	}
	// The postings lists and the story index are made when the index is
	// first searched (or Prefill asks): `index`, which only saves, never
	// pays for them.
	ix.lexical = sync.OnceFunc(func() {
		// Both from the same terms at once, on two CPUs where there are two.
		stix := make(chan *storyIndex, 1)
		go func() { stix <- newStoryIndex(ix.stories, ix.terms, ix.lex) }()
		ix.bm = newBM25(len(ix.lex.stems), ix.terms)
		ix.stix = <-stix
	})
	if err := ix.fillStore(ctx, opt, fresh); err != nil {
		return nil, st, err
	}
	return ix, st, nil
}

// process tokenises the chunks todo once, numbering their stems and, for
// the local embedder, embedding them from the same tokens; others are
// embedded by opt's embedder.
//
// It returns the chunks whose vectors did not come from the store.
func (ix *Index) process(ctx context.Context, todo []int, opt Options, local *LocalEmbedder, prev *persisted, st *buildStats) ([]int, error) {
	if len(todo) == 0 {
		return nil, nil
	}
	old := prev.chunkVectors()
	toks := make([][]Token, len(todo))
	embedded := make([]bool, len(todo))
	workers := min(runtime.NumCPU(), max(1, len(todo)/64))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := w; j < len(todo); j += workers {
				if ctx.Err() != nil {
					return
				}
				i := todo[j]
				text := ix.chunks[i].IndexText()
				ix.hashes[i] = sha256.Sum256([]byte(text))
				toks[j] = Tokenize(text)
				ix.slots[i] = -1
				if v, ok := old[ix.hashes[i]]; ok {
					ix.vecs[i], ix.slots[i] = v.vec, v.slot
				} else if v := opt.Precomputed[ix.chunks[i].ID]; len(v) > 0 {
					ix.vecs[i] = v
				}
				if local != nil && opt.EmbedDocuments == nil && ix.vecs[i] == nil {
					ix.vecs[i] = local.EmbedTokens(toks[j])
					embedded[j] = true
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for j, i := range todo {
		ix.terms[i] = ix.lex.analyze(toks[j])
	}
	var missing, fresh []int
	for j, i := range todo {
		switch {
		case ix.vecs[i] == nil:
			missing = append(missing, i)
			fresh = append(fresh, i)
		case embedded[j]:
			st.embedded++
			fresh = append(fresh, i)
		case ix.slots[i] < 0: // precomputed
			st.reused++
			fresh = append(fresh, i)
		default:
			st.reused++
		}
	}
	st.tokenized = len(todo)
	st.embedded += len(missing)
	if len(missing) > 0 && opt.EmbedDocuments != nil {
		batch := make([]string, len(missing))
		for j, i := range missing {
			batch[j] = ix.chunks[i].IndexText()
		}
		got, err := opt.EmbedDocuments(ctx, batch)
		if err != nil {
			return nil, fmt.Errorf("couldn't embed chunks: %w", err)
		}
		if len(got) != len(batch) {
			return nil, fmt.Errorf("couldn't embed chunks: got %d embeddings for %d chunks", len(got), len(batch))
		}
		for j, i := range missing {
			ix.vecs[i] = got[j]
		}
	} else {
		for _, i := range missing {
			v, err := ix.embed(ctx, ix.chunks[i].IndexText())
			if err != nil {
				return nil, fmt.Errorf("couldn't embed chunk %s: %w", ix.chunks[i].ID, err)
			}
			ix.vecs[i] = v
		}
	}
	return fresh, nil
}

// errSavedTerms marks a saved index whose terms could not be decoded.
var errSavedTerms = errors.New("the saved terms are unreadable")

// errDims marks embeddings of differing lengths, as when precomputed
// vectors came from another model.
var errDims = errors.New("embeddings differ in length")

// fillStore checks the vectors and makes the fresh ones (not from the
// store) unit vectors of their own, as the store saves and gives them
// back. The vector store is filled at the index's first vector query, so
// that a process that never searches (`index`) never pays for it.
func (ix *Index) fillStore(ctx context.Context, opt Options, fresh []int) error {
	dims := len(ix.vecs[0])
	for _, i := range fresh {
		if v := ix.vecs[i]; len(v) == dims {
			ix.vecs[i] = Normalize(v)
		}
	}
	docs := make([]VectorDoc, len(ix.chunks))
	for i, v := range ix.vecs {
		if len(v) == 0 || len(v) != dims {
			return fmt.Errorf("%w: chunk %s has an embedding of %d dimensions, want %d", errDims, ix.chunks[i].ID, len(v), dims)
		}
		docs[i] = VectorDoc{ID: ix.chunks[i].ID, Story: ix.chunks[i].ArticleID, Vector: v}
	}
	newStore := opt.NewVectorStore
	if newStore == nil {
		newStore = NewChromemStore
	}
	ix.store = &lazyStore{keep: ix.mapped, fill: sync.OnceValues(func() (VectorStore, error) {
		store, err := newStore()
		if err != nil {
			return nil, err
		}
		// Not the first query's context: a store half filled when it
		// ended would stay so.
		if err := store.Add(context.WithoutCancel(ctx), docs); err != nil {
			return nil, fmt.Errorf("couldn't add chunks to the vector store: %w", err)
		}
		return store, nil
	})}
	return nil
}

// Prefill starts filling the vector store and making the postings lists
// in the background, for a process that is about to search: the work then
// overlaps whatever comes before the first search.
func (ix *Index) Prefill() {
	go ix.lexical()
	if s, ok := ix.store.(*lazyStore); ok {
		go func() {
			defer runtime.KeepAlive(s)
			s.fill()
		}()
	}
}

// lazyStore is a VectorStore filled at its first query.
type lazyStore struct {
	fill func() (VectorStore, error)
	// keep holds the mapping the vectors point into for as long as the
	// store is in use, an index's or a Prefill's.
	keep *mappedVectors
}

func (s *lazyStore) Add(ctx context.Context, docs []VectorDoc) error {
	store, err := s.fill()
	if err != nil {
		return err
	}
	return store.Add(ctx, docs)
}

func (s *lazyStore) Query(ctx context.Context, vec []float32, k int, story string) ([]VectorHit, error) {
	defer runtime.KeepAlive(s)
	store, err := s.fill()
	if err != nil {
		return nil, err
	}
	return store.Query(ctx, vec, k, story)
}

// Embeddings returns a copy of the unit vector stored for each chunk ID.
func (ix *Index) Embeddings() map[string][]float32 {
	out := make(map[string][]float32, len(ix.chunks))
	for i, c := range ix.chunks {
		out[c.ID] = slices.Clone(ix.vecs[i])
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

// Stories lists the indexed stories in corpus order.
func (ix *Index) Stories() []Story { return slices.Clone(ix.stories) }

// StoryChunks returns the chunks of the story with the given ID, in order;
// nil when there is no such story.
func (ix *Index) StoryChunks(id string) []corpus.Chunk {
	si, ok := ix.byID[id]
	if !ok {
		return nil
	}
	s := ix.stories[si]
	return slices.Clone(ix.chunks[s.First : s.First+s.N])
}

// Version identifies the indexed content and how it was chunked, for cache
// keys: it changes whenever any story's text does.
func (ix *Index) Version() string { return ix.version }

// Dims is the length of the index's vectors.
func (ix *Index) Dims() int { return len(ix.vecs[0]) }

// IDF is the BM25 inverse document frequency of a stem in this corpus.
func (ix *Index) IDF(stem string) float64 {
	id, ok := ix.lex.ids[stem]
	if !ok {
		return bm25IDF(float64(len(ix.chunks)), 0)
	}
	ix.lexical()
	return ix.bm.idf(id)
}

// df is the number of chunks holding stem.
func (ix *Index) df(stem string) int {
	id, ok := ix.lex.ids[stem]
	if !ok {
		return 0
	}
	ix.lexical()
	return ix.bm.df(id)
}

// hasStem reports whether chunk i holds stem.
func (ix *Index) hasStem(i int, stem string) bool {
	return ix.holds(i, i+1, stem)
}

// holds reports whether any of the chunks [lo, hi) holds stem, from the
// postings (an index opened with its saved postings holds no terms).
func (ix *Index) holds(lo, hi int, stem string) bool {
	id, ok := ix.lex.ids[stem]
	if !ok {
		return false
	}
	ix.lexical()
	return ix.bm.countIn(id, lo, hi) > 0
}

// Story returns an index of one story alone, with this index's vectors
// and options: what a summary of one story of a collection works over.
// Its vectors are copies (Build makes every vector it is given a unit
// vector of its own), never slices of this index's mapped vectors file,
// which is released once this index is unreachable while the story's
// index may still be in use (TestStoryIndexOutlivesItsParentsMapping).
func (ix *Index) Story(ctx context.Context, id string) (*Index, error) {
	si, ok := ix.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownStory, id)
	}
	s := ix.stories[si]
	opt := ix.opt
	opt.EmbedDocuments = nil
	opt.NewVectorStore = nil
	opt.Precomputed = make(map[string][]float32, s.N)
	for i := s.First; i < s.First+s.N; i++ {
		opt.Precomputed[ix.chunks[i].ID] = ix.vecs[i]
	}
	return Build(ctx, ix.chunks[s.First:s.First+s.N], opt)
}
