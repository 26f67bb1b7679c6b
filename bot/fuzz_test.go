package bot

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/articlebot/articlebot/corpus"
)

// FuzzCleanCitations checks what sourcesFor relies on for any model reply:
// cleaning never panics, leaves no marker without a source, names only
// passages that exist, and is done (cleaning again changes nothing); and
// building the sources of the cleaned text never panics.
func FuzzCleanCitations(f *testing.F) {
	for _, s := range []string{"A [1]. B [2, 3].", "[[9]2]", "[0[0]]", "A [1-3] [passage 2] [4 & 1]", "x [[[5]5]3] y", "\x1b[31m[1]"} {
		f.Add(s, 4)
	}
	f.Fuzz(func(t *testing.T, text string, n int) {
		n = min(max(n, 0), 12)
		checkCleaned(t, text, n)
		got, order := cleanCitations(text, n)
		ps := make([]passage, n)
		for i := range ps {
			ps[i] = passage{N: i + 1, Chunk: corpus.Chunk{ID: strconv.Itoa(i), Text: "Passage text number " + strconv.Itoa(i) + "."}}
		}
		sources, _ := sourcesFor(got, order, ps)
		if len(sources) != len(order) {
			t.Fatalf("%d sources for %d cited passages", len(sources), len(order))
		}
		_ = displayPartial(text, n)
		_ = refusalText(text)
	})
}

// FuzzCleanQuestion checks that any question is either refused with an
// input error or cleaned to a non-empty, single-spaced text within the
// limit, without control characters, that cleaning leaves as it is.
func FuzzCleanQuestion(f *testing.F) {
	for _, s := range []string{"How many troops?", "  spaced\t\tout  ", "", "\x00\x1b[2J", strings.Repeat("a", 1001), "Kim’s “heyday”"} {
		f.Add(s)
	}
	s := &Service{opt: Options{MaxQuestionLen: 1000}}
	f.Fuzz(func(t *testing.T, q string) {
		got, err := s.CleanQuestion(q)
		if err != nil {
			if !IsInputError(err) {
				t.Fatalf("CleanQuestion(%q): %v is not an input error", q, err)
			}
			return
		}
		if got == "" || utf8.RuneCountInString(got) > 1000 || strings.Contains(got, "  ") || got != strings.TrimSpace(got) {
			t.Fatalf("CleanQuestion(%q) = %q", q, got)
		}
		if strings.ContainsFunc(got, unicode.IsControl) {
			t.Fatalf("CleanQuestion(%q) = %q keeps a control character", q, got)
		}
		if again, err := s.CleanQuestion(got); err != nil || again != got {
			t.Fatalf("CleanQuestion(%q) = %q, %v; not stable", got, again, err)
		}
	})
}
