// Package wordnet reads the WordNet 3.0 database files for the generators
// that build articlebot's embedded word tables (retrieval/synonym and
// bot/nountype), and finds a word in those tables. The program itself
// never reads WordNet: it embeds the tables the generators wrote.
package wordnet

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
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

// ReadNounIndex parses index.noun into lemma → synset offsets, most
// frequent sense first, and lemma → how many of its senses the
// sense-tagged corpus has (its first senses). Line format (wndb(5)):
//
//	lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
func ReadNounIndex(path string) (offsets map[string][]string, tagged map[string]int, err error) {
	offsets, tagged = map[string][]string{}, map[string]int{}
	err = EachLine(path, func(f []string) error {
		if len(f) < 4 {
			return fmt.Errorf("bad index line %q", strings.Join(f, " "))
		}
		pcnt, err := strconv.Atoi(f[3])
		if err != nil || len(f) < 6+pcnt {
			return fmt.Errorf("bad index line %q", strings.Join(f, " "))
		}
		offsets[f[0]] = f[6+pcnt:]
		tagged[f[0]], err = strconv.Atoi(f[5+pcnt])
		return err
	})
	return offsets, tagged, err
}

// Synset is a noun synset of data.noun: its words, lowercased, and the
// offsets of the synsets it is a kind of ("@" pointers) and an instance
// of ("@i": Paris of city).
type Synset struct {
	Words      []string
	Hypernyms  []string
	InstanceOf []string
}

// ReadNounData parses data.noun into offset → synset. Line format
// (wndb(5)):
//
//	synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] ...
func ReadNounData(path string) (map[string]Synset, error) {
	out := map[string]Synset{}
	err := EachLine(path, func(f []string) error {
		if len(f) < 5 {
			return fmt.Errorf("bad data line %q", strings.Join(f, " "))
		}
		n, err := strconv.ParseInt(f[3], 16, 0)
		if err != nil || len(f) < 5+2*int(n) {
			return fmt.Errorf("bad data line at %s", f[0])
		}
		var s Synset
		for i := 0; i < int(n); i++ {
			s.Words = append(s.Words, strings.ToLower(f[4+2*i]))
		}
		at := 4 + 2*int(n)
		pcnt, err := strconv.Atoi(f[at])
		if err != nil || len(f) < at+1+4*pcnt {
			return fmt.Errorf("bad pointer count at %s", f[0])
		}
		for i := 0; i < pcnt; i++ {
			sym, off, pos := f[at+1+4*i], f[at+2+4*i], f[at+3+4*i]
			switch {
			case pos != "n":
			case sym == "@" && !slices.Contains(s.Hypernyms, off):
				s.Hypernyms = append(s.Hypernyms, off)
			case sym == "@i" && !slices.Contains(s.InstanceOf, off):
				s.InstanceOf = append(s.InstanceOf, off)
			}
		}
		out[f[0]] = s
		return nil
	})
	return out, err
}
