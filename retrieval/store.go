package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/articlebot/articlebot/corpus"
)

// Store persists an index in two files under a data directory. The index
// file holds a header, then the lexicon, each story's chunks' hashes and
// slots in the vectors file, each chunk's terms (the inputs of the postings
// lists), then the corpus when it is saved with the index, and with it the
// postings lists themselves (lexicalfile.go); the vectors file holds the
// vectors (see vectorfile.go). The index file is mapped, not read: a
// process opening an unchanged collection decodes the lexicon and the
// corpus and leaves the terms and postings where they are. The files belong to one embedding model,
// one corpus.ChunkingVersion and one tokeniser; stories are keyed by a
// hash of their indexed text, so an unchanged story is never tokenised or
// embedded twice and a changed one always is.
type Store struct {
	path  string
	model string // the model and where it runs, as the header records it
	// verifyAlways checks the vectors' checksum at every load, even when
	// the vectors file is as the index saved it (index --full).
	verifyAlways bool
	// mu serialises loading, building and saving within a process; between
	// processes, a lock file does (see lockFile), and readers need no lock:
	// the index file is replaced whole by a rename, and the vectors it
	// names are never changed once written.
	mu sync.Mutex
}

// ErrCorruptIndex is wrapped when the file is unreadable, truncated, fails
// its checksum, or belongs to another model or format.
var ErrCorruptIndex = errors.New("the persisted index is corrupt or foreign")

// storeFormat versions the file layout.
const storeFormat = 5

// storeMagic begins every index file.
const storeMagic = "ABINDEX\x00"

// Limits a header must respect before anything it describes is read.
const (
	maxHeaderBytes = 1 << 16
	maxDims        = 1 << 16
)

// NewStore returns the store for model's index under dir. server says where
// the model runs, such as the API's base URL: the same model name on another
// server may embed differently. Nothing is read or written until the store
// is used.
func NewStore(dir, model, server string) *Store {
	id := model
	if server != "" {
		id += " at " + server
	}
	sum := sha256.Sum256([]byte(id))
	name := fmt.Sprintf("index-%s-%s-chunking%s.bin", fileSafe(model), hex.EncodeToString(sum[:4]), corpus.ChunkingVersion)
	return &Store{path: filepath.Join(dir, name), model: id}
}

// Path is the store's index file.
func (s *Store) Path() string { return s.path }

func fileSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.') {
			return r
		}
		return '_'
	}, s)
	if len(s) > 48 {
		s = s[:48]
	}
	return s
}

