package retrieval

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"unsafe"
)

// The index file's lexical section holds the postings lists of the BM25
// index and of the story index (storyindex.go) as they are in memory, so
// that a process opening an unchanged collection maps them instead of
// building them from every chunk's terms: a question reads the pages of its
// own words' lists, never the rest. The section is derived from the terms
// section and the program that wrote it: it is used only by that same
// program (the corpus's source), only when every story is as saved, and
// only after its bounds are checked; otherwise the postings are built from
// the terms as before.
//
// Layout, little-endian, the section starting 8-byte aligned in the file:
// a fixed head (lexicalHead), then the arrays in the order of its counts.

// lexicalHead begins the section.
type lexicalHead struct {
	Stems, Chunks, Stories    uint32
	Postings, StoryPostings   uint32
	TitleStems                uint32
	AvgLen, AvgBody, AvgTitle float64
}

// lexicalIndex is the postings a search needs, made by lexical() or mapped
// from the section, and (when mapped) the lexicon that numbers them.
type lexicalIndex struct {
	bm   *bm25
	stix *storyIndex
	lex  *lexicon
}

// The layout depends on these sizes; a change of any is a change of format.
var _ = [1]struct{}{}[unsafe.Sizeof(posting{})-8]
var _ = [1]struct{}{}[unsafe.Sizeof(storyPosting{})-8]
var _ = [1]struct{}{}[unsafe.Sizeof(lexicalHead{})-48]

// appendLexical appends the section of lx, for an index of stems stems.
func appendLexical(b []byte, lx lexicalIndex, stems int) []byte {
	bm, si := lx.bm, lx.stix
	nPost, nStory, nTitle := 0, 0, 0
	for _, ps := range bm.postings {
		nPost += len(ps)
	}
	for _, ps := range si.postings {
		nStory += len(ps)
	}
	for _, ts := range si.titleStem {
		nTitle += len(ts)
	}
	h := lexicalHead{
		Stems: uint32(stems), Chunks: uint32(len(bm.lens)), Stories: uint32(si.nStories),
		Postings: uint32(nPost), StoryPostings: uint32(nStory), TitleStems: uint32(nTitle),
		AvgLen: bm.avgLen, AvgBody: si.avgBody, AvgTitle: si.avgTitle,
	}
	b = slices.Grow(b, int(unsafe.Sizeof(h))+4*(2*stems+si.nStories+3+2*nPost+len(bm.lens)+2*nStory+2*si.nStories+nTitle))
	u32 := func(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
	for _, v := range []uint32{h.Stems, h.Chunks, h.Stories, h.Postings, h.StoryPostings, h.TitleStems} {
		b = u32(b, v)
	}
	for _, v := range []float64{h.AvgLen, h.AvgBody, h.AvgTitle} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	offsets := func(n int, size func(i int) int) {
		off := 0
		b = u32(b, 0)
		for i := range n {
			off += size(i)
			b = u32(b, uint32(off))
		}
	}
	putPosting := func(b []byte, p posting) []byte { return u32(u32(b, p.doc), p.tf) }
	putStory := func(b []byte, p storyPosting) []byte {
		return binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(u32(b, p.story), p.body), p.title)
	}
	putFloat := func(b []byte, v float32) []byte { return u32(b, math.Float32bits(v)) }
	offsets(stems, func(i int) int { return len(listAt(bm.postings, i)) })
	for _, ps := range bm.postings {
		b = appendRaw(b, ps, putPosting)
	}
	b = appendRaw(b, bm.lens, u32)
	offsets(stems, func(i int) int { return len(listAt(si.postings, i)) })
	for _, ps := range si.postings {
		b = appendRaw(b, ps, putStory)
	}
	b = appendRaw(b, si.bodyLen, putFloat)
	b = appendRaw(b, si.titleLen, putFloat)
	offsets(si.nStories, func(i int) int { return len(si.titleStem[i]) })
	for _, ts := range si.titleStem {
		b = appendRaw(b, ts, u32)
	}
	return b
}

// appendRaw appends the elements of s as the section lays them out: their
// bytes in memory as they are on a little-endian host (the types have no
// padding), put one by one elsewhere.
func appendRaw[T any](b []byte, s []T, put func([]byte, T) []byte) []byte {
	if len(s) == 0 {
		return b
	}
	if isLittleEndian {
		return append(b, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))...)
	}
	for _, x := range s {
		b = put(b, x)
	}
	return b
}

// listAt is lists[i], or nil past its end (a stem no chunk holds any more
// may be numbered past the lists made).
func listAt[T any](lists [][]T, i int) []T {
	if i < len(lists) {
		return lists[i]
	}
	return nil
}

var errLexical = errors.New("bad lexical section")

