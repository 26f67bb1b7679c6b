package retrieval

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"unsafe"

	"github.com/articlebot/articlebot/corpus"
)

// A persisted index may also hold the corpus it was built from, stamped
// with a fingerprint of its source (the collection's files), so that a
// process finding the source unchanged starts from the file alone: no
// story is read, parsed, chunked, tokenised or embedded.

// snapshotReport is the part of the corpus's load report kept with it.
type snapshotReport struct {
	Files, Duplicates, Skipped, Decoded int
}

// encodeCorpus appends the articles (metadata, text, paragraph bounds) and
// the chunks' bounds to b.
func encodeCorpus(b []byte, c *corpus.Corpus, chunks []corpus.Chunk) []byte {
	size := 64*len(chunks) + 96*len(c.Files)
	for _, a := range c.Articles {
		size += len(a.Text) + len(a.Title) + 2*len(a.Path) + 16*len(a.Paragraphs) + 64
	}
	b = slices.Grow(b, size)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	num := func(n int) { b = binary.AppendUvarint(b, uint64(n)) }
	num(len(c.Articles))
	for _, a := range c.Articles {
		str(a.ID)
		str(a.Title)
		str(a.Path)
		str(a.URL)
		str(a.Published)
		str(a.Text)
		num(len(a.Aliases))
		for _, al := range a.Aliases {
			str(al.ID)
			str(al.Title)
			str(al.Path)
		}
		num(len(a.Paragraphs))
		for _, p := range a.Paragraphs {
			str(p.Section)
			num(p.Start)
			num(p.End)
		}
	}
	num(len(chunks))
	for _, ch := range chunks {
		str(ch.ID)
		str(ch.ArticleID)
		str(ch.Section)
		num(ch.Start)
		num(ch.End)
	}
	num(len(c.Files))
	for _, f := range c.Files {
		str(f.Path)
		b = binary.AppendVarint(b, f.Size)
		b = binary.AppendVarint(b, f.ModTime)
		num(int(f.Kind))
		str(f.Story)
		b = append(b, f.Key[:]...)
		str(f.Encoding)
		num(len(f.Ignored))
		for _, k := range f.Ignored {
			str(k)
		}
		str(f.Err)
	}
	return b
}

// decodeCorpus is encodeCorpus's inverse; every bound is checked.
func decodeCorpus(b []byte, rep snapshotReport) (*corpus.Corpus, []corpus.Chunk, error) {
	d := decoder{b: b}
	// Every string is a part of the section, which is not modified after.
	var all string
	if len(b) > 0 {
		all = unsafe.String(&b[0], len(b))
	}
	str := func() string {
		n := d.count(len(d.b))
		off := len(b) - len(d.b)
		if d.bytes(n); d.err != nil {
			return ""
		}
		return all[off : off+n]
	}
	var articles []*corpus.Article
	byID := map[string]*corpus.Article{}
	n := d.count(len(d.b))
	for range n {
		a := &corpus.Article{ID: str(), Title: str(), Path: str(), URL: str(), Published: str(), Text: str()}
		for range d.count(len(d.b)) {
			a.Aliases = append(a.Aliases, corpus.Alias{ID: str(), Title: str(), Path: str()})
		}
		np := d.count(len(d.b))
		a.Paragraphs = make([]corpus.Paragraph, 0, np)
		for range np {
			p := corpus.Paragraph{Section: str(), Start: d.count(len(a.Text)), End: d.count(len(a.Text))}
			if d.err != nil || p.Start > p.End {
				return nil, nil, errors.New("bad paragraph bounds")
			}
			p.Text = a.Text[p.Start:p.End]
			a.Paragraphs = append(a.Paragraphs, p)
		}
		if d.err != nil {
			return nil, nil, d.err
		}
		articles = append(articles, a)
		byID[a.ID] = a
	}
	nc := d.count(len(d.b))
	chunks := make([]corpus.Chunk, 0, nc)
	seq := 0
	for range nc {
		ch := corpus.Chunk{ID: str(), ArticleID: str(), Section: str()}
		a, ok := byID[ch.ArticleID]
		if d.err != nil || !ok {
			return nil, nil, errors.New("a chunk of no article")
		}
		ch.Start, ch.End = d.count(len(a.Text)), d.count(len(a.Text))
		if d.err != nil || ch.Start > ch.End {
			return nil, nil, errors.New("bad chunk bounds")
		}
		if len(chunks) > 0 && chunks[len(chunks)-1].ArticleID == ch.ArticleID {
			seq++
		} else {
			seq = 0
		}
		ch.ArticleTitle, ch.ArticleURL, ch.ArticlePublished = a.Title, a.URL, a.Published
		ch.Seq, ch.Text = seq, a.Text[ch.Start:ch.End]
		chunks = append(chunks, ch)
	}
	nf := d.count(len(d.b))
	files := make([]corpus.FileRecord, 0, nf)
	varint := func() int64 {
		v, n := binary.Varint(d.b)
		if n <= 0 {
			d.err = errors.New("bad file record")
			return 0
		}
		d.b = d.b[n:]
		return v
	}
	for range nf {
		f := corpus.FileRecord{Path: str(), Size: varint(), ModTime: varint(), Kind: corpus.FileKind(d.count(255)), Story: str()}
		copy(f.Key[:], d.bytes(32))
		f.Encoding = str()
		for range d.count(len(d.b)) {
			f.Ignored = append(f.Ignored, str())
		}
		f.Err = str()
		if d.err != nil {
			return nil, nil, d.err
		}
		files = append(files, f)
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errors.New("trailing bytes after the corpus")
	}
	if nf == 0 {
		files = nil
	}
	report := corpus.LoadReport{Files: rep.Files, Duplicates: rep.Duplicates, Skipped: rep.Skipped, Decoded: rep.Decoded}
	return corpus.Assemble(articles, report, files), chunks, d.err
}

