// Package corpus turns article files into cleaned, sectioned paragraphs and
// stable, citable chunks: the text everything else in articlebot retrieves from.
package corpus

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// IntroSection names the text that comes before an article's first heading.
const IntroSection = "Introduction"

// Article is one news article: its metadata, its source text and the
// paragraphs found in it.
type Article struct {
	// ID is the file's path in its collection without the extension, each
	// part lower-cased with runs of other characters as one dash:
	// "business/001", or "kim-putin-alliance" at the top level.
	ID    string
	Title string
	// Path is the file's path in its collection, with "/" separators.
	Path      string
	URL       string // empty unless the front matter gives one
	Published string // empty unless the front matter gives one (as published or date)
	// Aliases are the stories whose body is this one's, loaded once.
	Aliases []Alias
	// Text is the article body as loaded, after the front matter. Paragraph
	// and chunk offsets index into it.
	Text       string
	Paragraphs []Paragraph

	bodyKey [sha256.Size]byte // what makes two stories one; see bodyKey
}

// Alias is a story folded into another because their bodies are the same.
type Alias struct {
	ID, Title, Path string
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

// ErrNoText marks a file with no article text in it.
var ErrNoText = errors.New("article has no text")

// Parse reads one article. name is the file's path in its collection, with
// "/" separators; it gives the article's ID and, without a title, its
// title. Text that is not UTF-8 is decoded as Windows-1252 when that is
// plausible (see decode); control characters are stripped.
//
// Optional YAML front matter between "---" lines gives the title, url and
// published (or date); other keys are ignored. Without a title there, a
// first line that reads as a headline and is followed by a blank line is
// the title; failing that, the file name is. Boilerplate lines are dropped
// and every paragraph is assigned to the section heading above it.
func Parse(name, raw string) (*Article, error) {
	a, _, err := parse(name, raw)
	return a, err
}

// parseNotes is what a loader reports about a parsed file.
type parseNotes struct {
	encoding string   // the encoding the text was decoded from, if not UTF-8
	ignored  []string // front matter keys articlebot has no use for
}

func parse(name, raw string) (*Article, parseNotes, error) {
	var notes parseNotes
	text, enc, err := decode(raw)
	if err != nil {
		return nil, notes, fmt.Errorf("%s: %w", name, err)
	}
	notes.encoding = enc
	text = StripControl(strings.TrimPrefix(text, "\ufeff"))
	body, fm, err := splitFrontMatter(text)
	if err != nil {
		return nil, notes, fmt.Errorf("%s: %w", name, err)
	}
	notes.ignored = fm.Ignored
	// Character references a feed left in the text ("pass&#233;",
	// "&#163;35") are the characters they stand for; decoded after the
	// front matter is split, so none can end it, and stripped again of
	// the control characters one may name.
	body = StripControl(UnescapeEntities(body))
	a := &Article{
		ID: articleID(name), Path: name, Text: body,
		Title: strings.Join(strings.Fields(StripControl(UnescapeEntities(fm.Title))), " "), URL: fm.URL, Published: fm.Published,
	}
	lines := splitLines(body)
	first := titleLine(a, lines)

	section := IntroSection
	for i := first; i < len(lines); i++ {
		l := lines[i]
		if l.text == "" || IsBoilerplate(l.text) {
			continue
		}
		if h, level := markdownHeading(l.text); level > 0 {
			section = h
			continue
		}
		if heading(l.text, nextText(lines, i)) {
			section = l.text
			continue
		}
		a.Paragraphs = append(a.Paragraphs, Paragraph{Section: section, Text: l.text, Start: l.start, End: l.end})
	}
	if len(a.Paragraphs) == 0 {
		return nil, notes, fmt.Errorf("%s: %w", name, ErrNoText)
	}
	if a.Title == "" {
		a.Title = titleFromName(path.Base(a.ID))
	}
	a.bodyKey = bodyKey(a.Paragraphs)
	return a, notes, nil
}

// line is one line of a body, trimmed, with its offsets in the body.
type line struct {
	text       string
	start, end int
}

func splitLines(body string) []line {
	out := make([]line, 0, strings.Count(body, "\n")+1)
	for pos := 0; pos < len(body); {
		end := strings.IndexByte(body[pos:], '\n')
		next := pos + end + 1
		if end < 0 {
			end, next = len(body)-pos, len(body)
		}
		raw := body[pos : pos+end]
		text := strings.TrimSpace(raw)
		// Offsets cover the trimmed text so that Text[Start:End] == Text.
		lead := pos + strings.Index(raw, text)
		out = append(out, line{text: text, start: lead, end: lead + len(text)})
		pos = next
	}
	return out
}

// nextText is the next non-blank line after lines[i], or "".
func nextText(lines []line, i int) string {
	for _, l := range lines[i+1:] {
		if l.text != "" {
			return l.text
		}
	}
	return ""
}

// titleLine takes the article's title from its first line when the front
// matter gave none and the line is a Markdown level-1 heading or reads as
// a headline with a blank line under it. It returns the index of the first
// line after the title, which is then not also a section or paragraph. A
// first line that repeats the front matter's title is skipped as well.
func titleLine(a *Article, lines []line) int {
	k := 0
	for k < len(lines) && lines[k].text == "" {
		k++
	}
	if k == len(lines) {
		return k
	}
	text := lines[k].text
	if h, level := markdownHeading(text); level == 1 {
		text = h
	} else if !(k+1 < len(lines) && lines[k+1].text == "" && nextText(lines, k) != "" && isHeadline(text)) {
		return k
	}
	switch {
	case a.Title == "":
		a.Title = text
	case !strings.EqualFold(Fold(a.Title), Fold(text)):
		return k
	}
	return k + 1
}

// bodyKey identifies a story by its words, sections included and title
// left out, so two files with the same story under different headlines or
// paragraph breaks are one story.
func bodyKey(ps []Paragraph) [sha256.Size]byte {
	n := 0
	for _, p := range ps {
		n += len(p.Text) + 1
	}
	buf := make([]byte, 0, n+64)
	section := IntroSection
	for _, p := range ps {
		if p.Section != section {
			section = p.Section
			buf = append(appendWords(append(buf, 0), section), 0)
		}
		buf = appendWords(buf, p.Text)
	}
	return sha256.Sum256(buf)
}

// appendWords appends s's words to buf, each followed by one space.
func appendWords(buf []byte, s string) []byte {
	start := -1 // of the word being read, or -1 between words
	for i := 0; i < len(s); {
		c, n := s[i], 1
		space := asciiSpace[c] == 1
		if c >= utf8.RuneSelf {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
		}
		switch {
		case space && start >= 0:
			buf = append(append(buf, s[start:i]...), ' ')
			start = -1
		case !space && start < 0:
			start = i
		}
		i += n
	}
	if start >= 0 {
		buf = append(append(buf, s[start:]...), ' ')
	}
	return buf
}

// asciiSpace marks the ASCII bytes unicode.IsSpace accepts.
var asciiSpace = [256]uint8{'\t': 1, '\n': 1, '\v': 1, '\f': 1, '\r': 1, ' ': 1}

// articleID turns a path in a collection into an article ID: each part
// slugged, the extension dropped.
func articleID(name string) string {
	name = strings.TrimSuffix(name, path.Ext(name))
	parts := strings.Split(strings.Trim(name, "/"), "/")
	for i, p := range parts {
		parts[i] = slug(p)
	}
	return strings.Join(parts, "/")
}

// boilerplatePrefixes start lines that news sites insert between paragraphs.
var boilerplatePrefixes = []string{
	"also read:", "also read ", "read more:", "read also:", "related:", "related story:",
	"advertisement", "subscribe to", "follow us on", "click here", "sign up for",
}

// boilerplateScan is how many bytes of a line IsBoilerplate looks at: more
// than the longest prefix, even with every character folded.
const boilerplateScan = 64

// IsBoilerplate reports whether a line is site furniture rather than article
// text, such as "| Also Read: … |" link boxes.
func IsBoilerplate(line string) bool {
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") {
		return true
	}
	// The prefixes are short: fold and lower only a line's start.
	if len(t) > boilerplateScan {
		cut := boilerplateScan
		for cut > 0 && !utf8.RuneStart(t[cut]) {
			cut--
		}
		t = t[:cut]
	}
	lower := strings.ToLower(Fold(t))
	for _, p := range boilerplatePrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
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
