// Package retrieval finds the passages that answer a question: a local
// embedder, a chromem-go vector collection, a BM25 index, and hybrid ranking
// with a decision on whether the corpus covers the question at all.
package retrieval

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"

	"github.com/articlebot/articlebot/corpus"
)

// Token is one word of a text: its surface form (lower-cased, folded) and
// its stem. Stop words are dropped.
type Token struct {
	Word string
	Stem string
	// Capital is true when the word was capitalised in the text and not at
	// the start of it: a likely name.
	Capital bool
}

// Tokenize splits text into content words. Typographic punctuation is folded
// first, possessive "'s" is dropped, hyphenated words are split into their
// parts and digit groups such as "15,000" are joined.
func Tokenize(text string) []Token {
	text = corpus.Fold(text)
	var out []Token
	first := true
	var word strings.Builder
	capital := false
	flush := func() {
		w := word.String()
		word.Reset()
		if w == "" {
			return
		}
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'")
		w = strings.Trim(w, "'")
		isFirst := first
		first = false
		if w == "" || stopwords[w] {
			return
		}
		out = append(out, Token{Word: w, Stem: Stem(w), Capital: capital && !isFirst})
	}
	runes := []rune(text)
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if word.Len() == 0 {
				capital = unicode.IsUpper(r)
			}
			word.WriteRune(unicode.ToLower(r))
		case r == '\'' && word.Len() > 0 && i+1 < len(runes) && unicode.IsLetter(runes[i+1]):
			word.WriteRune(r)
		case r == ',' && word.Len() > 0 && isDigitAt(runes, i-1) && isDigitAt(runes, i+1):
			// "15,000" is one number.
		case r == '.' && isDigitAt(runes, i-1) && isDigitAt(runes, i+1):
			word.WriteRune(r)
		default:
			flush()
			if r == '.' || r == '?' || r == '!' {
				first = true
			}
		}
	}
	flush()
	return out
}

func isDigitAt(runes []rune, i int) bool {
	return i >= 0 && i < len(runes) && unicode.IsDigit(runes[i])
}

// Stem reduces an English word to its Porter2 (Snowball) stem.
func Stem(word string) string {
	if s, ok := irregular[word]; ok {
		return s
	}
	return stems.get(word, snowball)
}

func snowball(word string) string {
	s := english.Stem(word, false)
	if s == word {
		// The memo keeps a copy of word, not what word is part of.
		s = strings.Clone(word)
	}
	return s
}

// stems memoises Stem. The Snowball stemmer works on runes and takes
// microseconds a word: three quarters of widening a question (the stems of
// its words' synonyms and neighbours in meaning) and a fifth of tokenising
// a collection. At most a few megabytes.
var stems = memo[string]{max: 1 << 14}

// Stems returns the stems of text's content words.
func Stems(text string) []string {
	toks := Tokenize(text)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Stem
	}
	return out
}

// irregular maps irregular verb forms the stemmer leaves alone to the stem of
// their base form, so that "sent" matches "send".
var irregular = map[string]string{
	"sent": "send", "gave": "give", "given": "give", "told": "tell", "said": "say",
	"says": "say", "met": "meet", "made": "make", "took": "take", "taken": "take",
	"went": "go", "gone": "go", "wrote": "write", "written": "write", "spoke": "speak",
	"spoken": "speak", "began": "begin", "begun": "begin", "led": "lead", "held": "hold",
	"sought": "seek", "brought": "bring", "thought": "think", "fought": "fight",
	"won": "win", "sold": "sell", "bought": "buy", "drew": "draw", "drawn": "draw",
	"grew": "grow", "grown": "grow", "knew": "know", "known": "know", "saw": "see",
	"seen": "see", "chose": "choose", "chosen": "choose", "broke": "break", "broken": "break",
}

// stopwords are function words and question words that carry no topic.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor
not of off on once only or other ought our ours ourselves out over own same shan't she she'd
she'll she's should shouldn't so some such than that that's the their theirs them themselves
then there there's these they they'd they'll they're they've this those through to too under
until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're
you've your yours yourself yourselves
many much tell please according article passage text anything something whether will
s t d ll re ve m`) {
		m[w] = true
	}
	return m
}()

// IsStopword reports whether a lower-case word is a function word that
// Tokenize drops.
func IsStopword(word string) bool { return stopwords[word] }
