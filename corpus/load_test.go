package corpus

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeTree writes files (path → content) under a new temp dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// collection is a small collection with every kind of file a loader meets.
var collection = map[string]string{
	".hidden.md":           "Hidden file\n\nNot a story.",
	".git/story.md":        "In a hidden folder\n\nNot a story.",
	"README.md":            "# About this collection\n\nA notice, not a story.",
	"world/LICENSE.txt":    "Licensed under terms.\n",
	"Copying":              "no extension at all",
	"notes.json":           `{"not": "an article"}`,
	"readme.markdown":      "---\ntitle: A story called readme\n---\nFront matter makes this a story.",
	"world/001.txt":        "Harbour reopens after storm\n\nThe harbour reopened on Monday.\n\nBoats left at dawn.",
	"world/002.txt":        "Storm harbour back in business\n\nThe harbour reopened on Monday.\nBoats  left at dawn.\n",
	"world/latin1.txt":     "Club fined \xa315m\n\nThe club was fined \xa315.8m for the caf\xe9 \x93incident\x94.",
	"world/binary.txt":     "\x00\x01\xfe\xff\x00binary",
	"world/mixed.txt":      "Caf\xc3\xa9 and caf\xe9\n\nValid UTF-8 and a Latin-1 byte in one file.",
	"world/empty.txt":      "\n\n",
	"world/europe/deep.md": "---\ntitle: '\"Quoted\" title'\nurl: https://example.org/deep\ndate: 2005-01-31\nauthor: A. Writer\ntags: [a, b]\n---\nDeep in a folder.",
	"world/europe/tagged.md": "---\ntitle: Tagged\npublished: 2005-02-01\ndate: 2004-01-01\ndraft: false\nauthor: B\n---\n" +
		"Published wins over date.",
	"world/bad-yaml.md":   "---\ntitle: \"unclosed\n---\nBody.",
	"world/Same Name.txt": "Body of the text file.",
	"world/same-name.md":  "Body of the Markdown file.",
	"world/crlf.txt":      "Line one of a Windows file\r\n\r\nIts body, with a bell\a and an escape\x1b[31m.\r\n",
}

// loadView is what the collection golden records of a load.
type loadView struct {
	Summary  string
	Articles []articleView
	Warnings []string
}

type articleView struct {
	ID, Title, Path, URL, Published string
	Aliases                         []Alias `json:",omitempty"`
	Paragraphs                      []string
}

func viewOf(c *Corpus, dir string) loadView {
	v := loadView{Summary: c.Summary()}
	for _, a := range c.Articles {
		av := articleView{ID: a.ID, Title: a.Title, Path: a.Path, URL: a.URL, Published: a.Published, Aliases: a.Aliases}
		for _, p := range a.Paragraphs {
			av.Paragraphs = append(av.Paragraphs, p.Section+" | "+p.Text)
		}
		v.Articles = append(v.Articles, av)
	}
	for _, w := range c.Report.Warnings {
		v.Warnings = append(v.Warnings, string(w.Kind)+": "+strings.ReplaceAll(filepath.ToSlash(w.String()), filepath.ToSlash(dir), "DIR"))
	}
	return v
}

func TestLoadCollectionGolden(t *testing.T) {
	dir := writeTree(t, collection)
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(viewOf(c, dir), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "collection.load.json", append(b, '\n'))

	// The properties the golden shows, checked directly.
	r := c.Report
	if r.Files != 13 || r.Duplicates != 1 || r.Skipped != 4 || r.Decoded != 1 {
		t.Errorf("report = %+v, want 13 files, 1 duplicate, 4 skipped, 1 decoded", r)
	}
	for _, id := range []string{"readme", "world/001", "world/latin1", "world/europe/deep", "world/same-name", "world/same-name-md"} {
		if _, ok := c.Article(id); !ok {
			t.Errorf("no article %q", id)
		}
	}
	kept, ok := c.Article("world/002")
	if !ok || kept.ID != "world/001" || len(kept.Aliases) != 1 || kept.Aliases[0].Title != "Storm harbour back in business" {
		t.Errorf("duplicate world/002 → %+v", kept)
	}
	latin, _ := c.Article("world/latin1")
	if latin.Title != "Club fined £15m" || !strings.Contains(latin.Text, "£15.8m for the café “incident”") {
		t.Errorf("Latin-1 article: %q / %q", latin.Title, latin.Text)
	}
	deep, _ := c.Article("world/europe/deep")
	if deep.Title != `"Quoted" title` || deep.Published != "2005-01-31" || deep.URL != "https://example.org/deep" {
		t.Errorf("front matter: %+v", deep)
	}
	var ignored, skippedBinary int
	for _, w := range r.Warnings {
		switch {
		case w.Kind == WarnIgnoredKeys:
			ignored++
			if !strings.Contains(w.Detail, "author (2 files)") || !strings.Contains(w.Detail, "draft (1 file)") || !strings.Contains(w.Detail, "tags (1 file)") {
				t.Errorf("ignored-keys warning doesn't name the keys: %s", w.Detail)
			}
		case w.Kind == WarnSkipped && w.Path == filepath.Join(dir, "world", "binary.txt"):
			skippedBinary++
		}
	}
	if ignored != 1 || skippedBinary != 1 {
		t.Errorf("%d ignored-keys warnings and %d naming world/binary.txt's full path, want 1 and 1", ignored, skippedBinary)
	}
	for _, a := range c.Articles {
		if strings.ContainsAny(a.Text, "\r\a\x1b") {
			t.Errorf("%s keeps control characters: %q", a.ID, a.Text)
		}
	}
}

