package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The checked-in tables are what the generator writes from the BBC
// collection, when it is there.
func TestTablesAreGenerated(t *testing.T) {
	corpus := "../../../../shared/corpora/bbc"
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("%s is absent", corpus)
	}
	dir := t.TempDir()
	bg, names := filepath.Join(dir, "background.txt"), filepath.Join(dir, "backgroundnames.txt")
	if err := run(corpus, bg, names, 2); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"background.txt", "backgroundnames.txt"} {
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("retrieval/%s is not what go generate ./retrieval writes", f)
		}
	}
}
