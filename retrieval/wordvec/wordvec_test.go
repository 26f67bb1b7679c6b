package wordvec

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt")

// goldenPairs are paraphrase pairs a question and a story use (and some
// that are not), the cases the package exists for.
var goldenPairs = [][2]string{
	{"soldiers", "troops"}, {"telephone", "phone"}, {"kremlin", "moscow"},
	{"rise", "jumped"}, {"rise", "fell"}, {"spy", "intelligence"},
	{"write", "letter"}, {"punitive", "sanctions"}, {"dispatch", "sent"},
	{"occasion", "birthday"}, {"boil", "recipe"}, {"soldiers", "recipe"},
	{"the", "of"}, {"troops", "troops"},
	{"troops", "Troops"}, {"xyzzy", "troops"}, {"", "troops"},
}

var goldenNearest = []string{"troops", "rise", "profits", "sanctions", "telephone"}

func golden() string {
	var b strings.Builder
	for _, p := range goldenPairs {
		if s, ok := Similarity(p[0], p[1]); ok {
			fmt.Fprintf(&b, "%q %q %.4f\n", p[0], p[1], s)
		} else {
			fmt.Fprintf(&b, "%q %q unknown\n", p[0], p[1])
		}
	}
	for _, w := range goldenNearest {
		fmt.Fprintf(&b, "nearest %s:", w)
		for _, n := range Nearest(w, 8) {
			fmt.Fprintf(&b, " %s %.4f", n.Word, n.Similarity)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestGolden compares similarities and neighbours with testdata/golden.txt;
// a change means the table or the arithmetic changed. go test -update
// rewrites it.
func TestGolden(t *testing.T) {
	got := golden()
	const path = "testdata/golden.txt"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("golden mismatch (-want +got):\n%s", diff)
	}
}

func TestSimilarityOrder(t *testing.T) {
	// Paraphrases are closer than unrelated words, whatever the table.
	for _, tt := range []struct{ a, b, farther string }{
		{"soldiers", "troops", "recipe"},
		{"telephone", "phone", "election"},
		{"profits", "earnings", "football"},
		{"kremlin", "moscow", "guitar"},
	} {
		near, ok1 := Similarity(tt.a, tt.b)
		far, ok2 := Similarity(tt.a, tt.farther)
		if !ok1 || !ok2 || near <= far+0.3 {
			t.Errorf("%s~%s = %.3f (%v), %s~%s = %.3f (%v): want the first clearly above", tt.a, tt.b, near, ok1, tt.a, tt.farther, far, ok2)
		}
	}
	if s, ok := Similarity("troops", "troops"); !ok || s != 1 {
		t.Errorf("Similarity(troops, troops) = %v, %v; want 1, true", s, ok)
	}
	a, _ := Similarity("rise", "jumped")
	b, _ := Similarity("jumped", "rise")
	if a != b {
		t.Errorf("similarity is not symmetric: %v, %v", a, b)
	}
}

func TestUnknown(t *testing.T) {
	for _, w := range []string{"", "Troops", "xyzzy", "troops ", "a-b", "averyveryverylongword", "\xff"} {
		if Known(w) {
			t.Errorf("Known(%q) = true", w)
		}
		if _, ok := Similarity(w, "troops"); ok {
			t.Errorf("Similarity(%q, troops) ok", w)
		}
		if _, ok := Vector(w); ok {
			t.Errorf("Vector(%q) ok", w)
		}
		if n := Nearest(w, 3); n != nil {
			t.Errorf("Nearest(%q) = %v, want nil", w, n)
		}
	}
	if n := Nearest("troops", 0); n != nil {
		t.Errorf("Nearest(troops, 0) = %v, want nil", n)
	}
}

func TestNearest(t *testing.T) {
	got := Nearest("troops", 20)
	if len(got) != 20 {
		t.Fatalf("Nearest(troops, 20) has %d words", len(got))
	}
	for i, n := range got {
		if n.Word == "troops" {
			t.Error("Nearest returned the word itself")
		}
		if s, _ := Similarity("troops", n.Word); s != n.Similarity {
			t.Errorf("%s: Nearest says %v, Similarity %v", n.Word, n.Similarity, s)
		}
		if i > 0 && (got[i-1].Similarity < n.Similarity || got[i-1].Similarity == n.Similarity && got[i-1].Word > n.Word) {
			t.Errorf("not most similar first at %d: %v then %v", i, got[i-1], n)
		}
	}
	// The first k of a longer list are the k nearest, call after call.
	if short := Nearest("troops", 5); !slices.Equal(short, got[:5]) {
		t.Errorf("Nearest(troops, 5) = %v, want %v", short, got[:5])
	}
	if again := Nearest("troops", 20); !slices.Equal(again, got) {
		t.Error("Nearest is not deterministic")
	}
	// Nothing outside the list is more similar than its last word.
	last := got[len(got)-1].Similarity
	for i := range Len() {
		w := word(i)
		if s, _ := Similarity("troops", w); w != "troops" && s > last && !slices.ContainsFunc(got, func(n Neighbor) bool { return n.Word == w }) {
			t.Fatalf("%s (%.3f) is nearer than the list's last (%.3f) but missing", w, s, last)
		}
	}
	if all := Nearest("troops", Len()+5); len(all) != Len()-1 {
		t.Errorf("Nearest(troops, more than the table) has %d words, want %d", len(all), Len()-1)
	}
}

func TestVector(t *testing.T) {
	a, _ := Vector("soldiers")
	b, _ := Vector("troops")
	var aa, ab float32
	for i := range a {
		aa += a[i] * a[i]
		ab += a[i] * b[i]
	}
	if len(a) != Dims || aa < 0.999 || aa > 1.001 {
		t.Errorf("Vector(soldiers): %d components, squared norm %v; want %d, 1", len(a), aa, Dims)
	}
	if s, _ := Similarity("soldiers", "troops"); ab-s > 1e-4 || s-ab > 1e-4 {
		t.Errorf("dot of unit vectors %v, Similarity %v", ab, s)
	}
}

// TestTable guards the layout the lookups rely on: fixed-width lines of
// distinct lowercase words, sorted, and one nonzero vector for each.
func TestTable(t *testing.T) {
	if len(wordsTxt)%width != 0 || Len() < 30000 {
		t.Fatalf("words.txt is %d bytes: want a multiple of %d, at least 30000 lines", len(wordsTxt), width)
	}
	if len(vectorsBin) != Len()*Dims {
		t.Fatalf("vectors.bin is %d bytes, want %d words × %d", len(vectorsBin), Len(), Dims)
	}
	prev := ""
	for i := range Len() {
		line := wordsTxt[i*width : (i+1)*width]
		w := word(i)
		if line[width-1] != '\n' || strings.TrimRight(line[:width-1], " ") != w || strings.Contains(w, " ") {
			t.Fatalf("line %d %q is not a word padded to %d bytes", i, line, width)
		}
		for _, r := range w {
			if r < 'a' || r > 'z' {
				t.Fatalf("line %d: %q is not a lowercase word", i, w)
			}
		}
		if w <= prev {
			t.Fatalf("line %d: %q after %q: not sorted, each word once", i, w, prev)
		}
		prev = w
		if r := row(i); dot(r, r) == 0 {
			t.Fatalf("%q has a zero vector", w)
		}
		if j, ok := find(w); !ok || j != i {
			t.Fatalf("find(%q) = %d, %v; want %d", w, j, ok, i)
		}
	}
}

func BenchmarkSimilarity(b *testing.B) {
	for b.Loop() {
		Similarity("soldiers", "troops")
	}
}

func BenchmarkNearest(b *testing.B) {
	for b.Loop() {
		Nearest("troops", 10)
	}
}

func TestWord(t *testing.T) {
	a, ok1 := Find("rise")
	b, ok2 := Find("jumped")
	if !ok1 || !ok2 || a.String() != "rise" || b.String() != "jumped" {
		t.Fatalf("Find(rise), Find(jumped) = %v %v, %v %v", a, ok1, b, ok2)
	}
	if s, _ := Similarity("rise", "jumped"); a.Similarity(b) != s || b.Similarity(a) != s {
		t.Errorf("Word.Similarity %v, %v; Similarity %v", a.Similarity(b), b.Similarity(a), s)
	}
	if _, ok := Find("Rise"); ok {
		t.Error("Find(Rise) ok")
	}
}

func BenchmarkWordSimilarity(b *testing.B) {
	x, _ := Find("soldiers")
	y, _ := Find("troops")
	for b.Loop() {
		x.Similarity(y)
	}
}
