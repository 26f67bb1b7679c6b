// Package retrieval finds the passages that answer a question: a local
// embedder, a chromem-go vector collection, a BM25 index, and hybrid ranking
// with a decision on whether the corpus covers the question at all.
package retrieval

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

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
	t := tokenizer{first: true}
	// The text is read a rune at a time in place, and each word built in
	// one buffer: a []rune of the text and a strings.Builder a word were
	// most of tokenising a collection's passages.
	prev := rune(-1)
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		next := rune(-1)
		if i+n < len(text) {
			next, _ = utf8.DecodeRuneInString(text[i+n:])
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if len(t.word) == 0 {
				t.capital = unicode.IsUpper(r)
			}
			t.word = utf8.AppendRune(t.word, unicode.ToLower(r))
		case r == '\'' && len(t.word) > 0 && next >= 0 && unicode.IsLetter(next):
			t.word = append(t.word, '\'')
		case r == ',' && len(t.word) > 0 && isDigit(prev) && isDigit(next):
			// "15,000" is one number.
		case r == '.' && isDigit(prev) && isDigit(next):
			t.word = append(t.word, '.')
		default:
			t.flush()
			if r == '.' || r == '?' || r == '!' {
				t.first = true
			}
		}
		prev = r
		i += n
	}
	t.flush()
	return t.out
}

// tokenizer is Tokenize's state: the tokens so far, and the word being read.
type tokenizer struct {
	out     []Token
	word    []byte
	first   bool // the next word opens a sentence
	capital bool // the word being read started with a capital
}

func (t *tokenizer) flush() {
	if len(t.word) == 0 {
		return
	}
	b := bytes.TrimSuffix(bytes.TrimSuffix(t.word, []byte("'s")), []byte("'"))
	b = bytes.Trim(b, "'")
	t.word = t.word[:0]
	isFirst := t.first
	t.first = false
	// Looked up without a string of its own: half of a text's words are
	// stop words.
	if len(b) == 0 || stopwords[string(b)] {
		return
	}
	w := string(b)
	t.out = append(t.out, Token{Word: w, Stem: Stem(w), Capital: t.capital && !isFirst})
}

// isDigit reports whether r, -1 for none, is a digit.
func isDigit(r rune) bool { return r >= 0 && unicode.IsDigit(r) }

// Stem reduces an English word to its Porter2 (Snowball) stem.
func Stem(word string) string {
	if s, ok := irregular[word]; ok {
		return s
	}
	return stems.get(word, snowball)
}

func snowball(word string) string {
	s := english.Stem(word, false)
	if u := undouble(s); u != s {
		s = strings.Clone(u)
	}
	if s == word {
		// The memo keeps a copy of word, not what word is part of.
		s = strings.Clone(word)
	}
	return s
}

// undouble drops the second "l" of a stem ending in two vowels of two
// syllables and "ll": British spelling doubles the "l" of "trial", "dial"
// and "fuel" before "-ing" and "-ed", and Porter2 undoubles an "l" only in
// a word's second region ("travelled", not "trialled"), so "trialling"
// would not meet "trial". The vowels are an "i" or a "u" and then an "a",
// "e" or "o", sounded apart (not after "q", whose "u" is no vowel): a
// vowel pair sounded as one ("Neill", "Marseille", "braille") doubles no
// "l", and the word is its own.
func undouble(s string) string {
	n := len(s)
	if n >= 4 && s[n-1] == 'l' && s[n-2] == 'l' && strings.IndexByte("aeo", s[n-3]) >= 0 && strings.IndexByte("iu", s[n-4]) >= 0 && (n == 4 || s[n-5] != 'q') {
		return s[:n-1]
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
