package corpus

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file (run go test -update): %v", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, d)
	}
}

func chunkJSON(t *testing.T, chunks []Chunk) []byte {
	t.Helper()
	b, err := json.MarshalIndent(chunks, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestBuiltinChunksGolden(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	chunks := c.Chunks()
	golden(t, "builtin.chunks.json", chunkJSON(t, chunks))

	a := c.Articles[0]
	for _, ch := range chunks {
		if a.Text[ch.Start:ch.End] != ch.Text {
			t.Errorf("chunk %s: offsets [%d,%d) don't give its text", ch.ID, ch.Start, ch.End)
		}
		if strings.Contains(ch.Text, "Also Read") || strings.Contains(ch.Text, "Starmer") {
			t.Errorf("chunk %s contains boilerplate: %q", ch.ID, ch.Text)
		}
	}
	wantSections := []string{IntroSection, "Growing Military Cooperation", "Continued Diplomatic Exchange",
		"Strategic Alliance Against Western Pressure", "Symbolism and Global Implications"}
	if d := cmp.Diff(wantSections, c.Sections()); d != "" {
		t.Errorf("sections (-want +got):\n%s", d)
	}
}

func TestLongArticleChunksGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/long-article.md")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse("long-article.md", string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "A Test Article With a Long Paragraph" || a.URL != "https://example.org/test" || a.Published != "2026-01-02" {
		t.Errorf("front matter: got %q %q %q", a.Title, a.URL, a.Published)
	}
	chunks := a.Chunks(ChunkOptions{MaxChars: 300, OverlapSentences: 1})
	golden(t, "long-article.chunks.json", chunkJSON(t, chunks))

	var split []Chunk
	for _, ch := range chunks {
		if ch.Section == "Background Notes" {
			split = append(split, ch)
		}
		if len(ch.Text) > 300 {
			t.Errorf("chunk %s is %d bytes, over the 300 limit", ch.ID, len(ch.Text))
		}
		if a.Text[ch.Start:ch.End] != ch.Text {
			t.Errorf("chunk %s: offsets don't give its text", ch.ID)
		}
	}
	if len(split) < 3 {
		t.Fatalf("long paragraph split into %d chunks, want at least 3", len(split))
	}
	for i := 1; i < len(split); i++ {
		prev := Sentences(split[i-1].Text)
		last := split[i-1].Text[prev[len(prev)-1].Start:]
		if !strings.HasPrefix(split[i].Text, last) {
			t.Errorf("window %d does not start with the previous window's last sentence %q", i, last)
		}
	}
	// Re-chunking gives the same IDs; the duplicated paragraph gets two.
	again := a.Chunks(ChunkOptions{MaxChars: 300, OverlapSentences: 1})
	ids := map[string]bool{}
	for i := range chunks {
		if chunks[i].ID != again[i].ID {
			t.Errorf("chunk %d id changed: %s then %s", i, chunks[i].ID, again[i].ID)
		}
		if ids[chunks[i].ID] {
			t.Errorf("duplicate chunk id %s", chunks[i].ID)
		}
		ids[chunks[i].ID] = true
	}
}

func TestChunkIDsDependOnContent(t *testing.T) {
	a1, _ := Parse("x.txt", "First paragraph here.\nSecond paragraph here.")
	a2, _ := Parse("x.txt", "First paragraph here.\nSecond paragraph changed.")
	c1, c2 := a1.Chunks(DefaultChunkOptions), a2.Chunks(DefaultChunkOptions)
	if c1[0].ID != c2[0].ID {
		t.Errorf("unchanged paragraph changed id: %s vs %s", c1[0].ID, c2[0].ID)
	}
	if c1[1].ID == c2[1].ID {
		t.Errorf("changed paragraph kept id %s", c1[1].ID)
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"One. Two! Three?", []string{"One.", "Two!", "Three?"}},
		{"Dr. Smith met Mr. Jones. They talked.", []string{"Dr. Smith met Mr. Jones.", "They talked."}},
		{"George W. Bush spoke in the U.S. Senate today. Then he left.", []string{"George W. Bush spoke in the U.S. Senate today.", "Then he left."}},
		{"He said “yes.” She said no.", []string{"He said “yes.”", "She said no."}},
		{"It cost 3.5 million. Done", []string{"It cost 3.5 million.", "Done"}},
		{"lowercase after period. still one", []string{"lowercase after period. still one"}},
		{"  ", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range Sentences(tt.in) {
			got = append(got, tt.in[s.Start:s.End])
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("Sentences(%q) (-want +got):\n%s", tt.in, d)
		}
	}
}

func TestFold(t *testing.T) {
	if got := Fold("Kim’s “great heyday”—now…"); got != `Kim's "great heyday"-now...` {
		t.Errorf("Fold = %q", got)
	}
}

func TestIsBoilerplate(t *testing.T) {
	for line, want := range map[string]bool{
		"| Also Read: UK PM Keir Starmer to Begin First Official Visit to India Tomorrow |": true,
		"Also Read: something":     true,
		"ADVERTISEMENT":            true,
		"Kim said | the alliance.": false,
		"North Korea sent troops.": false,
	} {
		if got := IsBoilerplate(line); got != want {
			t.Errorf("IsBoilerplate(%q) = %v, want %v", line, got, want)
		}
	}
}

func TestLoadDir(t *testing.T) {
	c, err := LoadDir("testdata/dir")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"First", "B"}, c.Titles()); d != "" {
		t.Errorf("titles (-want +got):\n%s", d)
	}
	if got := c.Articles[1].Paragraphs[0].Section; got != "Plain Title Line For Section" {
		t.Errorf("section = %q", got)
	}
}

func TestLoadErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := LoadDir(empty); !errors.Is(err, ErrNoArticles) || !strings.Contains(err.Error(), empty) {
		t.Errorf("empty dir: err = %v", err)
	}
	if _, err := LoadDir(filepath.Join(empty, "missing")); err == nil {
		t.Error("missing dir: no error")
	}
	bad := []struct{ name, raw, want string }{
		{"a.txt", "---\ntitle: x\n", "no closing"},
		{"a.txt", "---\ntitle: [x, y]\n---\nbody", "title must be text"},
		{"a.txt", "---\ntitle: \"open\n---\nbody", "bad front matter"},
		{"a.txt", "\n\n| Also Read: x |\n", "no text"},
		{"a.txt", "bad \x00\xff bytes", "not UTF-8"},
	}
	for _, b := range bad {
		if _, err := Parse(b.name, b.raw); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Parse(%q): err = %v, want it to mention %q", b.raw, err, b.want)
		}
	}
}

func TestQuote(t *testing.T) {
	q := Quote("alpha beta gamma delta epsilon", 20)
	if len(q) > 20 || !strings.HasSuffix(q, "…") {
		t.Errorf("Quote = %q (%d bytes)", q, len(q))
	}
	if q := Quote("short", 20); q != "short" {
		t.Errorf("Quote(short) = %q", q)
	}
	if q := Quote(strings.Repeat("é", 30), 11); !strings.HasSuffix(q, "…") || len(q) > 11 {
		t.Errorf("Quote(runes) = %q", q)
	}
}