// OpenCorpus loads the collection under dir and its index, from st as far
// as it can: the corpus saved with the index when the collection's files
// are as it recorded them (by size and modification time, see
// corpus.LoadDirSince), so that nothing is read but the index; otherwise
// only the files that changed are read, only the stories that changed are
// tokenised and embedded, and st is updated. source identifies the program
// loading the files: a corpus saved by another is not reused. reread
// reads every file again (for an edit that kept a file's size and time).
func OpenCorpus(ctx context.Context, dir, source string, reread bool, opt Options, st *Store) (*corpus.Corpus, *Index, BuildStats, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.verifyAlways = st.verifyAlways || reread
	// The collection's folder is walked, every file's size and time
	// taken, on another CPU while the index file is read.
	type listed struct {
		l   *corpus.Listing
		err error
	}
	listing := make(chan listed, 1)
	go func() {
		l, err := corpus.ListDir(dir)
		listing <- listed{l, err}
	}()
	prev, discarded := st.load(ctx)
	if err := ctx.Err(); err != nil {
		<-listing
		return nil, nil, BuildStats{}, err
	}
	var saved *corpus.Corpus
	var savedChunks []corpus.Chunk
	type viewed struct {
		lx  lexicalIndex
		err error
	}
	postings := make(chan viewed, 1)
	if prev != nil && prev.corpus != nil && prev.source == source {
		// The saved postings are checked, and the lexicon numbered, on
		// another CPU while the corpus is decoded.
		go func() {
			lx, err := prev.postings()
			postings <- viewed{lx, err}
		}()
		var err error
		// The corpus's strings are the mapped file's bytes.
		prev.mapping.pin()
		if saved, savedChunks, err = decodeCorpus(prev.corpus, prev.report); err != nil {
			saved = nil
		}
	}
	since := saved
	if reread {
		since = nil
	}
	ls := <-listing
	if ls.err != nil {
		return nil, nil, BuildStats{}, ls.err
	}
	c, files, err := ls.l.LoadSince(since)
	if err != nil {
		return nil, nil, BuildStats{}, err
	}
	distrust := false // prev was found wanting: build from nothing
	if c == saved && saved != nil {
		// The file's checksum vouches for the stories' hashes: they
		// need not be computed again. Its postings, saved with this
		// corpus by this program, are of these very chunks.
		v := <-postings
		lx, err := v.lx, v.err
		var ix *Index
		var bs buildStats
		if err == nil {
			ix, bs, err = build(ctx, savedChunks, opt, prev, prev.hashes, &lx)
		}
		if err != nil {
			// No postings, or not these: made from the terms.
			ix, bs, err = build(ctx, savedChunks, opt, prev, prev.hashes, nil)
		}
		if err == nil && bs.newStories == 0 && prev.verify() == nil {
			n := len(ix.stories)
			return c, ix, BuildStats{Stories: n, Chunks: ix.Len(), Unchanged: n, Reused: ix.Len()}, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, BuildStats{}, err
		}
		// The stored corpus and index disagree, or the vectors are
		// damaged: not to be trusted.
		c, files, err = corpus.LoadDirSince(dir, nil)
		if err != nil {
			return nil, nil, BuildStats{}, err
		}
		prev, discarded = nil, fmt.Errorf("%w: %s: the saved corpus and index disagree", ErrCorruptIndex, st.path)
		distrust = true
	}
	unlock, err := lockFile(ctx, st.path+".lock")
	if err != nil {
		return nil, nil, BuildStats{}, err
	}
	defer unlock()
	same := saved // the corpus the chunks and stories of prev go with
	if !distrust && (prev == nil || !st.unchangedSince(prev)) {
		// Another process may have saved meanwhile: build on its index.
		if prev, discarded = st.load(ctx); ctx.Err() != nil {
			return nil, nil, BuildStats{}, ctx.Err()
		}
		same = nil
	}
	chunks, hashes := chunksOf(c, same, savedChunks, prev)
	ix, stats, err := buildLocked(ctx, chunks, hashes, opt, st, &snapshot{corpus: c, source: source, changed: c != saved}, prev, discarded)
	stats.Reread = files
	return c, ix, stats, err
}

