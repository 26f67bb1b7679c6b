package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// wordScan finds words as a regular expression of letters and digits
// would, with the methods of regexp.Regexp its callers use, but without
// compiling one: Unicode classes (\pL, \pN) make an expression of some
// 100 KB that takes a millisecond to compile, most of it the ranges of
// every script's letters. TestWordScansAreTheirExpressions holds each to
// the expression it stands for.
type wordScan struct {
	// inner reports whether r may continue a word.
	inner func(r rune) bool
	// trim: a word ends with its last letter or digit ("U.S." is "U.S").
	trim bool
}

func isLetterOrNumber(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// next returns the first word of s at or after byte at, or false.
func (w wordScan) next(s string, at int) (start, end int, ok bool) {
	for start = at; start < len(s); {
		r, n := utf8.DecodeRuneInString(s[start:])
		if isLetterOrNumber(r) {
			end = start + n
			break
		}
		start += n
	}
	if start >= len(s) {
		return 0, 0, false
	}
	last := end // the end of the word's last letter or digit
	for end < len(s) {
		r, n := utf8.DecodeRuneInString(s[end:])
		if !w.inner(r) {
			break
		}
		end += n
		if isLetterOrNumber(r) {
			last = end
		}
	}
	if w.trim {
		end = last
	}
	return start, end, true
}

func (w wordScan) FindAllStringIndex(s string, n int) [][]int {
	var out [][]int
	for at := 0; n < 0 || len(out) < n; {
		start, end, ok := w.next(s, at)
		if !ok {
			break
		}
		out = append(out, []int{start, end})
		at = end
	}
	return out
}

func (w wordScan) FindAllString(s string, n int) []string {
	var out []string
	for _, loc := range w.FindAllStringIndex(s, n) {
		out = append(out, s[loc[0]:loc[1]])
	}
	return out
}

func (w wordScan) ReplaceAllStringFunc(s string, repl func(string) string) string {
	var b strings.Builder
	last := 0
	for at := 0; ; {
		start, end, ok := w.next(s, at)
		if !ok {
			break
		}
		b.WriteString(s[last:start])
		b.WriteString(repl(s[start:end]))
		last, at = end, end
	}
	b.WriteString(s[last:])
	return b.String()
}
