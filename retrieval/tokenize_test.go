package retrieval

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/articlebot/articlebot/corpus"
)

// tokenizeByRunes is Tokenize as it was, over a []rune of the text with a
// strings.Builder a word: the reference Tokenize must agree with.
func tokenizeByRunes(text string) []Token {
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
	digitAt := func(i int) bool { return i >= 0 && i < len(runes) && unicode.IsDigit(runes[i]) }
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if word.Len() == 0 {
				capital = unicode.IsUpper(r)
			}
			word.WriteRune(unicode.ToLower(r))
		case r == '\'' && word.Len() > 0 && i+1 < len(runes) && unicode.IsLetter(runes[i+1]):
			word.WriteRune(r)
		case r == ',' && word.Len() > 0 && digitAt(i-1) && digitAt(i+1):
		case r == '.' && digitAt(i-1) && digitAt(i+1):
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

// TestTokenizeIsTheRuneTokenizer checks Tokenize against tokenizeByRunes on
// the built-in article, the BBC stories when ../shared is there, and
// random texts of letters, digits, punctuation, non-ASCII letters and
// bytes that are not UTF-8.
func TestTokenizeIsTheRuneTokenizer(t *testing.T) {
	var texts []string
	for _, c := range builtinChunks(t) {
		texts = append(texts, c.Text, c.ArticleTitle)
	}
	if c, err := corpus.LoadDir(bbcDir); err == nil {
		for i, a := range c.Articles {
			if i%4 == 0 {
				texts = append(texts, a.Title, a.Text)
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "B", "z", "1", "0", "9", ",", ".", "'", "'s", " ", "!", "?", "-", "é", "É", "ß", "中", "’", "“", "\xff", "\xe2\x80", "15,000", "3.5", "Kim's", "the", "don't", "\n"}
	for range 5000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	for _, text := range texts {
		if d := gocmp.Diff(tokenizeByRunes(text), Tokenize(text)); d != "" {
			t.Fatalf("Tokenize(%q) (-by runes +Tokenize):\n%s", text, d)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"Kim's 15,000 troops.", "U.S. 3.5% rise", "caf\xe9 \xff", "don't 'quoted' it's", "É1,2.3'a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if d := gocmp.Diff(tokenizeByRunes(text), Tokenize(text)); d != "" {
			t.Fatalf("Tokenize(%q) (-by runes +Tokenize):\n%s", text, d)
		}
	})
}

func BenchmarkTokenize(b *testing.B) {
	var texts []string
	for _, c := range builtinChunks(b) {
		texts = append(texts, c.Text)
	}
	b.Run("by-runes", func(b *testing.B) {
		for b.Loop() {
			for _, t := range texts {
				tokenizeByRunes(t)
			}
		}
	})
	b.Run("Tokenize", func(b *testing.B) {
		for b.Loop() {
			for _, t := range texts {
				Tokenize(t)
			}
		}
	})
}