// BuildPersistedCorpus is BuildPersisted over c's chunks that also saves c,
// stamped with source, for OpenCorpus.
func BuildPersistedCorpus(ctx context.Context, c *corpus.Corpus, chunks []corpus.Chunk, source string, opt Options, st *Store) (*Index, BuildStats, error) {
	return buildPersisted(ctx, chunks, opt, st, &snapshot{corpus: c, source: source})
}

// snapshot is a corpus to save with an index, and its source's fingerprint.
type snapshot struct {
	corpus *corpus.Corpus
	source string
	// changed is set when the corpus's files changed since it was saved,
	// even if no story did: the saved corpus is then rewritten.
	changed bool
}

func (s *snapshot) report() snapshotReport {
	r := s.corpus.Report
	return snapshotReport{Files: r.Files, Duplicates: r.Duplicates, Skipped: r.Skipped, Decoded: r.Decoded}
}

// chunksOf is c.Chunks(), taking the chunks of every article that is as
// it was in saved from savedChunks rather than cutting it again, and their
// story's hash from prev (the others' are zero, to be computed).
func chunksOf(c, saved *corpus.Corpus, savedChunks []corpus.Chunk, prev *persisted) ([]corpus.Chunk, [][32]byte) {
	if saved == nil || prev == nil {
		return c.Chunks(), nil
	}
	known := make(map[string][32]byte, len(prev.ids))
	for i, id := range prev.ids {
		known[id] = prev.hashes[i]
	}
	type span struct{ first, n int }
	spans := make(map[string]span, len(saved.Articles))
	for i, ch := range savedChunks {
		s := spans[ch.ArticleID]
		if s.n == 0 {
			s.first = i
		}
		s.n++
		spans[ch.ArticleID] = s
	}
	out := make([]corpus.Chunk, 0, len(savedChunks)+64)
	hashes := make([][32]byte, len(c.Articles))
	for i, a := range c.Articles {
		old, ok := saved.Article(a.ID)
		if s := spans[a.ID]; ok && s.n > 0 && old.ID == a.ID && sameArticle(a, old) {
			out = append(out, savedChunks[s.first:s.first+s.n]...)
			hashes[i] = known[a.ID]
			continue
		}
		out = append(out, a.Chunks(corpus.DefaultChunkOptions)...)
	}
	return out, hashes
}

// sameArticle reports whether two articles give the same chunks.
func sameArticle(a, b *corpus.Article) bool {
	if a.Title != b.Title || a.URL != b.URL || a.Published != b.Published || a.Text != b.Text || len(a.Paragraphs) != len(b.Paragraphs) {
		return false
	}
	for i, p := range a.Paragraphs {
		q := b.Paragraphs[i]
		if p.Section != q.Section || p.Start != q.Start || p.End != q.End {
			return false
		}
	}
	return true
}
