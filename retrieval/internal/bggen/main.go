// Command bggen writes retrieval's background word statistics: the number
// of documents of a reference news collection that hold each stem, and the
// words it writes as names (capitalised in most of their uses that don't
// open a sentence). Run it with `go generate ./retrieval` from a checkout
// that has ../shared beside it.
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
	"unicode"
	"unicode/utf8"

	"github.com/articlebot/articlebot/retrieval"
)

func main() {
	dir := flag.String("corpus", "../../shared/corpora/bbc", "the reference collection: .txt files in folders")
	out := flag.String("out", "background.txt", "the table to write")
	minDF := flag.Int("min-df", 2, "leave out stems in fewer documents than this (they get the unknown stem's IDF)")
	names := flag.String("names", "", "also write the words the collection writes as names to this file")
	flag.Parse()
	if err := run(*dir, *out, *names, *minDF); err != nil {
		fmt.Fprintln(os.Stderr, "bggen:", err)
		os.Exit(1)
	}
}

func run(dir, out, namesOut string, minDF int) error {
	df := map[string]int{}
	uses, caps := map[string]int{}, map[string]int{}
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
		text := decode(raw)
		countCase(text, uses, caps)
		stems := map[string]bool{}
		for _, s := range retrieval.Stems(text) {
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
	if err := f.Close(); err != nil {
		return err
	}
	if namesOut == "" {
		return nil
	}
	return writeNames(namesOut, filepath.Base(dir), uses, caps)
}

// minNameUses is the fewest uses, not opening a sentence, in which the
// collection must write a word before it counts as a name by them.
const minNameUses = 3

// countCase counts, for each word of a story's text as a lower-case form,
// its uses that don't open a sentence (the title line, in title case, left
// out) and how many of them are capitalised.
func countCase(text string, uses, caps map[string]int) {
	lines := strings.Split(text, "\n")
	for _, line := range lines[1:] {
		first := true
		for i := 0; i < len(line); {
			r, n := utf8.DecodeRuneInString(line[i:])
			if !unicode.IsLetter(r) {
				if strings.ContainsRune(".!?:", r) {
					first = true
				} else if !strings.ContainsRune(" \t\"'“‘(", r) {
					first = false
				}
				i += n
				continue
			}
			j := i
			for j < len(line) {
				r2, n2 := utf8.DecodeRuneInString(line[j:])
				if !unicode.IsLetter(r2) {
					break
				}
				j += n2
			}
			word := line[i:j]
			if !first {
				lw := strings.ToLower(word)
				uses[lw]++
				if unicode.IsUpper(r) {
					caps[lw]++
				}
			}
			first = false
			i = j
		}
	}
}

// writeNames writes the lower-case words capitalised in most of their
// minNameUses or more uses that don't open a sentence, one a line.
func writeNames(out, source string, uses, caps map[string]int) error {
	var words []string
	for w, n := range uses {
		if n >= minNameUses && 2*caps[w] > n && isASCIIWord(w) {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# Words a background news collection writes as names: capitalised in most of their uses that don't open a sentence\n")
	fmt.Fprintf(w, "# (%d or more such uses). Written by retrieval/internal/bggen from the BBC News collection (%s), identical stories once.\n", minNameUses, source)
	for _, word := range words {
		fmt.Fprintln(w, word)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// isASCIIWord reports whether w is two or more letters a to z: the words a
// question typed in lower case can be given a capital by.
func isASCIIWord(w string) bool {
	if len(w) < 2 {
		return false
	}
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
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