// postings returns the postings p's file saved with its corpus, in place
// (pinning its mapping), for an index of exactly p's stories in p's order.
func (p *persisted) postings() (lexicalIndex, error) {
	if p.lexical == nil {
		return lexicalIndex{}, errors.New("no saved postings")
	}
	lx, err := viewLexical(p.lexical, len(p.stems), p.nChunks, len(p.hashes))
	if err == nil {
		p.mapping.pin()
		lx.lex = newLexicon(p.stems)
	}
	return lx, err
}

// viewLexical returns the postings the section b holds, in place: their
// arrays point into b, which must stay mapped while they are in use. Every
// count, offset and number is checked against the index it belongs to
// (its stems, chunks and stories), so that a search can't read out of
// bounds whatever the bytes.
func viewLexical(b []byte, stems, chunks, stories int) (lexicalIndex, error) {
	var lx lexicalIndex
	if !isLittleEndian || len(b) < int(unsafe.Sizeof(lexicalHead{})) || uintptr(unsafe.Pointer(&b[0]))%8 != 0 {
		return lx, errLexical
	}
	h := *(*lexicalHead)(unsafe.Pointer(&b[0]))
	if int(h.Stems) != stems || int(h.Chunks) != chunks || int(h.Stories) != stories {
		return lx, errLexical
	}
	// The arrays' sizes, in 4-byte words, must add up to the section.
	// In 64 bits, so that no count can wrap around.
	stems64, stories64 := uint64(h.Stems), uint64(h.Stories)
	words := stems64 + 1 + 2*uint64(h.Postings) + uint64(h.Chunks) +
		stems64 + 1 + 2*uint64(h.StoryPostings) + 2*stories64 +
		stories64 + 1 + uint64(h.TitleStems)
	rest := b[unsafe.Sizeof(h):]
	if uint64(len(rest)) != 4*words {
		return lx, errLexical
	}
	take := func(n uint64) []uint32 {
		s := unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(rest))), n)
		rest = rest[4*n:]
		return s
	}
	bmOff, bmPost := take(stems64+1), take(2*uint64(h.Postings))
	lens := take(uint64(h.Chunks))
	stOff, stPost := take(stems64+1), take(2*uint64(h.StoryPostings))
	bodyLen, titleLen := take(stories64), take(stories64)
	tsOff, ts := take(stories64+1), take(uint64(h.TitleStems))

	posts := unsafe.Slice((*posting)(unsafe.Pointer(unsafe.SliceData(bmPost))), h.Postings)
	bmLists, err := lists(bmOff, posts, func(p posting) uint32 { return p.doc }, h.Chunks)
	if err != nil {
		return lx, err
	}
	for _, p := range posts {
		if p.tf == 0 {
			return lx, errLexical
		}
	}
	sposts := unsafe.Slice((*storyPosting)(unsafe.Pointer(unsafe.SliceData(stPost))), h.StoryPostings)
	stLists, err := lists(stOff, sposts, func(p storyPosting) uint32 { return p.story }, h.Stories)
	if err != nil {
		return lx, err
	}
	titles, err := lists(tsOff, ts, func(t uint32) uint32 { return t }, h.Stems)
	if err != nil {
		return lx, err
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) && v > 0 }
	if !finite(h.AvgLen) || !finite(h.AvgBody) || !finite(h.AvgTitle) {
		return lx, errLexical
	}
	lx.bm = newBM25Lists(bmLists, lens, h.AvgLen)
	lx.stix = &storyIndex{
		postings: stLists, nStories: int(h.Stories), avgBody: h.AvgBody, avgTitle: h.AvgTitle, titleStem: titles,
		bodyLen:  unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(bodyLen))), h.Stories),
		titleLen: unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(titleLen))), h.Stories),
	}
	return lx, nil
}

// lists cuts all into the lists off bounds, checking that the offsets
// rise to len(all) and that each list's keys rise and stay under limit.
// An empty list is nil, as the postings made in memory leave it.
func lists[T any](off []uint32, all []T, key func(T) uint32, limit uint32) ([][]T, error) {
	if len(off) == 0 || off[0] != 0 || int(off[len(off)-1]) != len(all) {
		return nil, errLexical
	}
	out := make([][]T, len(off)-1)
	for i := range out {
		lo, hi := off[i], off[i+1]
		if lo > hi || int(hi) > len(all) {
			return nil, errLexical
		}
		if lo == hi {
			continue
		}
		l := all[lo:hi:hi]
		prev := int64(-1)
		for _, x := range l {
			k := int64(key(x))
			if k <= prev || k >= int64(limit) {
				return nil, errLexical
			}
			prev = k
		}
		out[i] = l
	}
	return out, nil
}
