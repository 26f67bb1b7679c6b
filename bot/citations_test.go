package bot

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCleanCitations(t *testing.T) {
	tests := []struct {
		in    string
		n     int
		want  string
		order []int
	}{
		{"A [1]. B [2].", 4, "A [1]. B [2].", []int{1, 2}},
		{"A [3]. B [1]. C [3].", 4, "A [1]. B [2]. C [1].", []int{3, 1}},
		{"A [9].", 4, "A.", nil},
		{"A [2, 9]. B [9][2].", 4, "A [1]. B [1].", []int{2}},
		{"A [1][3]. B [3, 1].", 3, "A [1][2]. B [2][1].", []int{1, 3}},
		{"A [1-3].", 3, "A [1][2][3].", []int{1, 2, 3}},
		{"A [Passage 2] and [source 1].", 2, "A [1] and [2].", []int{2, 1}},
		{"A [2; 2].", 2, "A [1].", []int{2}},
		// Every group is parsed: none is left with raw numbers that the
		// sources shown don't match.
		{"A [1]. B [2, 3, and 4].", 4, "A [1]. B [2][3][4].", []int{1, 2, 3, 4}},
		{"A [3 & 1].", 3, "A [1][2].", []int{3, 1}},
		{"A [0]. [10] B [x].", 4, "A. B [x].", nil},
		{"No citations at all.", 4, "No citations at all.", nil},
		// A dropped marker doesn't join the text around it into a new one.
		{"Troops [[9]2] were sent [1].", 4, "Troops [1] were sent [2].", []int{2, 1}},
		{"A [0[0]].", 4, "A.", nil},
		{"A [[[9]9]9] B [2].", 4, "A B [1].", []int{2}},
		{"A [0 [0]].", 4, "A.", nil},
		{"A [[9]1] B [2].", 4, "A [1] B [2].", []int{1, 2}},
		{"A [1,[9]2].", 4, "A [1][2].", []int{1, 2}},
	}
	for _, tt := range tests {
		got, order := cleanCitations(tt.in, tt.n)
		if got != tt.want || !cmp.Equal(order, tt.order) {
			t.Errorf("cleanCitations(%q, %d) = %q, %v; want %q, %v", tt.in, tt.n, got, order, tt.want, tt.order)
		}
	}
}

// TestCleanedTextCitesOnlySources checks the invariant sourcesFor relies
// on: every marker left in a cleaned text has a source.
func TestCleanedTextCitesOnlySources(t *testing.T) {
	for _, in := range []string{"[[9]2]", "[0[0]]", "[[9]2] [1]", "x [[[5]5]3] y", "[1[0]]", "[[1]]", "[2[9]][1]", "[[9]1-3] [4]"} {
		for n := 0; n <= 4; n++ {
			checkCleaned(t, in, n)
		}
	}
}

func checkCleaned(t *testing.T, in string, n int) {
	t.Helper()
	text, order := cleanCitations(in, n)
	for _, m := range markerRE.FindAllStringSubmatch(text, -1) {
		if k, _ := strconv.Atoi(m[1]); k < 1 || k > len(order) {
			t.Errorf("cleanCitations(%q, %d) = %q, %v: %s has no source", in, n, text, order, m[0])
		}
	}
	for _, p := range order {
		if p < 1 || p > n {
			t.Errorf("cleanCitations(%q, %d): order %v names passage %d", in, n, order, p)
		}
	}
	if again, _ := cleanCitations(text, len(order)); again != text {
		t.Errorf("cleanCitations(%q, %d) = %q, not clean: cleaned again it is %q", in, n, text, again)
	}
}

func TestDisplayPartial(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"NO_AN", ""},
		{"NO_ANSWER: The article", "The article"},
		{"Troops were sent", ""},
		{"Troops were sent [", ""},
		{"Troops were sent [3", ""},
		{"Troops were sent [3]", "Troops were sent [1]"},
		{"Troops were sent [9] and ", ""},
		{"Troops [1] were sent [9] and ", "Troops [1] were sent and"},
		{"About [2][1", "About [1]"},
		// A refusal is shown as it will end: no marker, nor the space
		// before it.
		{"NO_ANSWER: The article doesn't say [1", "The article doesn't say"},
		{"NO_ANSWER: The article doesn't say [1].", "The article doesn't say."},
		{"NO_ANSWER: The article\n doesn't say", "The article doesn't say"},
	}
	for _, tt := range tests {
		if got := displayPartial(tt.raw, 4); got != tt.want {
			t.Errorf("displayPartial(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestClaimsKeepMarkersAfterTheStop(t *testing.T) {
	got := claims("Troops were sent. [1] Kim said so [2].\n- A bullet [3]")
	want := []claim{{"Troops were sent.", []int{1}}, {"Kim said so.", []int{2}}, {"- A bullet", []int{3}}}
	if !cmp.Equal(got, want, cmp.AllowUnexported(claim{})) {
		t.Errorf("claims = %+v", got)
	}
}

func TestTrimToLength(t *testing.T) {
	text := "First sentence here [1]. Second sentence is longer [2]. Third one [3]."
	if got := trimToLength(text, 60); got != "First sentence here [1]. Second sentence is longer [2]." {
		t.Errorf("trim = %q", got)
	}
	if got := trimToLength(text, 500); got != text {
		t.Errorf("short text changed: %q", got)
	}
	if got := trimToLength(strings.Repeat("word ", 50), 40); len(got) > 40 || !strings.HasSuffix(got, "…") {
		t.Errorf("no sentence end: %q", got)
	}
}

func BenchmarkCleanCitations(b *testing.B) {
	text := strings.Repeat("North Korea has sent around 15,000 troops [3][9]. Kim pledged support [1, 2]. ", 8)
	b.ReportAllocs()
	for b.Loop() {
		cleanCitations(text, 4)
	}
}

func BenchmarkSourcesFor(b *testing.B) {
	ps := testPassages()
	text, order := cleanCitations("The harbour reopened on Monday [1]. Two ferries start in June [2]. Repairs cost 12 million euros [3].", 3)
	b.ReportAllocs()
	for b.Loop() {
		sourcesFor(text, order, ps)
	}
}
