// Package corpus turns article files into cleaned, sectioned paragraphs and
// stable, citable chunks: the text everything else in articlebot retrieves from.
package corpus

import (
	"bufio"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed builtin/*.txt
var builtinFS embed.FS

// IntroSection names the text that comes before an article's first heading.
const IntroSection = "Introduction"

// Article is one news article: its metadata, its source text and the
// paragraphs found in it.
type Article struct {
	ID        string // from the file name, e.g. "kim-putin-alliance"
	Title     string
	URL       string // empty unless the front matter gives one
	Published string // empty unless the front matter gives one
	// Text is the article body as loaded, after the front matter. Paragraph
	// and chunk offsets index into it.
	Text       string
	Paragraphs []Paragraph
}

// Paragraph is one body paragraph with the section it belongs to.
type Paragraph struct {
	Section    string
	Text       string
	Start, End int // byte offsets in Article.Text
}

// Sections lists the article's section names in order, the introduction
// first when it has text.
func (a *Article) Sections() []string {
	var out []string
	for _, p := range a.Paragraphs {
		if len(out) == 0 || out[len(out)-1] != p.Section {
			out = append(out, p.Section)
		}
	}
	return out
}

// Corpus is the set of articles the bot answers from.
type Corpus struct {
	Articles []*Article
}

// Sections lists the section names across all articles, without duplicates,
// in order of appearance.
func (c *Corpus) Sections() []string {
	var out []string
	for _, a := range c.Articles {
		for _, s := range a.Sections() {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Titles lists the article titles in order.
func (c *Corpus) Titles() []string {
	out := make([]string, len(c.Articles))
	for i, a := range c.Articles {
		out[i] = a.Title
	}
	return out
}

// Builtin returns the corpus compiled into the binary.
func Builtin() (*Corpus, error) {
	c, err := LoadFS(builtinFS, "builtin")
	if err != nil {
		return nil, fmt.Errorf("couldn't load the built-in corpus: %w", err)
	}
	return c, nil
}

// ErrNoArticles is returned when a corpus directory holds no article files.
var ErrNoArticles = errors.New("no .txt or .md articles found")

// LoadDir loads every .txt and .md file in dir (not recursively) as an
// article, in file name order.
func LoadDir(dir string) (*Corpus, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("couldn't open corpus directory: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("corpus %s is not a directory", dir)
	}
	return LoadFS(os.DirFS(dir), ".")
}

// LoadFS loads every .txt and .md file directly under dir in fsys.
func LoadFS(fsys fs.FS, dir string) (*Corpus, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("couldn't list %s: %w", dir, err)
	}
	c := &Corpus{}
	seen := map[string]string{}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".txt" && ext != ".md") {
			continue
		}
		raw, err := fs.ReadFile(fsys, pathJoin(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("couldn't read %s: %w", e.Name(), err)
		}
		a, err := Parse(e.Name(), string(raw))
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[a.ID]; dup {
			return nil, fmt.Errorf("articles %s and %s have the same id %q", prev, e.Name(), a.ID)
		}
		seen[a.ID] = e.Name()
		c.Articles = append(c.Articles, a)
	}
	if len(c.Articles) == 0 {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoArticles)
	}
	return c, nil
}

func pathJoin(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}

// Parse reads one article: optional front matter between "---" lines
// (title, url, published), then the body. Boilerplate lines are dropped and
// every paragraph is assigned to the section heading above it.
func Parse(filename, raw string) (*Article, error) {
	if !utf8.ValidString(raw) {
		return nil, fmt.Errorf("%s: article is not valid UTF-8", filename)
	}
	raw = StripControl(strings.TrimPrefix(raw, "\ufeff"))
	a := &Article{ID: slug(strings.TrimSuffix(filename, filepath.Ext(filename)))}
	body, meta, err := splitFrontMatter(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	a.Text = body
	a.Title, a.URL, a.Published = meta["title"], meta["url"], meta["published"]

	section := IntroSection
	pos := 0
	for _, line := range strings.SplitAfter(body, "\n") {
		start := pos
		pos += len(line)
		text := strings.TrimSpace(line)
		if text == "" || IsBoilerplate(text) {
			continue
		}
		if h, ok := heading(text); ok {
			section = h
			continue
		}
		// Offsets cover the trimmed text so that Text[Start:End] == Text.
		lead := strings.Index(line, text)
		a.Paragraphs = append(a.Paragraphs, Paragraph{
			Section: section,
			Text:    text,
			Start:   start + lead,
			End:     start + lead + len(text),
		})
	}
	if len(a.Paragraphs) == 0 {
		return nil, fmt.Errorf("%s: article has no text", filename)
	}
	if a.Title == "" {
		a.Title = titleFromName(a.ID)
	}
	return a, nil
}

func splitFrontMatter(raw string) (body string, meta map[string]string, err error) {
	meta = map[string]string{}
	if !strings.HasPrefix(raw, "---\n") && !strings.HasPrefix(raw, "---\r\n") {
		return raw, meta, nil
	}
	rest := raw[strings.Index(raw, "\n")+1:]
	sc := bufio.NewScanner(strings.NewReader(rest))
	consumed := 0
	for sc.Scan() {
		line := sc.Text()
		consumed += len(line) + 1
		trimmed := strings.TrimSpace(line)
		if trimmed == "---" {
			if consumed > len(rest) {
				consumed = len(rest)
			}
			return rest[consumed:], meta, nil
		}
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		key, val, ok := strings.Cut(trimmed, ":")
		if !ok {
			return "", nil, fmt.Errorf("front matter line %q is not \"key: value\"", trimmed)
		}
		key = strings.ToLower(strings.TrimSpace(key))
		switch key {
		case "title", "url", "published":
			meta[key] = strings.Trim(strings.TrimSpace(val), `"'`)
		default:
			return "", nil, fmt.Errorf("unknown front matter key %q (want title, url or published)", key)
		}
	}
	return "", nil, errors.New(`front matter has no closing "---" line`)
}

// boilerplatePrefixes start lines that news sites insert between paragraphs.
var boilerplatePrefixes = []string{
	"also read:", "also read ", "read more:", "read also:", "related:", "related story:",
	"advertisement", "subscribe to", "follow us on", "click here", "sign up for",
}

// IsBoilerplate reports whether a line is site furniture rather than article
// text, such as "| Also Read: … |" link boxes.
func IsBoilerplate(line string) bool {
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") {
		return true
	}
	lower := strings.ToLower(Fold(t))
	for _, p := range boilerplatePrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}

// heading reports whether a line is a section title: a Markdown heading, or
// a short title-cased line without closing punctuation.
func heading(line string) (string, bool) {
	if strings.HasPrefix(line, "#") {
		h := strings.TrimSpace(strings.TrimLeft(line, "#"))
		return h, h != ""
	}
	words := strings.Fields(line)
	if len(words) == 0 || len(words) > 10 || len(line) > 90 {
		return "", false
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	if strings.ContainsRune(".!?:;,\"”’)", last) {
		return "", false
	}
	capital := 0
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			capital++
		} else if !minorWords[strings.ToLower(w)] {
			return "", false
		}
	}
	return line, capital > 0
}

// minorWords may stay lowercase in a title-cased heading.
var minorWords = map[string]bool{
	"a": true, "an": true, "and": true, "as": true, "at": true, "but": true, "by": true,
	"for": true, "from": true, "in": true, "into": true, "of": true, "on": true, "or": true,
	"the": true, "to": true, "vs": true, "with": true, "over": true, "amid": true,
}

func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		s = "article"
	}
	return s
}

func titleFromName(id string) string {
	words := strings.Split(id, "-")
	for i, w := range words {
		if w != "" {
			r, n := utf8.DecodeRuneInString(w)
			words[i] = string(unicode.ToUpper(r)) + w[n:]
		}
	}
	return strings.Join(words, " ")
}
