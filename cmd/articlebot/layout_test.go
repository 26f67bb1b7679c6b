package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The README's Layout section lists every top-level folder and every
// package under bot/, cmd/, corpus/, internal/ and retrieval/, and names
// nothing that is gone.
func TestReadmeLayoutListsEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := layoutEntries(t, string(readme))
	root := "../.."
	var want []string
	top, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range top {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			want = append(want, e.Name())
		}
	}
	for _, dir := range []string{"bot", "cmd", "corpus", "internal", "retrieval"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return fs.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(d.Name(), ".go") {
				return nil
			}
			rel, err := filepath.Rel(root, filepath.Dir(p))
			if err != nil {
				return err
			}
			if rel = filepath.ToSlash(rel); !slices.Contains(want, rel) {
				want = append(want, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range want {
		// A folder of packages (cmd, internal) is listed by its packages.
		under := func(l string) bool { return l == w || strings.HasPrefix(l, w+"/") }
		if !slices.ContainsFunc(listed, under) {
			t.Errorf("README's Layout doesn't list %s/", w)
		}
	}
	for _, l := range listed {
		if info, err := os.Stat(filepath.Join(root, filepath.FromSlash(l))); err != nil || !info.IsDir() {
			t.Errorf("README's Layout lists %s, which is no folder of the repository", l)
		}
	}
}

// layoutEntries returns the paths the Layout section's block lists: the
// first word of each line that doesn't start with a space (the others go
// on describing the one before).
func layoutEntries(t *testing.T, readme string) []string {
	t.Helper()
	m := regexp.MustCompile("(?s)\n## Layout\n.*?\n```\n(.*?)\n```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatal("README has no Layout section with a ``` block")
	}
	var out []string
	for _, line := range strings.Split(m[1], "\n") {
		if line == "" || line[0] == ' ' {
			continue
		}
		out = append(out, strings.TrimSuffix(strings.Fields(line)[0], "/"))
	}
	return out
}
