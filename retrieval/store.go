package retrieval

import (
	"bufio"
	"bytes"
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
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/articlebot/articlebot/corpus"
)

// Store persists an index in one file under a data directory: a header,
// then each story's chunk terms (the inputs of the postings lists), the
// corpus when it is saved with the index, then every chunk's vector in one
// block (8-bit, see quantize.go). The file belongs to one
// embedding model, one corpus.ChunkingVersion and one tokeniser; stories
// are keyed by a hash of their indexed text, so an unchanged story is never
// tokenised or embedded twice and a changed one always is.
type Store struct {
	path  string
	model string // the model and where it runs, as the header records it
	// mu serialises loading, building and saving within a process; between
	// processes, saving is an atomic rename of a complete file.
	mu sync.Mutex
}

// ErrCorruptIndex is wrapped when the file is unreadable, truncated, fails
// its checksum, or belongs to another model or format.
var ErrCorruptIndex = errors.New("the persisted index is corrupt or foreign")

// storeFormat versions the file layout.
const storeFormat = 3

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

// Path is the store's file.
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
	Analyzer  string `json:"analyzer"`
	Dims      int    `json:"dims"`
	Stories   int    `json:"stories"`
	Chunks    int    `json:"chunks"`
	Stems     int    `json:"stems"`
	TermBytes int64  `json:"term_bytes"`
	// Source fingerprints the collection the corpus section was loaded
	// from; CorpusBytes is that section's size (0: none).
	Source      string         `json:"source,omitempty"`
	CorpusBytes int64          `json:"corpus_bytes,omitempty"`
	Report      snapshotReport `json:"report"`
	VectorBytes int64          `json:"vector_bytes"`
	// CRC32C covers the terms and vectors, so a torn or edited file is
	// detected rather than trusted.
	CRC32C uint32 `json:"crc32c"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// analyzerID fingerprints everything stored terms and local embeddings
// depend on besides the text: change a stop word and the index is rebuilt.
var analyzerID = sync.OnceValue(func() string {
	h := sha256.New()
	h.Write([]byte("tokenize-v1\x00"))
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
	// source and corpus are the saved corpus (encodeCorpus) and its
	// source's fingerprint, when the file holds one.
	source string
	corpus []byte
	report snapshotReport
}

// chunkVectors indexes the stored vectors by chunk content hash, so that a
// changed story's unchanged chunks are not embedded again (an API costs).
func (p *persisted) chunkVectors() map[[32]byte][]float32 {
	if p == nil {
		return nil
	}
	m := map[[32]byte][]float32{}
	for _, st := range p.stories {
		for i, h := range st.hashes {
			m[h] = st.vecs[i]
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

// load reads the index file. A missing file is (nil, nil); anything else
// unusable is an error wrapping ErrCorruptIndex. Only a regular file is
// read, only as much as its header says after checking that against the
// file's size, and reading stops when ctx ends.
func (s *Store) load(ctx context.Context) (*persisted, error) {
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
		h.TermBytes < 0 || h.CorpusBytes < 0 || h.VectorBytes != int64(h.Chunks)*int64(quantizedSize(h.Dims)):
		return nil, corrupt("bad sizes in the header")
	case int64(len(pre))+hlen+h.TermBytes+h.CorpusBytes+h.VectorBytes != info.Size():
		return nil, corrupt("%d bytes, the header describes %d", info.Size(), int64(len(pre))+hlen+h.TermBytes+h.CorpusBytes+h.VectorBytes)
	}
	// The header checked out against the file's size: map the file and
	// take its sections in place.
	data, unmap, err := mapFile(f, info.Size())
	if err != nil {
		return nil, corrupt("%v", err)
	}
	defer unmap()
	off := int64(len(pre)) + hlen
	section := func(n int64) []byte {
		b := data[off : off+n]
		off += n
		return b
	}
	meta, corp, raw := section(h.TermBytes), section(h.CorpusBytes), section(h.VectorBytes)
	if crcPieces(ctx, meta, corp, raw) != h.CRC32C {
		if err := ctx.Err(); err != nil {
			return nil, corrupt("%v", err)
		}
		return nil, corrupt("checksum mismatch")
	}
	if len(corp) > 0 {
		corp = bytes.Clone(corp) // decoded later, after the mapping is gone
	}
	vecs := dequantizeAll(raw, h.Chunks, h.Dims)
	p, err := decodeTerms(meta, h, vecs)
	if err != nil {
		return nil, corrupt("%v", err)
	}
	if corp != nil {
		p.source, p.corpus, p.report = h.Source, corp, h.Report
	}
	return p, nil
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

// decodeTerms parses the lexicon and the stories' chunk terms, slicing each
// story's vectors out of vecs.
func decodeTerms(b []byte, h storeHeader, vecs []float32) (*persisted, error) {
	d := decoder{b: b}
	n := d.count(h.Stems)
	p := &persisted{stems: make([]string, 0, n), stories: make(map[[32]byte]stored, h.Stories)}
	for range n {
		l := d.count(len(d.b))
		p.stems = append(p.stems, string(d.bytes(l)))
	}
	chunk := 0
	for range h.Stories {
		p.ids = append(p.ids, string(d.bytes(d.count(len(d.b)))))
		var key [32]byte
		copy(key[:], d.bytes(32))
		p.hashes = append(p.hashes, key)
		nc := d.count(h.Chunks - chunk)
		st := stored{terms: make([]chunkTerms, nc), vecs: make([][]float32, nc), hashes: make([][32]byte, nc)}
		for c := range nc {
			copy(st.hashes[c][:], d.bytes(32))
			ct := chunkTerms{length: uint32(d.count(math.MaxUint32))}
			nt := d.count(len(p.stems))
			ct.terms = make([]termFreq, nt)
			term := -1
			for t := range nt {
				term += 1 + d.count(len(p.stems))
				tf := d.count(math.MaxUint32)
				if term >= len(p.stems) || tf == 0 {
					d.err = errors.New("bad term")
				}
				ct.terms[t] = termFreq{uint32(term), uint32(tf)}
			}
			st.terms[c] = ct
			st.vecs[c] = vecs[chunk*h.Dims : (chunk+1)*h.Dims : (chunk+1)*h.Dims]
			chunk++
			if d.err != nil {
				return nil, d.err
			}
		}
		p.stories[key] = st
	}
	if d.err == nil && (chunk != h.Chunks || len(d.b) != 0) {
		d.err = errors.New("the terms don't match the header")
	}
	return p, d.err
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

// save writes the index whole to a temporary file and renames it into
// place, so a crash, or another process saving at the same time, leaves
// one complete file, never a mix.
func (s *Store) save(ix *Index, snap *snapshot) error {
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
	var meta []byte
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
		for i, ct := range ix.terms[story.First : story.First+story.N] {
			meta = append(meta, ix.hashes[story.First+i][:]...)
			meta = binary.AppendUvarint(meta, uint64(ct.length))
			meta = binary.AppendUvarint(meta, uint64(len(ct.terms)))
			prev := -1
			for _, t := range ct.terms {
				id := int(remap[t.term])
				meta = binary.AppendUvarint(meta, uint64(id-prev-1))
				meta = binary.AppendUvarint(meta, uint64(t.tf))
				prev = id
			}
		}
	}
	var corp []byte
	if snap != nil {
		corp = encodeCorpus(nil, snap.corpus, ix.chunks)
	}
	dims := ix.Dims()
	crc := crc32.New(castagnoli)
	crc.Write(meta)
	crc.Write(corp)
	vecs := make([]byte, 0, len(ix.vecs)*quantizedSize(dims))
	for _, v := range ix.vecs {
		vecs = appendQuantized(vecs, v)
	}
	crc.Write(vecs)
	h := storeHeader{
		Format: storeFormat, Model: s.model, Chunking: corpus.ChunkingVersion, Analyzer: analyzerID(),
		Dims: dims, Stories: len(ix.stories), Chunks: len(ix.chunks), Stems: len(stems),
		TermBytes: int64(len(meta)), CorpusBytes: int64(len(corp)), VectorBytes: int64(len(vecs)), CRC32C: crc.Sum32(),
	}
	if snap != nil {
		h.Source, h.Report = snap.source, snap.report()
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return fmt.Errorf("couldn't create the data directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".index-*.tmp")
	if err != nil {
		return fmt.Errorf("couldn't save the index: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	w.WriteString(storeMagic)
	binary.Write(w, binary.LittleEndian, uint32(len(hb)))
	w.Write(hb)
	w.Write(meta)
	w.Write(corp)
	w.Write(vecs)
	err = w.Flush()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), s.path)
	}
	if err != nil {
		return fmt.Errorf("couldn't save the index: %w", err)
	}
	return nil
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
	stats := BuildStats{Chunks: len(chunks)}
	prev, err := st.load(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, stats, ctx.Err()
		}
		stats.Discarded, prev = err, nil
	}
	ix, bs, err := build(ctx, chunks, opt, prev, nil)
	if err != nil && prev != nil && errors.Is(err, errDims) {
		// The model now returns vectors of another length than the
		// stored ones: start again from nothing.
		stats.Discarded = fmt.Errorf("%w: %s: %w", ErrCorruptIndex, st.path, err)
		prev = nil
		ix, bs, err = build(ctx, chunks, opt, nil, nil)
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
	stale := snap != nil && prev != nil && (prev.source != snap.source || prev.corpus == nil)
	if prev == nil || stats.Processed > 0 || stats.Removed > 0 || stale {
		stats.SaveErr = st.save(ix, snap)
		stats.Saved = stats.SaveErr == nil
	}
	return ix, stats, nil
}