func TestLoadAllSkipped(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.txt": "\x00\x00", "README.txt": "notice"})
	_, err := LoadDir(dir)
	if !errors.Is(err, ErrNoArticles) || !strings.Contains(err.Error(), filepath.Join(dir, "a.txt")) {
		t.Errorf("err = %v, want ErrNoArticles naming the skipped file", err)
	}
}

func TestTitles(t *testing.T) {
	tests := []struct {
		name, raw, title, first string
	}{
		{"headline.txt", "Ad sales boost Time Warner profit\n\nQuarterly profits jumped 76%.", "Ad sales boost Time Warner profit", "Quarterly profits jumped 76%."},
		{"question.txt", "Is this the end of the line?\n\nPerhaps not.", "Is this the end of the line?", "Perhaps not."},
		{"score.txt", "Italy 8-38 Wales\n\nWales won in Rome.", "Italy 8-38 Wales", "Wales won in Rome."},
		{"ellipsis.txt", "Rivals of the £400 Apple...\n\nSeveral makers compete.", "Rivals of the £400 Apple...", "Several makers compete."},
		{"quoted.txt", "Labour's 'EU propaganda'\n\nThe party was accused.", "Labour's 'EU propaganda'", "The party was accused."},
		{"markdown.md", "# The Harbour\nIt reopened.", "The Harbour", "It reopened."},
		{"blank-lines-first.txt", "\n\nHarbour reopens\n\nIt reopened.", "Harbour reopens", "It reopened."},
		// Not headlines: the first line is then the first paragraph.
		{"sentence.txt", "The harbour reopened on Monday.\n\nBoats left.", "Sentence", "The harbour reopened on Monday."},
		{"no-blank-line.txt", "Harbour reopens\nIt reopened.", "No Blank Line", "Harbour reopens"},
		{"two-sentences.txt", "Boats left! Then rain came\n\nIt rained.", "Two Sentences", "Boats left! Then rain came"},
		{"lead-in.txt", "Officials said:\n\nIt reopened.", "Lead In", "Officials said:"},
		{"long.txt", strings.Repeat("word ", 21) + "\n\nBody.", "Long", strings.TrimSpace(strings.Repeat("word ", 21))},
		{"only-line.txt", "Harbour reopens", "Only Line", "Harbour reopens"},
		{"front-matter.md", "---\ntitle: Given\n---\nHarbour reopens\n\nIt reopened.", "Given", "Harbour reopens"},
		{"front-matter-repeated.md", "---\ntitle: Harbour reopens\n---\nHarbour reopens\n\nIt reopened.", "Harbour reopens", "It reopened."},
		{"business/001.txt", "the headline in lower case\n\nBody.", "the headline in lower case", "Body."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse(tt.name, tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tt.title {
				t.Errorf("title = %q, want %q", a.Title, tt.title)
			}
			if got := a.Paragraphs[0].Text; got != tt.first {
				t.Errorf("first paragraph = %q, want %q", got, tt.first)
			}
			for _, p := range a.Paragraphs {
				if p.Section == a.Title && a.Title != "" {
					t.Errorf("the title is also a section")
				}
			}
		})
	}
}

