package retrieval

import (
	"context"
	"encoding/binary"
	"errors"

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
	return b
}

// decodeCorpus is encodeCorpus's inverse; every bound is checked.
func decodeCorpus(b []byte, rep snapshotReport) (*corpus.Corpus, []corpus.Chunk, error) {
	d := decoder{b: b}
	str := func() string { return string(d.bytes(d.count(len(d.b)))) }
	c := &corpus.Corpus{Report: corpus.LoadReport{Files: rep.Files, Duplicates: rep.Duplicates, Skipped: rep.Skipped, Decoded: rep.Decoded}}
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
		c.Articles = append(c.Articles, a)
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
	if d.err == nil && len(d.b) != 0 {
		d.err = errors.New("trailing bytes after the corpus")
	}
	return c, chunks, d.err
}

// OpenPersisted loads the corpus and index st holds when they were saved
// (by BuildPersistedCorpus) for source; ok is false, with a nil error, when
// the file is absent, unusable, or from another source, and the caller
// loads the corpus and builds.
func OpenPersisted(ctx context.Context, opt Options, st *Store, source string) (c *corpus.Corpus, ix *Index, ok bool, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	prev, err := st.load(ctx)
	if err != nil || prev == nil || prev.source != source || prev.corpus == nil {
		return nil, nil, false, ctx.Err()
	}
	c, chunks, err := decodeCorpus(prev.corpus, prev.report)
	if err != nil {
		return nil, nil, false, nil
	}
	// The file's checksum and the source's fingerprint vouch for the
	// stories' hashes: they need not be computed again.
	ix, bs, err := build(ctx, chunks, opt, prev, prev.hashes)
	if err != nil || bs.newStories > 0 {
		// The stored corpus and index disagree: not to be trusted.
		return nil, nil, false, ctx.Err()
	}
	return c, ix, true, nil
}

// BuildPersistedCorpus is BuildPersisted over c's chunks that also saves c,
// stamped with source, for OpenPersisted.
func BuildPersistedCorpus(ctx context.Context, c *corpus.Corpus, chunks []corpus.Chunk, source string, opt Options, st *Store) (*Index, BuildStats, error) {
	return buildPersisted(ctx, chunks, opt, st, &snapshot{corpus: c, source: source})
}

// snapshot is a corpus to save with an index, and its source's fingerprint.
type snapshot struct {
	corpus *corpus.Corpus
	source string
}

func (s *snapshot) report() snapshotReport {
	r := s.corpus.Report
	return snapshotReport{Files: r.Files, Duplicates: r.Duplicates, Skipped: r.Skipped, Decoded: r.Decoded}
}
