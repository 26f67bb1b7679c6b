// Package wordnet reads the WordNet 3.0 database files for the generators
// that build articlebot's embedded word tables (retrieval/synonym and
// bot/nountype), and finds a word in those tables. The program itself
// never reads WordNet: it embeds the tables the generators wrote.
package wordnet

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// EachLine calls fn with the fields of each line of a WordNet file,
// skipping the licence header, whose lines start with two spaces.
func EachLine(path string, fn func([]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20) // some data lines are long
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") || line == "" {
			continue
		}
		if err := fn(strings.Fields(line)); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return sc.Err()
}

// IsWord reports whether w is a single lowercase word of ASCII letters;
// this rules out collocations (joined by "_"), hyphenations, abbreviations
// and proper nouns.
func IsWord(w string) bool {
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return w != ""
}

// Line returns what follows word on its line of table, the text of a
// generated table: one line per word, "word rest", sorted by word. The
// table is not parsed: the word is found by binary search over the text
// itself, so that no program pays for building a map of some 20,000
// words (milliseconds and megabytes at every start) to look up the few
// words of a question. ok is false when the word has no line, or nothing
// after it.
func Line(table, word string) (rest string, ok bool) {
	lo, hi := 0, len(table)
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := strings.LastIndexByte(table[:mid], '\n') + 1
		end := strings.IndexByte(table[mid:], '\n')
		if end < 0 {
			end = len(table)
		} else {
			end += mid
		}
		key, rest, _ := strings.Cut(table[start:end], " ")
		switch c := strings.Compare(key, word); {
		case c == 0:
			return rest, strings.TrimSpace(rest) != ""
		case c < 0:
			lo = end + 1
		default:
			hi = start
		}
	}
	return "", false
}
