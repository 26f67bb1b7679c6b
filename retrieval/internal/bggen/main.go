// Command bggen writes retrieval's background word statistics: the number
// of documents of a reference news collection that hold each stem. Run it
// with `go generate ./retrieval` from a checkout that has ../shared beside it.
package main

import (
	"bufio"
	"crypto/sha256"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/articlebot/articlebot/retrieval"
)

func main() {
	dir := flag.String("corpus", "../../shared/corpora/bbc", "the reference collection: .txt files in folders")
	out := flag.String("out", "background.txt", "the table to write")
	minDF := flag.Int("min-df", 2, "leave out stems in fewer documents than this (they get the unknown stem's IDF)")
	flag.Parse()
	if err := run(*dir, *out, *minDF); err != nil {
		fmt.Fprintln(os.Stderr, "bggen:", err)
		os.Exit(1)
	}
}

func run(dir, out string, minDF int) error {
	df := map[string]int{}
	seen := map[[32]byte]bool{}
	docs := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != dir && strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || !strings.EqualFold(filepath.Ext(name), ".txt") ||
			strings.HasPrefix(strings.ToUpper(name), "README") {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// Identical stories count once, whatever their spacing.
		sum := sha256.Sum256([]byte(strings.Join(strings.Fields(string(raw)), " ")))
		if seen[sum] {
			return nil
		}
		seen[sum] = true
		docs++
		stems := map[string]bool{}
		for _, s := range retrieval.Stems(decode(raw)) {
			stems[s] = true
		}
		for s := range stems {
			df[s]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if docs == 0 {
		return fmt.Errorf("no .txt documents under %s", dir)
	}
	keys := make([]string, 0, len(df))
	for s, n := range df {
		if n >= minDF && !strings.ContainsAny(s, " \t\n") {
			keys = append(keys, s)
		}
	}
	slices.Sort(keys)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# Background document frequencies of stems, written by retrieval/internal/bggen.\n")
	fmt.Fprintf(w, "# Source: the BBC News collection (%s), identical stories once; stems in fewer than %d documents left out.\n", filepath.Base(dir), minDF)
	fmt.Fprintf(w, "docs\t%d\n", docs)
	for _, s := range keys {
		fmt.Fprintf(w, "%s\t%d\n", s, df[s])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// decode reads UTF-8, or Latin-1 when the bytes are not UTF-8.
func decode(raw []byte) string {
	if utf8.Valid(raw) {
		return string(raw)
	}
	r := make([]rune, len(raw))
	for i, b := range raw {
		r[i] = rune(b)
	}
	return string(r)
}
