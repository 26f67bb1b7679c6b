package bot

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

// TestWordScansAreTheirExpressions: each wordScan finds what the regular
// expression it replaced found, in the built-in article, in odd texts and
// in random strings of letters, digits, the word's inner marks, spaces and
// broken UTF-8.
func TestWordScansAreTheirExpressions(t *testing.T) {
	scans := []struct {
		name string
		scan wordScan
		re   *regexp.Regexp
	}{
		{"wordRE", wordRE, regexp.MustCompile(`[\pL\pN][\pL\pN'’.-]*[\pL\pN]|[\pL\pN]`)},
		{"chatWord", chatWord, regexp.MustCompile(`[\pL\pN][\pL\pN'’/;]*`)},
	}
	texts := []string{"", " ", "a", "a.", ".a", "U.S.", "gov't", "w/o", "tl;dr", "rock-'n'-roll", "3.5m", "x- -y", "é", "Kim Jong-un's", "数字 ２３ ½ Ⅻ", "a\xffb", "\xff", "'’.-/;", "a'", "1-", "a.b.", "a--b"}
	c, err := corpus.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range c.Articles {
		texts = append(texts, a.Title, a.Text)
	}
	alphabet := []string{"a", "Z", "é", "ß", "数", "٣", "7", "½", "Ⅻ", "'", "’", ".", "-", "/", ";", " ", ",", "\n", "\xff", "\xe2\x80", "!"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	upper := func(w string) string { return "<" + strings.ToUpper(w) + ">" }
	for _, s := range scans {
		for _, text := range texts {
			if got, want := s.scan.FindAllStringIndex(text, -1), s.re.FindAllStringIndex(text, -1); !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("%s.FindAllStringIndex(%q) = %v, want %v", s.name, text, got, want)
			}
			if got, want := s.scan.FindAllStringIndex(text, 2), s.re.FindAllStringIndex(text, 2); !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("%s.FindAllStringIndex(%q, 2) = %v, want %v", s.name, text, got, want)
			}
			if got, want := s.scan.FindAllString(text, -1), s.re.FindAllString(text, -1); !slices.Equal(got, want) {
				t.Fatalf("%s.FindAllString(%q) = %q, want %q", s.name, text, got, want)
			}
			if got, want := s.scan.ReplaceAllStringFunc(text, upper), s.re.ReplaceAllStringFunc(text, upper); got != want {
				t.Fatalf("%s.ReplaceAllStringFunc(%q) = %q, want %q", s.name, text, got, want)
			}
		}
	}
}

// FuzzWordScans holds the wordScans to their expressions on any text.
func FuzzWordScans(f *testing.F) {
	f.Add("Kim Jong-un's U.S. gov't w/o tl;dr 3.5m")
	word := regexp.MustCompile(`[\pL\pN][\pL\pN'’.-]*[\pL\pN]|[\pL\pN]`)
	chat := regexp.MustCompile(`[\pL\pN][\pL\pN'’/;]*`)
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := wordRE.FindAllStringIndex(text, -1), word.FindAllStringIndex(text, -1); !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("wordRE %q: %v, want %v", text, got, want)
		}
		if got, want := chatWord.FindAllStringIndex(text, -1), chat.FindAllStringIndex(text, -1); !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("chatWord %q: %v, want %v", text, got, want)
		}
	})
}
