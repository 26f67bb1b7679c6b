package corpus

import (
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// folder maps typographic punctuation to its ASCII form. Stored text keeps
// the original characters; only matching uses the folded form, so that
// "Kim’s" matches "Kim's".
var folder = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'", "\u2032", "'",
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u2033", `"`,
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-",
	"\u2026", "...", "\u00a0", " ", "\u202f", " ", "\u2009", " ",
)

// Fold normalises typographic quotes, dashes, ellipses and non-breaking
// spaces to ASCII for matching.
func Fold(s string) string { return folder.Replace(s) }

// Span is a half-open byte range [Start, End) in some text.
type Span struct{ Start, End int }

// abbreviations end with a period that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sr": true, "jr": true,
	"st": true, "gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "gov": true,
	"sen": true, "rep": true, "pres": true, "u.s": true, "u.k": true, "u.n": true, "e.g": true,
	"i.e": true, "etc": true, "vs": true, "no": true, "jan": true, "feb": true, "mar": true,
	"apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true,
	"nov": true, "dec": true, "inc": true, "corp": true, "ltd": true, "co": true,
}

// Sentences splits text into sentence spans. A sentence ends at ".", "!" or
// "?" (with any closing quotes or brackets) followed by a space and an
// upper-case letter, digit or opening quote, unless the period ends a known
// abbreviation or an initial.
func Sentences(text string) []Span {
	var out []Span
	start := skipSpace(text, 0)
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r != '.' && r != '!' && r != '?' {
			i += n
			continue
		}
		end := i + n
		for end < len(text) {
			c, m := utf8.DecodeRuneInString(text[end:])
			if !strings.ContainsRune(`.!?"')]”’»`, c) {
				break
			}
			end += m
		}
		i = end
		if end >= len(text) {
			break
		}
		next := skipSpace(text, end)
		if next == end || next >= len(text) {
			continue
		}
		c, _ := utf8.DecodeRuneInString(text[next:])
		if !(unicode.IsUpper(c) || unicode.IsDigit(c) || strings.ContainsRune(`"'“‘(`, c)) {
			continue
		}
		if r == '.' && isAbbreviation(text[start:end]) {
			continue
		}
		out = append(out, Span{start, trimRight(text, start, end)})
		start = next
	}
	if e := trimRight(text, start, len(text)); e > start {
		out = append(out, Span{start, e})
	}
	return out
}

func isAbbreviation(s string) bool {
	s = strings.TrimRight(s, `.!?"')]”’»`)
	k := strings.LastIndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '(' })
	word := strings.ToLower(s[k+1:])
	if abbreviations[word] {
		return true
	}
	// A single capital letter is an initial, as in "George W. Bush".
	r, n := utf8.DecodeRuneInString(word)
	return n == len(word) && unicode.IsLetter(r)
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}

func trimRight(s string, start, end int) int {
	for end > start {
		r, n := utf8.DecodeLastRuneInString(s[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= n
	}
	return end
}

// StripControl removes the C0 and C1 control characters of s, and DEL,
// except newlines and tabs: text from an article or a model must not drive
// a terminal (ESC and OSC sequences) or a chat client. A carriage return
// ending a line goes; a lone one becomes a newline, as old files mean it.
func StripControl(s string) string {
	if !hasControl(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b:
			// A whole terminal sequence goes, not only its ESC: "[31m"
			// left in a question is a word nobody asked about.
			n += escapeLen(s[i+1:])
		case r == '\r':
			if !strings.HasPrefix(s[i+1:], "\n") {
				b.WriteByte('\n')
			}
		case isStripped(r):
		case r == utf8.RuneError && n == 1:
			// A byte that is not UTF-8 becomes U+FFFD: kept, two of them
			// around a removed control could join into one (C2 1D 82 would
			// leave C2 82, the control U+0082).
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// escapeLen is the length of the rest of a terminal sequence after its
// ESC: a CSI sequence (ESC [ parameters intermediates final) or an OSC
// string ended by BEL or ESC \. Anything else, or an unterminated
// sequence, is 0: only the ESC itself is dropped.
func escapeLen(rest string) int {
	if rest == "" {
		return 0
	}
	switch rest[0] {
	case '[':
		j := 1
		for j < len(rest) && rest[j] >= 0x30 && rest[j] <= 0x3f {
			j++
		}
		for j < len(rest) && rest[j] >= 0x20 && rest[j] <= 0x2f {
			j++
		}
		if j < len(rest) && rest[j] >= 0x40 && rest[j] <= 0x7e {
			return j + 1
		}
	case ']':
		for j := 1; j < len(rest); j++ {
			switch {
			case rest[j] == 0x07:
				return j + 1
			case rest[j] == 0x1b && j+1 < len(rest) && rest[j+1] == '\\':
				return j + 2
			case rest[j] == '\n':
				return 0
			}
		}
	}
	return 0
}

func hasControl(s string) bool {
	for _, r := range s {
		if isStripped(r) || r == '\r' || r == utf8.RuneError {
			return true
		}
	}
	return false
}

func isStripped(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f)
}

// UnescapeEntities replaces the HTML character references in s, named
// ("&eacute;", "&amp;") or numeric ("&#233;", "&#xE9;"), with the
// characters they stand for. Only a reference ended by ";" counts: "AT&T"
// and "R&D" stay, and so does an "&" before anything HTML does not name.
func UnescapeEntities(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '&' {
			continue
		}
		n := entityLen(s[i:])
		if n == 0 {
			continue
		}
		ref := s[i : i+n]
		if ch, ok := unescapeRef(ref); ok {
			b.WriteString(s[last:i])
			b.WriteString(ch)
			last = i + n
		}
		i += n - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// unescapeRef is the text a whole character reference ("&eacute;",
// "&#233;") stands for, and whether it stands for any. html.UnescapeString
// also takes a name's longest prefix that HTML 4 allowed without ";"
// ("&copyright;" is "©right;"): a name HTML does not know whole stands
// for nothing, and it is known whole when nothing of it is left, since
// every HTML name is one or two characters. A number naming no character
// (0, a surrogate, past U+10FFFF), which html makes U+FFFD, stands for
// nothing to show and is dropped, as a control character is.
func unescapeRef(ref string) (string, bool) {
	ch := html.UnescapeString(ref)
	if ref[1] != '#' {
		return ch, ch != ref && utf8.RuneCountInString(ch) <= 2
	}
	if ch == "\uFFFD" {
		digits, base := ref[2:len(ref)-1], 10
		if digits[0] == 'x' || digits[0] == 'X' {
			digits, base = digits[1:], 16
		}
		if n, err := strconv.ParseUint(digits, base, 32); err != nil || n != 0xFFFD {
			return "", true
		}
	}
	return ch, true
}

// entityLen is the length of the character reference opening s ("&",
// then "#" and digits, "#x" and hex digits, or a letter and up to 31
// letters or digits, then ";"), or 0 when none does.
func entityLen(s string) int {
	i := 1
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	hex := func(c byte) bool { return digit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	letter := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	ok := digit
	switch {
	case i < len(s) && s[i] == '#' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X'):
		i, ok = i+2, hex
	case i < len(s) && s[i] == '#':
		i++
	case i < len(s) && letter(s[i]):
		ok = func(c byte) bool { return letter(c) || digit(c) }
	default:
		return 0
	}
	start := i
	for i < len(s) && i-start < 32 && ok(s[i]) {
		i++
	}
	if i == start || i >= len(s) || s[i] != ';' {
		return 0
	}
	return i + 1
}
