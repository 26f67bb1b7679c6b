package retrieval

import (
	"strconv"
	"strings"
	"testing"
)

func TestBackgroundIDF(t *testing.T) {
	if n := BackgroundDocs(); n < 1000 {
		t.Fatalf("BackgroundDocs = %d, want the reference collection's thousands", n)
	}
	common, rare, unknown := BackgroundIDF(Stem("said")), BackgroundIDF(Stem("profits")), BackgroundIDF("zzqxj")
	if !(common < rare && rare < unknown) {
		t.Errorf("IDF said %.2f, profits %.2f, unknown %.2f: want increasing", common, rare, unknown)
	}
	if unknown != BackgroundMaxIDF() {
		t.Errorf("unknown stem IDF %.3f, want the maximum %.3f", unknown, BackgroundMaxIDF())
	}
	if BackgroundDF(Stem("profits")) == 0 || BackgroundDF("zzqxj") != 0 {
		t.Errorf("BackgroundDF: profits %d, unknown %d", BackgroundDF(Stem("profits")), BackgroundDF("zzqxj"))
	}
}

// TestBackgroundTableIsItsLines checks the table of stems against a map
// of background.txt's lines: every stem's count, and none for others.
func TestBackgroundTableIsItsLines(t *testing.T) {
	want := map[string]int{}
	for line := range strings.Lines(backgroundTable) {
		line = strings.TrimSuffix(line, "\n")
		if line == "" || line[0] == '#' {
			continue
		}
		stem, n, _ := strings.Cut(line, "\t")
		v, err := strconv.Atoi(n)
		if err != nil {
			t.Fatal(err)
		}
		want[stem] = v
	}
	if BackgroundDocs() != want["docs"] {
		t.Errorf("BackgroundDocs = %d, want %d", BackgroundDocs(), want["docs"])
	}
	delete(want, "docs")
	for stem, v := range want {
		if got := BackgroundDF(stem); got != v {
			t.Fatalf("BackgroundDF(%q) = %d, want %d", stem, got, v)
		}
		for _, other := range []string{stem + "x", stem[:len(stem)-1], "x" + stem} {
			if _, ok := want[other]; !ok && other != "docs" && BackgroundDF(other) != 0 {
				t.Fatalf("BackgroundDF(%q) = %d, want 0", other, BackgroundDF(other))
			}
		}
	}
	small := parseBackground("docs\t10\nalpha\t3\nbeta\t5\n")
	if df, ok := small.df("beta"); !ok || df != 5 {
		t.Errorf("a small table's beta: %d %v", df, ok)
	}
	if _, ok := small.df(""); ok {
		t.Error("a small table holds the empty stem")
	}
}

// BenchmarkBackground: making the table and looking up every stem of it
// and as many it lacks.
func BenchmarkBackground(b *testing.B) {
	var stems []string
	for line := range strings.Lines(backgroundTable) {
		if stem, _, ok := strings.Cut(line, "\t"); ok && line[0] != '#' {
			stems = append(stems, stem, stem+"x")
		}
	}
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			parseBackground(backgroundTable)
		}
	})
	b.Run("lookup", func(b *testing.B) {
		bg := background()
		for b.Loop() {
			for _, s := range stems {
				bg.df(s)
			}
		}
	})
}

func TestBackgroundWritesAsName(t *testing.T) {
	for w, want := range map[string]bool{"china": true, "lufthansa": true, "cup": true, "troops": false, "the": false, "bake": false, "China": false, "": false} {
		if got := BackgroundWritesAsName(w); got != want {
			t.Errorf("BackgroundWritesAsName(%q) = %v, want %v", w, got, want)
		}
	}
}
