package retrieval

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"reflect"
	"testing"
	"unsafe"
)

// An unchanged collection is opened with the postings saved with it: the
// index holds no terms and builds no postings, and searches exactly as the
// index that saved them and one built in memory do.
func TestOpenCorpusMapsTheSavedPostings(t *testing.T) {
	ctx := context.Background()
	dir, edit := collection(t, 8)
	st := NewStore(t.TempDir(), "local-test", "")
	open := func() (*Index, BuildStats) {
		t.Helper()
		_, ix, stats, err := OpenCorpus(ctx, dir, "v1", false, Options{Expand: Expand}, st)
		if err != nil {
			t.Fatal(err)
		}
		return ix, stats
	}
	built, _ := open()
	if built.terms == nil {
		t.Fatal("the index that saved the collection has no terms")
	}
	opened, stats := open()
	if stats.Saved || stats.Reread != 0 {
		t.Fatalf("unchanged collection: %+v", stats)
	}
	if opened.terms != nil || opened.bm == nil || opened.stix == nil {
		t.Fatal("the unchanged collection's postings were not taken from the file")
	}
	mem, err := Build(ctx, built.Chunks(), Options{Expand: Expand})
	if err != nil {
		t.Fatal(err)
	}
	samePostings(t, opened, mem)
	queries := []string{"How many passengers did the ferry of story 3 carry?", "harbour 5", "Which story mentions harbour 7?", "ferry"}
	for _, q := range queries {
		a, err := mem.Search(ctx, q, 3)
		if err != nil {
			t.Fatal(err)
		}
		b, err := opened.Search(ctx, q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if a.Coverage != b.Coverage || !reflect.DeepEqual(a.Stories, b.Stories) || len(a.Hits) != len(b.Hits) {
			t.Fatalf("%q: opened %+v, in memory %+v", q, b, a)
		}
		for i := range a.Hits {
			if a.Hits[i].Chunk.ID != b.Hits[i].Chunk.ID || a.Hits[i].BM25 != b.Hits[i].BM25 {
				t.Errorf("%q: hit %d opened %s %v, in memory %s %v", q, i, b.Hits[i].Chunk.ID, b.Hits[i].BM25, a.Hits[i].Chunk.ID, a.Hits[i].BM25)
			}
		}
	}
	if !opened.StoryHas(opened.Stories()[3].ID, Stem("harbour")) || opened.StoryHas(opened.Stories()[3].ID, Stem("zeppelin")) {
		t.Error("StoryHas over the saved postings")
	}

	// A changed story: the saved postings are not these chunks'; they are
	// made from the terms, and saved anew.
	edit(3, "Story 3 now says the zeppelin carried 7 passengers.")
	changed, stats := open()
	if !stats.Saved || changed.terms == nil {
		t.Fatalf("one story changed: %+v, terms %v", stats, changed.terms != nil)
	}
	reopened, _ := open()
	if reopened.terms != nil {
		t.Fatal("the re-saved postings were not used")
	}
	mem, err = Build(ctx, reopened.Chunks(), Options{Expand: Expand})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := reopened.Search(ctx, "zeppelin", 1); err != nil || res.Hits[0].Chunk.ArticleID != reopened.Stories()[3].ID {
		t.Errorf("the edit is not found through the saved postings: %v", err)
	}
	// The re-saved lexicon dropped the stems only the old text used and
	// numbered the rest in their old order; a fresh build numbers them in
	// order of appearance. The lists are the same stem for stem.
	for stem, id := range mem.lex.ids {
		rid, ok := reopened.lex.ids[stem]
		if !ok || !reflect.DeepEqual(listAt(reopened.bm.postings, int(rid)), listAt(mem.bm.postings, int(id))) {
			t.Errorf("stem %q: postings differ", stem)
		}
	}
}

// samePostings fails unless a's postings and story index are b's.
func samePostings(t *testing.T, a, b *Index) {
	t.Helper()
	if !reflect.DeepEqual(a.lex.stems, b.lex.stems) {
		t.Fatal("the lexicons differ")
	}
	a.lexical()
	b.lexical()
	if a.bm.k1 != b.bm.k1 || a.bm.b != b.bm.b || a.bm.avgLen != b.bm.avgLen || !reflect.DeepEqual(a.bm.lens, b.bm.lens) {
		t.Error("the BM25 indexes' parameters or lengths differ")
	}
	for i := range max(len(a.bm.postings), len(b.bm.postings)) {
		if !reflect.DeepEqual(listAt(a.bm.postings, i), listAt(b.bm.postings, i)) {
			t.Errorf("postings of %q differ", a.lex.stems[i])
		}
	}
	if !reflect.DeepEqual(a.stix, b.stix) {
		t.Errorf("the story indexes differ:\n%+v\n%+v", a.stix, b.stix)
	}
}

// A damaged postings section is never used: the checksum finds a flipped
// byte (the index is rebuilt), and a section whose bytes are wrong but
// checksummed anew, as by a buggy writer, fails its bounds checks and the
// postings are made from the terms.
func TestDamagedSavedPostingsAreNotUsed(t *testing.T) {
	ctx := context.Background()
	dir, _ := collection(t, 5)
	// saved returns a new store of the collection, its index file's bytes
	// and header, and where the postings begin past their counts.
	saved := func(t *testing.T) (*Store, []byte, storeHeader, int64, int64) {
		st := NewStore(t.TempDir(), "local-test", "")
		if _, _, _, err := OpenCorpus(ctx, dir, "v1", false, Options{}, st); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(st.Path())
		if err != nil {
			t.Fatal(err)
		}
		h, off := readHeader(t, raw)
		return st, raw, h, off, lexicalOffset(off+h.MetaBytes+h.TermBytes+h.CorpusBytes) + 48
	}
	t.Run("checksum", func(t *testing.T) {
		st, bad, _, _, lo := saved(t)
		bad[lo] ^= 0x40
		if err := os.WriteFile(st.Path(), bad, 0o600); err != nil {
			t.Fatal(err)
		}
		_, ix, stats, err := OpenCorpus(ctx, dir, "v1", false, Options{}, st)
		if err != nil || !errors.Is(stats.Discarded, ErrCorruptIndex) || !stats.Saved {
			t.Fatalf("a flipped byte in the postings: stats %+v, err %v", stats, err)
		}
		if _, err := ix.Search(ctx, "ferry passengers", 2); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bounds", func(t *testing.T) {
		st, bad, h, off, lo := saved(t)
		// The first posting's chunk, far past the last chunk.
		binary.LittleEndian.PutUint32(bad[lo+4*int64(h.Stems+1):], 1<<30)
		writeChecksummed(t, st.Path(), bad, h, off)
		_, ix, stats, err := OpenCorpus(ctx, dir, "v1", false, Options{}, st)
		if err != nil || stats.Discarded != nil {
			t.Fatalf("stats %+v, err %v", stats, err)
		}
		if ix.terms == nil {
			t.Fatal("out-of-bounds postings were used")
		}
		if res, err := ix.Search(ctx, "How many passengers did the ferry of story 2 carry?", 1); err != nil || res.Hits[0].Chunk.ArticleID != ix.Stories()[2].ID {
			t.Errorf("search after the postings were made again: %v", err)
		}
	})
}

// readHeader returns an index file's header and where its sections begin.
func readHeader(t *testing.T, raw []byte) (storeHeader, int64) {
	t.Helper()
	hlen := int64(binary.LittleEndian.Uint32(raw[len(storeMagic):]))
	var h storeHeader
	if err := json.Unmarshal(raw[len(storeMagic)+4:int64(len(storeMagic)+4)+hlen], &h); err != nil {
		t.Fatal(err)
	}
	if h.LexicalBytes == 0 {
		t.Fatal("the index file has no postings section")
	}
	return h, int64(len(storeMagic)+4) + hlen
}

// writeChecksummed writes raw with its header's checksum made to fit.
func writeChecksummed(t *testing.T, path string, raw []byte, h storeHeader, off int64) {
	t.Helper()
	end := off + h.MetaBytes + h.TermBytes + h.CorpusBytes
	h.CRC32C = crc32.Update(crc32.Checksum(raw[off:end], castagnoli), castagnoli, raw[lexicalOffset(end):])
	hb, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	old := off - int64(len(storeMagic)+4)
	if int64(len(hb)) > old {
		t.Fatal("the new header is longer")
	}
	// Padded with spaces to the old length, so that the sections stay put.
	for int64(len(hb)) < old {
		hb = append(hb, ' ')
	}
	copy(raw[len(storeMagic)+4:], hb)
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Whatever the section's bytes, viewLexical returns an error or postings
// that every search reads within bounds.
func TestViewLexicalChecksEveryBound(t *testing.T) {
	ctx := context.Background()
	dir, _ := collection(t, 6)
	st := NewStore(t.TempDir(), "local-test", "")
	if _, _, _, err := OpenCorpus(ctx, dir, "v1", false, Options{}, st); err != nil {
		t.Fatal(err)
	}
	p, err := st.load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.postings(); err != nil {
		t.Fatalf("the saved postings: %v", err)
	}
	// An 8-byte aligned copy of the section to damage.
	words := make([]uint64, (len(p.lexical)+7)/8)
	buf := unsafeBytes(words)[:len(p.lexical)]
	r := rand.New(rand.NewPCG(1, 2))
	rejected := 0
	for range 3000 {
		copy(buf, p.lexical)
		for range 1 + r.IntN(3) {
			i := r.IntN(len(buf))
			buf[i] = byte(r.IntN(256))
		}
		if r.IntN(4) == 0 {
			buf = buf[:r.IntN(len(buf)+1)]
		}
		lx, err := viewLexical(buf, len(p.stems), p.nChunks, len(p.hashes))
		buf = buf[:len(p.lexical)]
		if err != nil {
			rejected++
			continue
		}
		// Every stem's lists, scored and counted as searches do.
		for id := range len(p.stems) {
			q := []weightedTerm{{term: uint32(id), w: 1, group: uint32(id)}}
			lx.bm.top(q, 5, nil, nil)
			lx.bm.countIn(uint32(id), 0, p.nChunks)
			lx.stix.scores(q, defaultStoryWeights, nil)
		}
	}
	if rejected == 0 {
		t.Error("no damaged section was rejected")
	}
}

func unsafeBytes(words []uint64) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), 8*len(words))
}

// The section's postings are little-endian words whatever the host: on a
// little-endian one, appendRaw copies their memory, which must be the same.
func TestAppendRawIsLittleEndian(t *testing.T) {
	never := func(b []byte, _ posting) []byte { return b }
	if !isLittleEndian {
		t.Skip("big-endian: the elements are put one by one")
	}
	got := appendRaw(nil, []posting{{doc: 1, tf: 0x0302}}, never)
	sp := appendRaw(nil, []storyPosting{{story: 0x04030201, body: 5, title: 0x0706}}, func(b []byte, _ storyPosting) []byte { return b })
	if want := []byte{1, 0, 0, 0, 2, 3, 0, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("posting: % x, want % x", got, want)
	}
	if want := []byte{1, 2, 3, 4, 5, 0, 6, 7}; !reflect.DeepEqual(sp, want) {
		t.Errorf("story posting: % x, want % x", sp, want)
	}
}
