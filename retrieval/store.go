package retrieval

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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

// Store persists chunk embeddings in one file under a data directory. The
// file belongs to one embedding model and one corpus.ChunkingVersion, and
// holds a unit vector per chunk content hash (corpus.Chunk.ContentHash), so
// an unchanged chunk is never embedded twice and a changed one always is.
type Store struct {
	path  string
	model string // the model and where it runs, as the header records it
	// mu serialises loading, building and saving: the embeddings are
	// snapshotted only once an index is complete, never while it is being
	// written.
	mu sync.Mutex
}

// ErrCorruptIndex is wrapped by Load when the file is unreadable, truncated
// or fails its checksum.
var ErrCorruptIndex = errors.New("the persisted index is corrupt")

// storeFormat versions the file layout.
const storeFormat = 1

// NewStore returns the store for model's embeddings under dir. server says
// where the model runs, such as the API's base URL: the same model name on
// another server may embed differently. Nothing is read or written until
// Load or Save.
func NewStore(dir, model, server string) *Store {
	id := model
	if server != "" {
		id += " at " + server
	}
	sum := sha256.Sum256([]byte(id))
	name := fmt.Sprintf("embeddings-%s-%s-chunking%s.bin", fileSafe(model), hex.EncodeToString(sum[:4]), corpus.ChunkingVersion)
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

// storeHeader is the file's first line, JSON; the payload follows it.
type storeHeader struct {
	Format   int    `json:"format"`
	Model    string `json:"model"`
	Chunking string `json:"chunking"`
	Dims     int    `json:"dims"`
	Count    int    `json:"count"`
	// SHA256 is the payload's checksum, so a torn or edited file is
	// detected rather than trusted.
	SHA256 string `json:"sha256"`
}

// Load reads the stored vectors by content hash. A missing file is an empty
// store; a damaged one is an error wrapping ErrCorruptIndex.
func (s *Store) Load() (map[string][]float32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.load()
}

func (s *Store) load() (map[string][]float32, error) {
	raw, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string][]float32{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorruptIndex, err)
	}
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrCorruptIndex, s.path, fmt.Sprintf(format, args...))
	}
	line, payload, ok := bytes.Cut(raw, []byte("\n"))
	if !ok {
		return nil, corrupt("no header")
	}
	var h storeHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, corrupt("unreadable header")
	}
	switch {
	case h.Format != storeFormat:
		return nil, corrupt("format %d, want %d", h.Format, storeFormat)
	case h.Model != s.model:
		return nil, corrupt("embeddings of model %q, want %q", h.Model, s.model)
	case h.Chunking != corpus.ChunkingVersion:
		return nil, corrupt("chunking version %q, want %q", h.Chunking, corpus.ChunkingVersion)
	case h.Count < 0 || h.Dims <= 0 || h.Dims > 1<<16:
		return nil, corrupt("bad sizes")
	}
	rec := sha256.Size + 4*h.Dims
	if len(payload) != h.Count*rec {
		return nil, corrupt("%d bytes of vectors, want %d", len(payload), h.Count*rec)
	}
	if sum := sha256.Sum256(payload); hex.EncodeToString(sum[:]) != h.SHA256 {
		return nil, corrupt("checksum mismatch")
	}
	out := make(map[string][]float32, h.Count)
	for i := range h.Count {
		r := payload[i*rec : (i+1)*rec]
		v := make([]float32, h.Dims)
		var norm float64
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(r[sha256.Size+4*j:]))
			norm += float64(v[j]) * float64(v[j])
		}
		if math.IsNaN(norm) || math.Abs(norm-1) > 1e-3 {
			return nil, corrupt("vector %d is not of unit length", i)
		}
		out[hex.EncodeToString(r[:sha256.Size])] = v
	}
	return out, nil
}

// Save replaces the stored vectors with vecs, keyed by content hash. The file
// is written whole and renamed into place, so a crash leaves the old file or
// the new one, never a mix.
func (s *Store) Save(vecs map[string][]float32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.save(vecs)
}

