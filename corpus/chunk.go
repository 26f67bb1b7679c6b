package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ChunkingVersion changes whenever the chunker would cut the same text
// differently, so that stored embeddings keyed by it are rebuilt.
const ChunkingVersion = "1"

// Chunk is a citable passage: one paragraph, or a window of sentences from a
// long one.
type Chunk struct {
	// ID is derived from the article ID and the chunk's section and text, so
	// re-chunking an unchanged article gives the same IDs.
	ID           string
	ArticleID    string
	ArticleTitle string
	// ArticleURL and ArticlePublished are the article's, so that a source
	// can link and date its story without looking the article up.
	ArticleURL       string `json:",omitempty"`
	ArticlePublished string `json:",omitempty"`
	Section          string
	Seq              int // position of the chunk in its article, from 0
	Text             string
	Start, End       int // byte offsets in the article's Text
}

// IndexText is what retrieval embeds and indexes: the passage with its
// article title and section, so a question naming a section finds it.
func (c Chunk) IndexText() string {
	return c.ArticleTitle + "\n" + c.Section + "\n" + c.Text
}

// ChunkOptions sets how paragraphs are cut.
type ChunkOptions struct {
	// MaxChars is the longest a chunk may be before it is split at sentence
	// boundaries. A single sentence longer than this stays whole.
	MaxChars int
	// OverlapSentences is how many sentences of a split paragraph's previous
	// window begin the next one, so that a fact spanning the cut is whole in
	// at least one chunk.
	OverlapSentences int
}

// DefaultChunkOptions suit news paragraphs: most stay whole, and a window
// stays short enough to quote in a chat reply.
var DefaultChunkOptions = ChunkOptions{MaxChars: 800, OverlapSentences: 1}

// Chunks cuts every article of the corpus with the default options.
func (c *Corpus) Chunks() []Chunk {
	each := make([][]Chunk, len(c.Articles))
	n := 0
	for i, a := range c.Articles {
		each[i] = a.Chunks(DefaultChunkOptions)
		n += len(each[i])
	}
	out := make([]Chunk, 0, n)
	for _, cs := range each {
		out = append(out, cs...)
	}
	return out
}

// Chunks cuts the article into passages: one per paragraph, with long
// paragraphs split into overlapping windows of whole sentences.
func (a *Article) Chunks(opt ChunkOptions) []Chunk {
	if opt.MaxChars <= 0 {
		opt.MaxChars = DefaultChunkOptions.MaxChars
	}
	var out []Chunk
	used := map[string]int{}
	add := func(p Paragraph, start, end int) {
		text := a.Text[start:end]
		id := chunkID(a.ID, p.Section, text)
		used[id]++
		if n := used[id]; n > 1 {
			// The same passage twice in one article: keep both, distinctly.
			id = fmt.Sprintf("%s-%d", id, n)
		}
		out = append(out, Chunk{
			ID: id, ArticleID: a.ID, ArticleTitle: a.Title, ArticleURL: a.URL, ArticlePublished: a.Published, Section: p.Section,
			Seq: len(out), Text: text, Start: start, End: end,
		})
	}
	for _, p := range a.Paragraphs {
		if len(p.Text) <= opt.MaxChars {
			add(p, p.Start, p.End)
			continue
		}
		for _, w := range windows(Sentences(p.Text), opt) {
			add(p, p.Start+w.Start, p.Start+w.End)
		}
	}
	return out
}

// windows groups sentence spans into runs of at most opt.MaxChars bytes,
// each run starting with the last opt.OverlapSentences of the previous one.
func windows(sents []Span, opt ChunkOptions) []Span {
	var out []Span
	for i := 0; i < len(sents); {
		j := i + 1
		for j < len(sents) && sents[j].End-sents[i].Start <= opt.MaxChars {
			j++
		}
		out = append(out, Span{sents[i].Start, sents[j-1].End})
		if j == len(sents) {
			break
		}
		// Step back for overlap, but always make progress.
		i = max(j-opt.OverlapSentences, i+1)
	}
	return out
}

func chunkID(articleID, section, text string) string {
	h := sha256.New()
	for _, s := range []string{articleID, section, text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return articleID + "-" + hex.EncodeToString(h.Sum(nil))[:12]
}

// ContentHash identifies a chunk's indexed text, for caching embeddings.
func (c Chunk) ContentHash() string {
	sum := sha256.Sum256([]byte(c.IndexText()))
	return hex.EncodeToString(sum[:])
}

// Quote shortens a passage for display to at most max bytes, cutting at a
// word boundary and marking the cut with an ellipsis.
func Quote(text string, max int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= max {
		return text
	}
	cut := text[:max-len("…")]
	if i := strings.LastIndexByte(cut, ' '); i > max/2 {
		cut = cut[:i]
	}
	// Never leave half a UTF-8 rune behind.
	for len(cut) > 0 && !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	cut = strings.TrimRight(cut, " ,;:")
	return cut + "…"
}