func TestHeadings(t *testing.T) {
	const next = "The match was played in the rain."
	tests := []struct {
		line, next string
		want       bool
	}{
		{"Growing Military Cooperation", next, true},
		{"WORLD OF WARCRAFT", next, true},
		{"2004: An Irish Athletics Year", next, true},
		{"The All Blacks", next, true},
		{"Analysis", next, true},
		// Figures: results, times, attendances.
		{"Arsenal 2-1 Chelsea", next, false},
		{"Italy 8–38 Wales", next, false},
		{"29,603", next, false},
		{"2000 GMT", next, false},
		{"1:23.45", next, false},
		{"16th PREM", next, false},
		{"13th Championship", next, false},
		// The remains of a sentence whose links were stripped.
		{"Jamaican", "stretched her unbeaten record to 25 races.", false},
		{"News Letter", ". ''We want an explanation.", false},
		{"Barcelona, Bayern Munich, Porto", ", who had already qualified, lost.", false},
		{"Heading At The End", "", false},
		// A fact box: venue, date, time, each on a line.
		{"Lansdowne Road, Dublin", "Sunday, 27 February", false},
		{"Sunday, 27 February", "1500 GMT", false},
		{"10th League One", "WINNERS (once)", false},
		// Prose.
		{"The harbour reopened", next, false},
		{"It Ended.", next, false},
	}
	for _, tt := range tests {
		if got := heading(tt.line, tt.next); got != tt.want {
			t.Errorf("heading(%q, %q) = %v, want %v", tt.line, tt.next, got, tt.want)
		}
	}
}

func TestFiguresStayParagraphs(t *testing.T) {
	raw := "Chelsea 2-1 Arsenal\n\nChelsea won at home.\n\nStamford Bridge\n\nThe ground was full.\n\n29,603\n\n2000 GMT\n\nArsenal 2-1 Chelsea\n\nReferee: M Riley."
	a, err := Parse("sport/match.txt", raw)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{IntroSection, "Stamford Bridge"}, a.Sections()); d != "" {
		t.Errorf("sections (-want +got):\n%s", d)
	}
	var texts []string
	for _, p := range a.Paragraphs {
		texts = append(texts, p.Text)
	}
	if d := cmp.Diff([]string{"Chelsea won at home.", "The ground was full.", "29,603", "2000 GMT", "Arsenal 2-1 Chelsea", "Referee: M Riley."}, texts); d != "" {
		t.Errorf("paragraphs (-want +got):\n%s", d)
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, raw, want, enc string
		err                  bool
	}{
		{"utf8", "café £5", "café £5", "", false},
		{"latin1", "caf\xe9 \xa35", "café £5", EncodingWindows1252, false},
		{"windows-1252 quotes and euro", "\x93yes\x94 \x80 5 \x96 6", "“yes” € 5 – 6", EncodingWindows1252, false},
		{"NUL", "caf\xe9\x00", "", "", true},
		{"undefined in windows-1252", "caf\xe9 \x81", "", "", true},
		{"mostly high bytes", "\xe9\xe8\xea\xeb\xe0a", "", "", true},
		{"control bytes", "caf\xe9 \x01\x02\x03", "", "", true},
		{"utf-8 with a stray byte", "café and caf\xe9", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, err := decode(tt.raw)
			if (err != nil) != tt.err || got != tt.want || enc != tt.enc {
				t.Errorf("decode(%q) = %q, %q, %v; want %q, %q, error %v", tt.raw, got, enc, err, tt.want, tt.enc, tt.err)
			}
			if err != nil && !errors.Is(err, ErrEncoding) {
				t.Errorf("err = %v, want ErrEncoding", err)
			}
		})
	}
}

func TestFrontMatter(t *testing.T) {
	tests := []struct {
		raw                   string
		title, url, published string
		ignored               []string
	}{
		{"---\ntitle: \"He said \\\"no\\\"\"\n---\nx", `He said "no"`, "", "", nil},
		{"---\ntitle: '\"Yes\" vote'\n---\nx", `"Yes" vote`, "", "", nil},
		{"---\ntitle: It's: complicated\n---\nx", "", "", "", nil}, // invalid YAML: a mapping in a plain scalar
		{"---\nTitle: Cased\nURL: https://e.org/x\ndate: 2005-01-02T10:00:00Z\n---\nx", "Cased", "https://e.org/x", "2005-01-02T10:00:00Z", nil},
		{"---\ntitle: x\ntags: [a]\ncategories:\n  - b\nslug: s\ndescription: d\n...\nx", "x", "", "", []string{"tags", "categories", "slug", "description"}},
		{"---\ntitle:\n---\nx", "", "", "", nil},
		{"---\n---\nx", "", "", "", nil},
	}
	for _, tt := range tests {
		_, fm, err := splitFrontMatter(tt.raw)
		if tt.title == "" && strings.Contains(tt.raw, "complicated") {
			if !errors.Is(err, ErrFrontMatter) {
				t.Errorf("%q: err = %v, want ErrFrontMatter", tt.raw, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.raw, err)
			continue
		}
		want := frontMatter{Title: tt.title, URL: tt.url, Published: tt.published, Ignored: tt.ignored}
		if d := cmp.Diff(want, fm); d != "" {
			t.Errorf("%q (-want +got):\n%s", tt.raw, d)
		}
	}
}
