package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a headline: news headlines run to a dozen words; a first line
// past these is the opening paragraph of a file without a title.
const (
	maxHeadlineWords = 20
	maxHeadlineRunes = 150
)

// markdownHeading returns the text of a Markdown ATX heading ("## Text")
// and its level, or level 0 when line is not one.
func markdownHeading(line string) (string, int) {
	level := len(line) - len(strings.TrimLeft(line, "#"))
	if level == 0 || level > 6 {
		return "", 0
	}
	rest := line[level:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", 0 // "#hashtag", not a heading
	}
	// A closing run of #s is decoration: "## Text ##".
	text := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rest), "#"))
	if text == "" {
		return "", 0
	}
	return text, level
}

// isHeadline reports whether a file's first line reads as its headline:
// one short line that does not end like a sentence or a lead-in (a period,
// comma, colon or semicolon; an ellipsis is fine), holds one sentence at
// most, and has words in it. The caller checks that a blank line follows
// it, as it does under a headline and not under a paragraph's first line.
func isHeadline(line string) bool {
	words := strings.Fields(line)
	if len(words) == 0 || len(words) > maxHeadlineWords || utf8.RuneCountInString(line) > maxHeadlineRunes {
		return false
	}
	if !strings.ContainsFunc(line, unicode.IsLetter) || IsBoilerplate(line) {
		return false
	}
	trimmed := strings.TrimRight(line, `"'”’)]»`)
	if strings.HasSuffix(trimmed, "...") || strings.HasSuffix(trimmed, "…") {
		return len(Sentences(line)) <= 1
	}
	last, _ := utf8.DecodeLastRuneInString(trimmed)
	if strings.ContainsRune(".,;:", last) {
		return false
	}
	return len(Sentences(line)) <= 1
}

// heading reports whether a plain line is a section title: a short,
// title-cased line without closing punctuation, mostly words rather than
// figures, that introduces a paragraph. next is the following non-blank
// line ("" at the end of the text).
//
// Figures are what tell a results table or match report apart from prose
// headings: a score ("Arsenal 2-1 Chelsea"), a time ("1:23.45", "2000 GMT")
// or an attendance ("29,603") is a line of data, not a heading. And a
// heading introduces prose (see introducesProse): under a line that is
// followed by another short line, as in a fact box's venue, date and kick-off
// time, or by a line that goes on in lower case or with a comma (the remains
// of a sentence whose links were stripped), the line is text, not a title.
func heading(line, next string) bool {
	if len(line) > 90 {
		return false
	}
	words := strings.Fields(line)
	if len(words) == 0 || len(words) > maxHeadingWords {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	if strings.ContainsRune(".!?:;,\"”’)", last) {
		return false
	}
	capital, alpha := 0, 0
	for _, w := range words {
		if hasJoinedDigits(w) {
			return false
		}
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) {
			alpha++
		}
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			capital++
		} else if !minorWords[strings.ToLower(w)] {
			return false
		}
	}
	if capital == 0 || alpha*2 <= len(words) {
		return false
	}
	return introducesProse(next)
}

// maxHeadingWords is the most words in a section heading.
const maxHeadingWords = 10

// hasJoinedDigits reports whether a word holds digits on both sides of a
// separator, as in scores (2-1), times (1:23.45), figures (29,603; 3.5)
// and dates (1/2/05).
func hasJoinedDigits(w string) bool {
	for i := 1; i+1 < len(w); i++ {
		if strings.IndexByte("-:.,/", w[i]) >= 0 && isDigit(w[i-1]) && isDigit(w[i+1]) {
			return true
		}
		if w[i] == 0xe2 && strings.HasPrefix(w[i:], "–") && isDigit(w[i-1]) && i+3 < len(w) && isDigit(w[i+3]) {
			return true // en dash, three bytes
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// introducesProse reports whether line can be the paragraph under a
// heading: it doesn't continue a sentence (a lower-case letter, or a comma,
// full stop, semicolon or closing bracket first), and it reads as prose,
// ending a sentence or longer than a heading could be.
func introducesProse(line string) bool {
	r, _ := utf8.DecodeRuneInString(line)
	if line == "" || unicode.IsLower(r) || strings.ContainsRune(",.;:)]", r) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(line, `"'”’)]»`))
	return strings.ContainsRune(".!?…:", last) || len(strings.Fields(line)) > maxHeadingWords
}

// minorWords may stay lowercase in a title-cased heading.
var minorWords = map[string]bool{
	"a": true, "an": true, "and": true, "as": true, "at": true, "but": true, "by": true,
	"for": true, "from": true, "in": true, "into": true, "of": true, "on": true, "or": true,
	"the": true, "to": true, "vs": true, "with": true, "over": true, "amid": true,
}
