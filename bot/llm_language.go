package bot

import (
	"strings"
	"unicode"

	"github.com/articlebot/articlebot/corpus"
)

// A question in another language than English goes to the language model,
// which answers in the question's language (the prompt says so), from
// English passages. What the support check measures, the share of a
// sentence's words its passages hold, can't be measured across languages,
// so such a sentence is held to what can: the figures it states and the
// names it keeps as written.

// figureRE finds a figure: digits, grouped or split by the marks languages
// use for thousands and decimals ("15,000", "15.000", "2,5", "15'000",
// "15 000", with a space or a no-break space).
var figureRE = lazyRegexp(`\d{1,3}(?: \d{3}\b)+|\d+(?:[.,'\x{00A0}\x{202F}]\d+)*`)

// figures are the figures of text, their separators dropped, so that
// "15.000" and "15,000" are one figure.
func figures(text string) map[string]bool {
	out := map[string]bool{}
	for _, f := range figureRE.FindAllString(text, -1) {
		out[strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return r
			}
			return -1
		}, f)] = true
	}
	return out
}

// supportAcross is the support of a sentence written in another language
// than its cited passages: 1 when every figure it states is in them and
// it states at least one of their figures or names (a word written with a
// capital, as a name or an acronym is, that the passages hold as it is:
// "Putin", "NIS"); 0 otherwise. A sentence with neither states nothing the
// passages can be seen to support.
func supportAcross(sentence string, passages []string) float64 {
	all := strings.Join(passages, "\n")
	have := figures(all)
	anchored := false
	for f := range figures(sentence) {
		if !have[f] {
			return 0
		}
		anchored = true
	}
	if anchored {
		return 1
	}
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(corpus.Fold(all), notLetterOrDigit) {
		words[w] = true
	}
	for _, w := range strings.FieldsFunc(corpus.Fold(sentence), notLetterOrDigit) {
		if r := []rune(w); len(r) > 1 && unicode.IsUpper(r[0]) && words[w] {
			return 1
		}
	}
	return 0
}

func notLetterOrDigit(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