// storeHeader follows the magic and its length, as JSON.
type storeHeader struct {
	Format   int    `json:"format"`
	Model    string `json:"model"`
	Chunking string `json:"chunking"`
	// Analyzer identifies the tokeniser, stemmer, stop words and
	// background table the stored terms and local vectors came from.
	Analyzer string `json:"analyzer"`
	Dims     int    `json:"dims"`
	Stories  int    `json:"stories"`
	Chunks   int    `json:"chunks"`
	Stems    int    `json:"stems"`
	// MetaBytes is the size of the lexicon and the stories' chunks'
	// hashes and slots, TermBytes that of the chunks' terms after them.
	MetaBytes int64 `json:"meta_bytes"`
	TermBytes int64 `json:"term_bytes"`
	// Source identifies the program that loaded the corpus section;
	// CorpusBytes is that section's size (0: none).
	Source      string         `json:"source,omitempty"`
	CorpusBytes int64          `json:"corpus_bytes,omitempty"`
	Report      snapshotReport `json:"report"`
	// LexicalBytes is the size of the postings section (0: none), which
	// follows the corpus at the next multiple of 8 bytes; only a file with
	// a corpus has one.
	LexicalBytes int64 `json:"lexical_bytes,omitempty"`
	// Vectors names the vectors file and the slots of it this index uses.
	Vectors vectorsRef `json:"vectors"`
	// CRC32C covers everything after the header (the vectors have their
	// own), so a torn or edited file is detected rather than trusted.
	CRC32C uint32 `json:"crc32c"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// analyzerID fingerprints everything stored terms and local embeddings
// depend on besides the text: change a stop word and the index is rebuilt.
var analyzerID = sync.OnceValue(func() string {
	h := sha256.New()
	// v2: stems undouble a British "ll" after two vowels (undouble); v3:
	// only after two vowels sounded apart ("trial", not "Neill").
	h.Write([]byte("tokenize-v3\x00"))
	words := make([]string, 0, len(stopwords))
	for w := range stopwords {
		words = append(words, w)
	}
	slices.Sort(words)
	for _, w := range words {
		h.Write([]byte(w + "\x00"))
	}
	forms := make([]string, 0, len(irregular))
	for w, s := range irregular {
		forms = append(forms, w+"="+s)
	}
	slices.Sort(forms)
	for _, f := range forms {
		h.Write([]byte(f + "\x00"))
	}
	h.Write([]byte(backgroundTable))
	return hex.EncodeToString(h.Sum(nil))[:16]
})

// persisted is a loaded index file: its lexicon and each story's terms and
// vectors by story hash.
type persisted struct {
	stems   []string
	stories map[[32]byte]stored
	ids     []string   // the stories' IDs, in order
	hashes  [][32]byte // the stories' hashes, in order
	nChunks int        // the stories' chunks
	// terms decodes the chunks' term lists into stories, once: until it
	// is called, every story's terms are nil.
	terms func() error
	// source and corpus are the saved corpus (encodeCorpus) and the
	// program that loaded it, when the file holds one, and lexical the
	// postings section saved with it (nil: none).
	source  string
	corpus  []byte
	lexical []byte
	report  snapshotReport
	dims    int
	// mapping is the index file's mapping, which the sections above are
	// slices of.
	mapping *indexMapping
	// vectors is the vectors file the stories' vectors point into, and
	// ref what the index file says of it.
	vectors *mappedVectors
	ref     vectorsRef
	// verify waits for the vectors' checksum, computed while the rest is
	// decoded, and says whether they are damaged.
	verify func() error
	// file is the index file's identity when it was read.
	file os.FileInfo
}

// unchangedSince reports whether the index file is still the one prev was
// read from.
func (s *Store) unchangedSince(prev *persisted) bool {
	info, err := os.Stat(s.path)
	return err == nil && prev.file != nil && os.SameFile(info, prev.file) && info.ModTime().Equal(prev.file.ModTime()) && info.Size() == prev.file.Size()
}

// chunkVector is a stored vector and its slot.
type chunkVector struct {
	vec  []float32
	slot int32
}

// chunkVectors indexes the stored vectors by chunk content hash, so that a
// changed story's unchanged chunks are not embedded again (an API costs).
func (p *persisted) chunkVectors() map[[32]byte]chunkVector {
	if p == nil {
		return nil
	}
	n := 0
	for _, st := range p.stories {
		n += len(st.hashes)
	}
	m := make(map[[32]byte]chunkVector, n)
	for _, st := range p.stories {
		for i, h := range st.hashes {
			m[h] = chunkVector{st.vecs[i], st.slots[i]}
		}
	}
	return m
}

func (p *persisted) story(h [32]byte) (stored, bool) {
	if p == nil {
		return stored{}, false
	}
	s, ok := p.stories[h]
	return s, ok
}

// errVectorsGone is a vectors file that vanished between reading the index
// file that names it and opening it: another process saved meanwhile.
var errVectorsGone = errors.New("the vectors file was replaced")

// load reads the index file. A missing file is (nil, nil); anything else
// unusable is an error wrapping ErrCorruptIndex. Only a regular file is
// read, only as much as its header says after checking that against the
// file's size, and reading stops when ctx ends. The vectors' checksum is
// still being computed when load returns: call verify before trusting
// them.
func (s *Store) load(ctx context.Context) (*persisted, error) {
	for range 3 {
		p, err := s.loadOnce(ctx)
		if !errors.Is(err, errVectorsGone) {
			return p, err
		}
	}
	return nil, fmt.Errorf("%w: %s: its vectors file keeps being replaced", ErrCorruptIndex, s.path)
}

func (s *Store) loadOnce(ctx context.Context) (*persisted, error) {
	f, err := openRegular(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrCorruptIndex, s.path, fmt.Sprintf(format, args...))
	}
	if err != nil {
		return nil, corrupt("%v", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, corrupt("%v", err)
	}
	if !info.Mode().IsRegular() {
		return nil, corrupt("not a regular file (%s)", info.Mode().Type())
	}
	r := io.NewSectionReader(f, 0, info.Size())
	var pre [len(storeMagic) + 4]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil || string(pre[:len(storeMagic)]) != storeMagic {
		return nil, corrupt("not an articlebot index")
	}
	hlen := int64(binary.LittleEndian.Uint32(pre[len(storeMagic):]))
	if hlen <= 0 || hlen > maxHeaderBytes || int64(len(pre))+hlen > info.Size() {
		return nil, corrupt("bad header length")
	}
	hbuf := make([]byte, hlen)
	if _, err := io.ReadFull(r, hbuf); err != nil {
		return nil, corrupt("truncated header")
	}
	var h storeHeader
	if err := json.Unmarshal(hbuf, &h); err != nil {
		return nil, corrupt("unreadable header")
	}
	switch {
	case h.Format != storeFormat:
		return nil, corrupt("format %d, want %d", h.Format, storeFormat)
	case h.Model != s.model:
		return nil, corrupt("embeddings of model %q, want %q", h.Model, s.model)
	case h.Chunking != corpus.ChunkingVersion:
		return nil, corrupt("chunking version %q, want %q", h.Chunking, corpus.ChunkingVersion)
	case h.Analyzer != analyzerID():
		return nil, corrupt("made by another tokeniser (%s, want %s)", h.Analyzer, analyzerID())
	case h.Dims <= 0 || h.Dims > maxDims || h.Chunks <= 0 || h.Stories <= 0 || h.Stories > h.Chunks || h.Stems < 0 ||
		h.MetaBytes < 0 || h.TermBytes < 0 || h.CorpusBytes < 0 || h.LexicalBytes < 0 || (h.LexicalBytes > 0 && h.CorpusBytes == 0) ||
		h.Vectors.Slots <= 0 || h.Vectors.Slots > math.MaxInt32:
		return nil, corrupt("bad sizes in the header")
	case h.fileSize(int64(len(pre))+hlen) != info.Size():
		return nil, corrupt("%d bytes, the header describes %d", info.Size(), h.fileSize(int64(len(pre))+hlen))
	}
	// The vectors file is mapped on another CPU while the index file is
	// mapped and its lexicon decoded.
	type mapped struct {
		vecs *mappedVectors
		err  error
	}
	mapping := make(chan mapped, 1)
	go func() {
		vecs, err := openVectors(s.path, h.Vectors, h.Dims)
		mapping <- mapped{vecs, err}
	}()
	p, err := s.loadSections(ctx, f, int64(len(pre))+hlen, info.Size(), h)
	m := <-mapping
	switch {
	case errors.Is(m.err, fs.ErrNotExist):
		return nil, errVectorsGone
	case m.err != nil:
		return nil, corrupt("%v", m.err)
	case err != nil:
		return nil, corrupt("%v", err)
	}
	p.attach(m.vecs)
	// The vectors' checksum is computed meanwhile, on another CPU, when
	// the vectors file changed since the index was saved.
	done := make(chan error, 1)
	if m.vecs.unchanged && !s.verifyAlways {
		done <- nil
	} else {
		go s.checkVectors(ctx, m.vecs, h, done, corrupt)
	}
	p.verify, p.file = sync.OnceValue(func() error { return <-done }), info
	return p, nil
}

// fileSize is the size of an index file of this header whose sections
// begin at off.
func (h storeHeader) fileSize(off int64) int64 {
	end := off + h.MetaBytes + h.TermBytes + h.CorpusBytes
	if h.LexicalBytes > 0 {
		end = lexicalOffset(end) + h.LexicalBytes
	}
	return end
}

// lexicalOffset is where the postings section begins after sections ending
// at end: the next multiple of 8, so that its arrays are aligned in a
// mapping (which begins at a page).
func lexicalOffset(end int64) int64 { return (end + 7) &^ 7 }

// indexMapping is an index file mapped into memory, or read where files
// are not mapped. It is released when the persisted index that mapped it is
// unreachable, unless it was pinned: the corpus and the postings are used
// in place, as strings and arrays the garbage collector does not know
// point into it, so a mapping they were taken from stays until the process
// ends. (One index file is opened per process; the file is replaced by a
// rename, never changed in place, so the mapping stays valid.)
type indexMapping struct {
	data   []byte
	pinned atomic.Bool
}

// pin keeps the mapping for the life of the process.
func (m *indexMapping) pin() { m.pinned.Store(true) }

// loadSections maps the index file f of size bytes, whose sections begin
// at off, checks them and decodes the lexicon and the stories' chunks; the
// terms are decoded when p.terms is called, the corpus and postings by
// their users.
func (s *Store) loadSections(ctx context.Context, f *os.File, off, size int64, h storeHeader) (*persisted, error) {
	data, unmap, err := mapFile(f, size)
	if err != nil {
		return nil, err
	}
	m := &indexMapping{data: data}
	// The checksum is computed on another CPU while the lexicon is
	// decoded (decoding checks every bound, so damaged bytes decode to
	// an error or to something the checksum then rejects).
	meta := data[off : off+h.MetaBytes]
	terms := data[off+h.MetaBytes : off+h.MetaBytes+h.TermBytes]
	end := off + h.MetaBytes + h.TermBytes + h.CorpusBytes
	corp := data[off+h.MetaBytes+h.TermBytes : end]
	var lex []byte
	if h.LexicalBytes > 0 {
		lex = data[lexicalOffset(end):size]
	}
	crc := make(chan uint32, 1)
	go func() { crc <- crcPieces(ctx, data[off:end], lex) }()
	p, err := decodeMeta(meta, h)
	if <-crc != h.CRC32C {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New("checksum mismatch")
	}
	if err != nil {
		return nil, err
	}
	p.mapping = m
	runtime.AddCleanup(p, func(m *indexMapping) {
		if !m.pinned.Load() {
			unmap()
		}
	}, m)
	p.terms = sync.OnceValue(func() error { return decodeChunkTerms(terms, h, p) })
	if len(corp) > 0 {
		p.source, p.corpus, p.report = h.Source, corp, h.Report
	}
	p.lexical = lex
	p.dims, p.ref = h.Dims, h.Vectors
	return p, nil
}

// attach points the stories' vectors into their slots of vecs.
func (p *persisted) attach(vecs *mappedVectors) {
	all := vecs.vectors(p.ref.Slots, p.dims)
	for _, st := range p.stories {
		for c, slot := range st.slots {
			lo, hi := int(slot)*p.dims, (int(slot)+1)*p.dims
			st.vecs[c] = all[lo:hi:hi]
		}
	}
	p.vectors = vecs
}

// checkVectors computes the vectors' checksum and sends what it found.
func (s *Store) checkVectors(ctx context.Context, vecs *mappedVectors, h storeHeader, done chan<- error, corrupt func(string, ...any) error) {
	crc, err := vecs.checksum(ctx, h.Vectors.Slots, h.Dims)
	switch {
	case err != nil:
		done <- corrupt("%v", err)
	case crc != h.Vectors.CRC32C:
		done <- corrupt("vectors checksum mismatch")
	default:
		done <- nil
	}
}

// VerifyAlways makes every load check the vectors' checksum, even when
// the vectors file has the size and modification time the index recorded.
func (s *Store) VerifyAlways() {
	s.mu.Lock()
	s.verifyAlways = true
	s.mu.Unlock()
}

// crcPieces is the CRC32C of the sections, computed in pieces so that it
// stops when ctx ends (returning 0).
func crcPieces(ctx context.Context, sections ...[]byte) uint32 {
	const piece = 4 << 20
	crc := crc32.New(castagnoli)
	for _, b := range sections {
		for len(b) > 0 {
			if ctx.Err() != nil {
				return 0
			}
			n := min(piece, len(b))
			crc.Write(b[:n])
			b = b[n:]
		}
	}
	return crc.Sum32()
}

// decodeMeta parses the lexicon and the stories' chunks' hashes and slots
// (see attach for their vectors, decodeChunkTerms for their terms).
func decodeMeta(b []byte, h storeHeader) (*persisted, error) {
	d := decoder{b: b}
	// Every count is bounded by the bytes left as well as by the header.
	n := d.count(min(h.Stems, len(d.b)))
	p := &persisted{stems: make([]string, 0, n), stories: make(map[[32]byte]stored, h.Stories)}
	for range n {
		l := d.count(len(d.b))
		p.stems = append(p.stems, string(d.bytes(l)))
	}
	// A chunk takes at least 33 bytes (its hash and slot): a header
	// claiming more chunks than that is not believed.
	if h.Chunks > len(d.b)/33 {
		return nil, errors.New("more chunks than the lexicon's section can hold")
	}
	// Each of the chunks' fields in one allocation for all stories.
	allVecs, allHashes, allSlots := make([][]float32, h.Chunks), make([][32]byte, h.Chunks), make([]int32, h.Chunks)
	chunk := 0
	for range h.Stories {
		p.ids = append(p.ids, string(d.bytes(d.count(len(d.b)))))
		var key [32]byte
		copy(key[:], d.bytes(32))
		p.hashes = append(p.hashes, key)
		nc := d.count(h.Chunks - chunk)
		lo, hi := chunk, chunk+nc
		st := stored{vecs: allVecs[lo:hi:hi], hashes: allHashes[lo:hi:hi], slots: allSlots[lo:hi:hi]}
		for c := range nc {
			copy(st.hashes[c][:], d.bytes(32))
			st.slots[c] = int32(d.count(h.Vectors.Slots - 1))
		}
		chunk += nc
		if d.err != nil {
			return nil, d.err
		}
		p.stories[key] = st
	}
	if d.err == nil && (chunk != h.Chunks || len(p.stems) != h.Stems || len(d.b) != 0) {
		d.err = errors.New("the stories' chunks don't match the header")
	}
	p.nChunks = chunk
	return p, d.err
}

// decodeChunkTerms parses every chunk's terms, in the stories' order, into
// p's stories.
func decodeChunkTerms(b []byte, h storeHeader, p *persisted) error {
	d := decoder{b: b}
	// Every story's term lists in one allocation.
	terms := make([]termFreq, 0, len(d.b)/3)
	all := make([]chunkTerms, h.Chunks)
	chunk := 0
	for _, key := range p.hashes {
		st := p.stories[key]
		lo, hi := chunk, chunk+len(st.slots)
		if hi > len(all) {
			return errors.New("more chunks than the header's")
		}
		for c := lo; c < hi; c++ {
			ct := chunkTerms{length: uint32(d.count(math.MaxUint32))}
			nt := d.count(len(p.stems))
			if len(terms)+nt > cap(terms) {
				terms = make([]termFreq, 0, max(nt, len(d.b)/3))
			}
			start := len(terms)
			term := -1
			for range nt {
				term += 1 + d.count(len(p.stems))
				tf := d.count(math.MaxUint32)
				if term >= len(p.stems) || tf == 0 {
					d.err = errors.New("bad term")
				}
				terms = append(terms, termFreq{uint32(term), uint32(tf)})
			}
			ct.terms = terms[start:len(terms):len(terms)]
			all[c] = ct
			if d.err != nil {
				return d.err
			}
		}
		chunk = hi
		// A story held twice (the same hash) takes its first terms.
		if st.terms == nil {
			st.terms = all[lo:hi:hi]
			p.stories[key] = st
		}
	}
	if d.err == nil && (chunk != h.Chunks || len(d.b) != 0) {
		d.err = errors.New("the terms don't match the header")
	}
	return d.err
}

// decoder reads uvarints and byte strings, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

// count reads a uvarint that must not exceed limit.
func (d *decoder) count(limit int) int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > uint64(max(limit, 0)) {
		d.err = errors.New("bad number in the terms")
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil || n > len(d.b) {
		if d.err == nil {
			d.err = errors.New("truncated terms")
		}
		return make([]byte, n)
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

// save writes the vectors that are not in the store yet and then the index
// file. New vectors are appended to the vectors file prev was read from,
// unless most of its slots would then be unused, when a new vectors file
// takes every vector. The index file is written whole to a temporary file
// and renamed into place, so a crash, or another process reading at the
// same time, sees one complete index, never a mix; the caller holds the
// store's lock against other writers.
func (s *Store) save(ix *Index, snap *snapshot, prev *persisted) error {
	if ix.terms == nil {
		return errors.New("an index opened with its saved postings has no terms to save")
	}
	dims := ix.Dims()
	ref, err := s.saveVectors(ix, prev, dims)
	if err != nil {
		return fmt.Errorf("couldn't save the index's vectors: %w", err)
	}
	// Number only the stems still in use, in their old order, so term
	// lists stay sorted and stems of removed stories are dropped.
	remap := make([]int32, len(ix.lex.stems))
	for i := range remap {
		remap[i] = -1
	}
	for _, ct := range ix.terms {
		for _, t := range ct.terms {
			remap[t.term] = 0
		}
	}
	var stems []string
	for i, st := range ix.lex.stems {
		if remap[i] == 0 {
			remap[i] = int32(len(stems))
			stems = append(stems, st)
		}
	}
	meta, terms := encodeMeta(ix, stems), encodeTerms(ix, remap)
	var corp, lex []byte
	if snap != nil {
		corp = encodeCorpus(nil, snap.corpus, ix.chunks)
		// The postings, numbered as saved, for the processes that open
		// this corpus unchanged.
		lex = appendLexical(nil, savedLexical(ix, remap, stems), len(stems))
	}
	h := storeHeader{
		Format: storeFormat, Model: s.model, Chunking: corpus.ChunkingVersion, Analyzer: analyzerID(),
		Dims: dims, Stories: len(ix.stories), Chunks: len(ix.chunks), Stems: len(stems),
		MetaBytes: int64(len(meta)), TermBytes: int64(len(terms)), CorpusBytes: int64(len(corp)), LexicalBytes: int64(len(lex)),
		Vectors: ref,
	}
	crc := crc32.New(castagnoli)
	for _, b := range [][]byte{meta, terms, corp, lex} {
		crc.Write(b)
	}
	h.CRC32C = crc.Sum32()
	if snap != nil {
		h.Source, h.Report = snap.source, snap.report()
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return err
	}
	err = writeAtomic(s.path, func(w io.Writer) error {
		var pre [len(storeMagic) + 4]byte
		copy(pre[:], storeMagic)
		binary.LittleEndian.PutUint32(pre[len(storeMagic):], uint32(len(hb)))
		end := int64(len(pre)+len(hb)+len(meta)+len(terms)) + int64(len(corp))
		pad := make([]byte, lexicalOffset(end)-end)
		if len(lex) == 0 {
			pad = nil
		}
		for _, b := range [][]byte{pre[:], hb, meta, terms, corp, pad, lex} {
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't save the index: %w", err)
	}
	removeOtherVectors(s.path, ref.File)
	return nil
}

// encodeMeta encodes the lexicon stems and each story's ID, hash and
// chunks' hashes and slots.
func encodeMeta(ix *Index, stems []string) []byte {
	size := 0
	for _, st := range stems {
		size += len(st) + 2
	}
	meta := make([]byte, 0, size+64*len(ix.stories)+36*len(ix.chunks))
	meta = binary.AppendUvarint(meta, uint64(len(stems)))
	for _, st := range stems {
		meta = binary.AppendUvarint(meta, uint64(len(st)))
		meta = append(meta, st...)
	}
	for _, story := range ix.stories {
		meta = binary.AppendUvarint(meta, uint64(len(story.ID)))
		meta = append(meta, story.ID...)
		meta = append(meta, story.Hash[:]...)
		meta = binary.AppendUvarint(meta, uint64(story.N))
		for i := story.First; i < story.First+story.N; i++ {
			meta = append(meta, ix.hashes[i][:]...)
			meta = binary.AppendUvarint(meta, uint64(ix.slots[i]))
		}
	}
	return meta
}

// encodeTerms encodes every chunk's length and terms, renumbered by remap,
// in the stories' order, each term as its number's distance from the
// previous one's.
func encodeTerms(ix *Index, remap []int32) []byte {
	size := 0
	for _, ct := range ix.terms {
		size += 8 + 3*len(ct.terms)
	}
	b := make([]byte, 0, size)
	for _, story := range ix.stories {
		for _, ct := range ix.terms[story.First : story.First+story.N] {
			b = binary.AppendUvarint(b, uint64(ct.length))
			b = binary.AppendUvarint(b, uint64(len(ct.terms)))
			prev := -1
			for _, t := range ct.terms {
				id := int(remap[t.term])
				b = binary.AppendUvarint(b, uint64(id-prev-1))
				b = binary.AppendUvarint(b, uint64(t.tf))
				prev = id
			}
		}
	}
	return b
}

// savedLexical makes the postings of ix's chunks numbered by remap, as a
// process reading the saved lexicon of stems would make them.
func savedLexical(ix *Index, remap []int32, stems []string) lexicalIndex {
	terms := ix.terms
	// When no stem was dropped, none was renumbered: the terms are as
	// saved. Otherwise they are renumbered.
	if slices.ContainsFunc(remap, func(r int32) bool { return r < 0 }) {
		all := make([]termFreq, 0, len(ix.terms)*64)
		terms = make([]chunkTerms, len(ix.terms))
		for i, ct := range ix.terms {
			start := len(all)
			for _, t := range ct.terms {
				all = append(all, termFreq{uint32(remap[t.term]), t.tf})
			}
			terms[i] = chunkTerms{terms: all[start:len(all):len(all)], length: ct.length}
		}
	}
	lx := lexicalIndex{bm: newBM25(len(stems), terms)}
	lx.stix = newStoryIndex(ix.stories, terms, newLexicon(stems))
	return lx
}

// saveVectors stores the vectors of ix's chunks that have no slot yet,
// giving them one, and returns the vectors file's reference.
func (s *Store) saveVectors(ix *Index, prev *persisted, dims int) (vectorsRef, error) {
	if prev != nil && prev.vectors != nil && prev.dims == dims && prev.ref.File != "" {
		used := map[int32]bool{}
		var fresh []int
		for i, slot := range ix.slots {
			if slot >= 0 {
				used[slot] = true
			} else {
				fresh = append(fresh, i)
			}
		}
		total := prev.ref.Slots + len(fresh)
		if 2*(len(used)+len(fresh)) >= total {
			vecs := make([][]float32, len(fresh))
			for j, i := range fresh {
				vecs[j] = ix.vecs[i]
			}
			ref, err := appendVectors(s.path, prev.ref, dims, vecs)
			if err == nil {
				err = ref.stamp(s.path)
			}
			if err == nil {
				for j, i := range fresh {
					ix.slots[i] = int32(prev.ref.Slots + j)
				}
				return ref, nil
			}
			// Write a new vectors file instead.
		}
	}
	ref, err := writeVectors(s.path, dims, ix.vecs)
	if err == nil {
		err = ref.stamp(s.path)
	}
	if err != nil {
		return ref, err
	}
	for i := range ix.slots {
		ix.slots[i] = int32(i)
	}
	return ref, nil
}

// BuildStats says what building a persisted index took.
type BuildStats struct {
	Stories, Chunks int
	// Processed stories were new or changed: their Tokenized chunks were
	// tokenised again. Unchanged ones came from the store whole; Removed
	// ones were in it no more.
	Processed, Unchanged, Removed int
	Tokenized                     int
	// Embedded chunks were sent to the embedder; Reused ones had their
	// vectors from the store (a changed story's unchanged chunks too).
	Embedded, Reused int
	// Reread is how many of the collection's files were read (OpenCorpus);
	// the others were as the index recorded them.
	Reread int
	// Saved is true when the store was rewritten; nothing changed otherwise.
	Saved bool
	// Discarded is why the stored index could not be used and was
	// rebuilt; nil when it was usable or absent.
	Discarded error
	// SaveErr is why the new index could not be saved; the index built is
	// still good.
	SaveErr error
}

// BuildPersisted builds an index as Build does, taking the terms and
// vectors of unchanged stories from st and processing only the new and
// changed ones, then saves the index to st when anything changed. A damaged
// or foreign store is reported in BuildStats.Discarded and rebuilt, never
// trusted.
func BuildPersisted(ctx context.Context, chunks []corpus.Chunk, opt Options, st *Store) (*Index, BuildStats, error) {
	return buildPersisted(ctx, chunks, opt, st, nil)
}

func buildPersisted(ctx context.Context, chunks []corpus.Chunk, opt Options, st *Store, snap *snapshot) (*Index, BuildStats, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	unlock, err := lockFile(ctx, st.path+".lock")
	if err != nil {
		return nil, BuildStats{Chunks: len(chunks)}, err
	}
	defer unlock()
	prev, err := st.load(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, BuildStats{Chunks: len(chunks)}, ctx.Err()
		}
		prev = nil
	}
	return buildLocked(ctx, chunks, nil, opt, st, snap, prev, err)
}

// buildLocked is buildPersisted once the store is locked and prev, the
// stored index, loaded (discarded says why it could not be). hashes, when
// not nil, holds the stories' hashes known from prev (see storyChunks).
func buildLocked(ctx context.Context, chunks []corpus.Chunk, hashes [][32]byte, opt Options, st *Store, snap *snapshot, prev *persisted, discarded error) (*Index, BuildStats, error) {
	stats := BuildStats{Chunks: len(chunks), Discarded: discarded}
	if prev != nil {
		if err := prev.verify(); err != nil {
			if ctx.Err() != nil {
				return nil, stats, ctx.Err()
			}
			stats.Discarded, prev = err, nil
		}
	}
	if prev != nil {
		if err := prev.terms(); err != nil {
			stats.Discarded, prev = fmt.Errorf("%w: %s: %w", ErrCorruptIndex, st.path, err), nil
		}
	}
	if prev == nil {
		hashes = nil
	}
	ix, bs, err := build(ctx, chunks, opt, prev, hashes, nil)
	if err != nil && prev != nil && errors.Is(err, errDims) {
		// The model now returns vectors of another length than the
		// stored ones: start again from nothing.
		stats.Discarded = fmt.Errorf("%w: %s: %w", ErrCorruptIndex, st.path, err)
		prev = nil
		ix, bs, err = build(ctx, chunks, opt, nil, nil, nil)
	}
	if err != nil {
		return nil, stats, err
	}
	stats.Stories = len(ix.stories)
	stats.Processed, stats.Unchanged = bs.newStories, bs.reusedStories
	stats.Tokenized, stats.Embedded, stats.Reused = bs.tokenized, bs.embedded, bs.reused
	if prev != nil {
		for _, id := range prev.ids {
			if _, ok := ix.byID[id]; !ok {
				stats.Removed++
			}
		}
	}
	stale := snap != nil && prev != nil && (prev.source != snap.source || prev.corpus == nil || snap.changed)
	if prev == nil || stats.Processed > 0 || stats.Removed > 0 || stale {
		stats.SaveErr = st.save(ix, snap, prev)
		stats.Saved = stats.SaveErr == nil
	}
	return ix, stats, nil
}
