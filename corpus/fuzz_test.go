package corpus

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary file names and bytes to the loader's parser: it
// must return an article or an error, never panic, and an article it returns
// must be clean, valid UTF-8 whose paragraph offsets give their text. The
// seed corpus is testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add("business/001.txt", "Ad sales boost Time Warner profit\n\nQuarterly profits jumped 76%.\n")
	f.Add("a.md", "---\ntitle: \"Quoted \\\"title\\\"\"\ndate: 2005-01-02\ntags: [a]\n---\n# Heading\nText.\n\nArsenal 2-1 Chelsea\n")
	f.Add("latin1.txt", "Club fined \xa315m\n\nThe caf\xe9 \x93incident\x94.")
	f.Add("bad.txt", "\x00\xff\xfe")
	f.Fuzz(func(t *testing.T, name, raw string) {
		a, err := Parse(name, raw)
		if err != nil {
			return
		}
		checkArticle(t, a)
	})
}

// FuzzChunks cuts parsed articles with arbitrary options: every chunk's
// offsets give its text, IDs are unique, and re-chunking gives the same IDs.
func FuzzChunks(f *testing.F) {
	f.Add("Dr. Smith arrived. She said “yes.” The talks lasted three hours. It cost 3.5 million. Done", 40, 1)
	f.Add("One. Two! Three?\nA Heading Line\nMore text here. And more.", 5, 3)
	f.Add(strings.Repeat("Long sentence without end ", 50), 100, 0)
	f.Fuzz(func(t *testing.T, raw string, maxChars, overlap int) {
		a, err := Parse("fuzz.txt", raw)
		if err != nil {
			return
		}
		opt := ChunkOptions{MaxChars: maxChars % 5000, OverlapSentences: overlap % 8}
		if opt.OverlapSentences < 0 {
			opt.OverlapSentences = -opt.OverlapSentences
		}
		chunks := a.Chunks(opt)
		if len(chunks) < len(a.Paragraphs) {
			t.Fatalf("%d chunks for %d paragraphs", len(chunks), len(a.Paragraphs))
		}
		ids := map[string]bool{}
		for i, ch := range chunks {
			if ch.Start < 0 || ch.End > len(a.Text) || ch.Start > ch.End || a.Text[ch.Start:ch.End] != ch.Text {
				t.Fatalf("chunk %d: offsets [%d,%d) don't give its text %q", i, ch.Start, ch.End, ch.Text)
			}
			if ch.Seq != i || ch.ArticleID != a.ID || ids[ch.ID] {
				t.Fatalf("chunk %d: seq %d, article %q, id %q (seen: %v)", i, ch.Seq, ch.ArticleID, ch.ID, ids[ch.ID])
			}
			ids[ch.ID] = true
		}
		for i, ch := range a.Chunks(opt) {
			if ch.ID != chunks[i].ID {
				t.Fatalf("chunk %d: id %s, then %s", i, chunks[i].ID, ch.ID)
			}
		}
	})
}

func checkArticle(t *testing.T, a *Article) {
	t.Helper()
	if a.ID == "" || a.Title == "" || len(a.Paragraphs) == 0 {
		t.Fatalf("article without id, title or paragraphs: %+v", a)
	}
	for _, s := range []string{a.Text, a.Title, a.URL, a.Published} {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 kept: %q", s)
		}
		if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f }) {
			t.Fatalf("control character kept: %q", s)
		}
	}
	for i, p := range a.Paragraphs {
		if p.Start < 0 || p.End > len(a.Text) || p.Start > p.End || a.Text[p.Start:p.End] != p.Text || p.Text == "" {
			t.Fatalf("paragraph %d: offsets [%d,%d) don't give its text %q", i, p.Start, p.End, p.Text)
		}
		if p.Section == "" {
			t.Fatalf("paragraph %d has no section", i)
		}
	}
}
