// Package wordnet reads the WordNet 3.0 database files for the generators
// that build articlebot's embedded word tables (retrieval/synonym and
// bot/nountype). The program itself never reads WordNet: it embeds the
// tables those generators wrote.
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
