package corpus

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestLoadDirSinceMatchesAFullLoad changes a collection step by step and
// checks that a load reading only the changed files gives what reading
// every file gives, reading as few as it says.
func TestLoadDirSinceMatchesAFullLoad(t *testing.T) {
	dir := writeTree(t, collection)
	stamp := time.Unix(1_700_000_000, 0)
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		stamp = stamp.Add(time.Second)
		if err := os.Chtimes(p, stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	prev, n, err := LoadDirSince(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The notices are read too, but are not article files: the count of
	// files read agrees with the load's summary.
	if want := prev.Report.Files; n != want || want == 0 || want >= len(prev.Files) {
		t.Fatalf("first load read %d files, its report says %d, recorded %d", n, want, len(prev.Files))
	}
	steps := []struct {
		name   string
		change func()
		reread int
	}{
		{"nothing", func() {}, 0},
		// 001 is the story 002 duplicates: both are read again.
		{"a story with a duplicate", func() {
			write("world/001.txt", "Harbour reopens after storm\n\nThe harbour reopened on Tuesday.\n\nBoats left at dawn.")
		}, 2},
		{"a new story before the one it duplicates", func() {
			write("world/000.txt", "Harbour news\n\nThe harbour reopened on Tuesday.\n\nBoats left at dawn.")
		}, 1},
		{"the kept one removed", func() {
			if err := os.Remove(filepath.Join(dir, "world", "000.txt")); err != nil {
				t.Fatal(err)
			}
		}, 1},
		{"a decoded file touched", func() { write("world/latin1.txt", collection["world/latin1.txt"]) }, 1},
		// Read again, to look for front matter, but no article file.
		{"a notice", func() { write("README.md", "# About\n\nStill a notice.") }, 0},
		{"a skipped file", func() { write("world/empty.txt", "\n\n\n") }, 1},
		{"a file with ignored keys", func() { write("world/europe/deep.md", collection["world/europe/deep.md"]+"\n\nMore.") }, 1},
		{"a new folder", func() {
			if err := os.MkdirAll(filepath.Join(dir, "sport"), 0o755); err != nil {
				t.Fatal(err)
			}
			write("sport/1.txt", "Match report\n\nThe home side won 2-0.")
		}, 1},
	}
	for _, s := range steps {
		s.change()
		got, n, err := LoadDirSince(dir, prev)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if n != s.reread {
			t.Errorf("%s: read %d files, want %d", s.name, n, s.reread)
		}
		if (got == prev) != (s.name == "nothing") {
			t.Errorf("%s: the earlier corpus returned: %v", s.name, got == prev)
		}
		want, err := LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got, cmp.AllowUnexported(Corpus{}, Article{})); d != "" && got != prev {
			t.Errorf("%s: differs from a full load (-full +since):\n%s", s.name, d)
		}
		prev = got
	}
}

// A corpus stored and given back (Assemble) has no body keys of its own:
// the file records carry them.
func TestLoadDirSinceFromAnAssembledCorpus(t *testing.T) {
	dir := writeTree(t, collection)
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var articles []*Article
	for _, a := range c.Articles {
		b := *a
		b.bodyKey = [32]byte{}
		articles = append(articles, &b)
	}
	stored := Assemble(articles, LoadReport{Files: c.Report.Files}, c.Files)
	got, n, err := LoadDirSince(dir, stored)
	if err != nil || got != stored || n != 0 {
		t.Fatalf("unchanged: %d read, same %v, %v", n, got == stored, err)
	}
	p := filepath.Join(dir, "world", "002.txt")
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	got, n, err = LoadDirSince(dir, stored)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := LoadDir(dir)
	if n != 2 || len(got.Articles) != len(want.Articles) || got.Report.Duplicates != want.Report.Duplicates {
		t.Errorf("one duplicate touched: read %d, %d stories, %d duplicates; want 2, %d, %d",
			n, len(got.Articles), got.Report.Duplicates, len(want.Articles), want.Report.Duplicates)
	}
}

// A listing records the files as they were when it was taken: loading it
// after a file changed compares the earlier load with the listed state
// (the change is found by the next listing), and a listing loads once.
func TestListingIsTheWalksState(t *testing.T) {
	dir := writeTree(t, collection)
	prev, _, err := LoadDirSince(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ListDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "world", "001.txt")
	later := time.Unix(1_800_000_000, 0)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	c, n, err := l.LoadSince(prev)
	if err != nil || c != prev || n != 0 {
		t.Fatalf("the listing taken before the change: corpus %p (prev %p), %d read, %v", c, prev, n, err)
	}
	if _, _, err := l.LoadSince(prev); err == nil {
		t.Error("a listing loaded twice")
	}
	if c, n, err := LoadDirSince(dir, prev); err != nil || c == prev || n == 0 {
		t.Errorf("a new listing after the change: %d read, %v", n, err)
	}
	if _, err := ListDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing folder was listed")
	}
}