func (s *Store) save(vecs map[string][]float32) error {
	h := storeHeader{Format: storeFormat, Model: s.model, Chunking: corpus.ChunkingVersion, Count: len(vecs)}
	keys := make([]string, 0, len(vecs))
	for k, v := range vecs {
		if h.Dims == 0 {
			h.Dims = len(v)
		}
		if len(v) != h.Dims || h.Dims == 0 {
			return fmt.Errorf("couldn't save embeddings: vectors of %d and %d dimensions", h.Dims, len(v))
		}
		keys = append(keys, k)
	}
	if h.Dims == 0 {
		h.Dims = 1
	}
	// Sorted keys make the file the same for the same embeddings.
	slices.Sort(keys)
	var payload bytes.Buffer
	buf := make([]byte, 4)
	for _, k := range keys {
		key, err := hex.DecodeString(k)
		if err != nil || len(key) != sha256.Size {
			return fmt.Errorf("couldn't save embeddings: %q is not a content hash", k)
		}
		payload.Write(key)
		for _, x := range vecs[k] {
			binary.LittleEndian.PutUint32(buf, math.Float32bits(x))
			payload.Write(buf)
		}
	}
	sum := sha256.Sum256(payload.Bytes())
	h.SHA256 = hex.EncodeToString(sum[:])
	line, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return fmt.Errorf("couldn't create the data directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".embeddings-*.tmp")
	if err != nil {
		return fmt.Errorf("couldn't save embeddings: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(append(line, '\n'))
	if err == nil {
		_, err = tmp.Write(payload.Bytes())
	}
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
		return fmt.Errorf("couldn't save embeddings: %w", err)
	}
	return nil
}

// BuildStats says what building a persisted index took.
type BuildStats struct {
	Chunks int
	// Embedded chunks were sent to the embedder; Reused ones came from
	// the store.
	Embedded, Reused int
	// Discarded is why the stored index could not be used and was
	// rebuilt; nil when it was usable or absent.
	Discarded error
	// SaveErr is why the new index could not be saved; the index built is
	// still good.
	SaveErr error
}

// BuildPersisted builds an index as Build does, taking the embeddings of
// unchanged chunks from st and embedding only the rest (with
// opt.EmbedDocuments when set), then saves the index's embeddings to st. A
// damaged store is reported in BuildStats.Discarded and rebuilt, never
// trusted.
func BuildPersisted(ctx context.Context, chunks []corpus.Chunk, opt Options, st *Store) (*Index, BuildStats, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	stats := BuildStats{Chunks: len(chunks)}
	stored, err := st.load()
	if err != nil {
		stats.Discarded = err
		stored = nil
	}
	opt.Precomputed = make(map[string][]float32, len(chunks))
	hashes := make(map[string]string, len(chunks)) // chunk ID → content hash
	for _, c := range chunks {
		h := c.ContentHash()
		hashes[c.ID] = h
		if v, ok := stored[h]; ok {
			opt.Precomputed[c.ID] = v
			stats.Reused++
		}
	}
	stats.Embedded = len(chunks) - stats.Reused
	ix, err := Build(ctx, chunks, opt)
	if err != nil && stats.Reused > 0 && errors.Is(err, errDims) {
		// The model now returns vectors of another length than the
		// stored ones: start again from nothing.
		stats.Discarded = fmt.Errorf("%w: %s: %w", ErrCorruptIndex, st.path, err)
		opt.Precomputed = nil
		stats.Embedded, stats.Reused = len(chunks), 0
		ix, err = Build(ctx, chunks, opt)
	}
	if err != nil {
		return nil, stats, err
	}
	byHash := make(map[string][]float32, len(chunks))
	for id, v := range ix.Embeddings() {
		byHash[hashes[id]] = v
	}
	stats.SaveErr = st.save(byHash)
	return ix, stats, nil
}
