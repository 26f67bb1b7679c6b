//go:build ignore

// Command gen builds synonyms.txt, derived.txt and attributes.txt from the
// WordNet 3.0 database files as installed by Debian's wordnet-base package:
//
//	apt-get install -y wordnet-base
//	go run gen.go -wordnet /usr/share/wordnet -o synonyms.txt -derived derived.txt -attributes attributes.txt
//
// The full WordNet synonym relation is too loose for query expansion: rare
// senses make "support" a synonym of "suffer" and "bear". So it is pruned to
// single lowercase words, each word's two most frequent senses per part of
// speech (-senses), parts of speech in which the word was ever seen in the
// sense-tagged corpus (tagsense_cnt > 0), and the maxSyns most common
// synonyms.
package main

import (
	"cmp"
	"flag"
	"fmt"
	"log"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/articlebot/articlebot/internal/wordnet"
)

const maxSyns = 6 // synonyms per word

var posNames = []string{"noun", "verb", "adj", "adv"}

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "directory holding the WordNet index.* and data.* files")
	out := flag.String("o", "synonyms.txt", "output file")
	derivedOut := flag.String("derived", "derived.txt", "output file for derivationally related forms")
	attrsOut := flag.String("attributes", "attributes.txt", "output file for the attributes adjectives give values of")
	senses := flag.Int("senses", 2, "most frequent senses kept per word and part of speech")
	flag.Parse()

	// tagged sums tagsense_cnt over all parts of speech; it ranks synonyms,
	// as WordNet has no corpus frequency of its own for a lemma.
	tagged := map[string]int{}
	syns := map[string]map[string]bool{}
	derived := map[string]map[string]bool{}
	attrs := map[string]map[string]bool{}
	all := map[string]synset{} // "pos offset" → synset, for derivation targets
	for _, pos := range posNames {
		ss, err := readSynsets(filepath.Join(*dir, "data."+pos), pos)
		if err != nil {
			log.Fatal(err)
		}
		maps.Copy(all, ss)
	}
	for _, pos := range posNames {
		entries, err := readIndex(filepath.Join(*dir, "index."+pos))
		if err != nil {
			log.Fatal(err)
		}
		synsets, err := readData(filepath.Join(*dir, "data."+pos))
		if err != nil {
			log.Fatal(err)
		}
		for _, e := range entries {
			tagged[e.lemma] += e.tagged
			if e.tagged == 0 || !wordnet.IsWord(e.lemma) {
				continue
			}
			for _, off := range e.offsets[:min(*senses, len(e.offsets))] {
				words := synsets[off]
				addDerived(derived, e.lemma, all[pos[:1]+" "+off], all)
				if pos == "adj" {
					addAttributes(attrs, e.lemma, all["a "+off], all)
				}
				// A synset where the lemma appears only capitalised is a
				// name or symbol sense ("Cm" for curium, "Chicago" the card
				// game); its members are not synonyms of the lowercase word.
				if !slices.Contains(words, e.lemma) {
					continue
				}
				for _, w := range words {
					if w == e.lemma || !wordnet.IsWord(w) {
						continue
					}
					if syns[e.lemma] == nil {
						syns[e.lemma] = map[string]bool{}
					}
					syns[e.lemma][w] = true
				}
			}
		}
	}

	// A word too rare for the sense-tagged corpus has no line of its own,
	// though common words list it: "tv" lists "telly", and a reader of
	// "telly" takes it for "tv" as well. Synonymy is symmetric, so such a
	// word is given the words that list it. (A tagged word without a line
	// has no synonyms in its common senses: "old" is listed by "former",
	// but "how old" never means "how former".)
	rare := map[string]map[string]bool{}
	for w, ss := range syns {
		for s := range ss {
			if syns[s] != nil || tagged[s] > 0 {
				continue
			}
			if rare[s] == nil {
				rare[s] = map[string]bool{}
			}
			rare[s][w] = true
		}
	}
	maps.Copy(syns, rare)
	writeTable(*out, syns, tagged)
	writeTable(*derivedOut, derived, tagged)
	writeTable(*attrsOut, attrs, tagged)
}

// writeTable writes one line per word, "word rel1 rel2 ...", related words
// most common first.
func writeTable(out string, syns map[string]map[string]bool, tagged map[string]int) {
	var b strings.Builder
	for _, word := range slices.Sorted(maps.Keys(syns)) {
		list := slices.Collect(maps.Keys(syns[word]))
		slices.SortFunc(list, func(x, y string) int {
			return cmp.Or(cmp.Compare(tagged[y], tagged[x]), cmp.Compare(x, y))
		})
		b.WriteString(word)
		for _, s := range list[:min(maxSyns, len(list))] {
			b.WriteByte(' ')
			b.WriteString(s)
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d entries, %d bytes to %s", len(syns), b.Len(), out)
}

// synset is one WordNet synset: its words, its derivation pointers and,
// for an adjective, its attribute pointers.
type synset struct {
	words   []string
	derived []pointer
	attrs   []string // "=": the attributes an adjective gives a value of, as "n offset"
}

// pointer is a lexical "+" (derivationally related form) pointer from word
// number src of a synset to word number dst of the synset at target.
type pointer struct {
	src, dst int
	target   string // "pos offset"
}

// addDerived records the derivationally related forms of lemma in one of
// its top senses: "sell" → "sale", "seller".
func addDerived(derived map[string]map[string]bool, lemma string, s synset, all map[string]synset) {
	idx := slices.Index(s.words, lemma)
	if idx < 0 {
		return
	}
	for _, p := range s.derived {
		if p.src != idx+1 {
			continue
		}
		t, ok := all[p.target]
		if !ok || p.dst < 1 || p.dst > len(t.words) {
			continue
		}
		w := t.words[p.dst-1]
		if w == lemma || !wordnet.IsWord(w) {
			continue
		}
		// The relation is symmetric: "sale" is among "sell"'s forms even
		// when "sell"'s top senses don't point to it.
		for _, pair := range [][2]string{{lemma, w}, {w, lemma}} {
			if derived[pair[0]] == nil {
				derived[pair[0]] = map[string]bool{}
			}
			derived[pair[0]][pair[1]] = true
		}
	}
}

// addAttributes records the attributes (nouns) whose values an adjective
// lemma names in one of its top senses, by WordNet's "=" pointer: "fast"
// → "speed", "old" → "age", "heavy" → "weight". A question asking how
// fast something is asks for its speed, which a story states with the
// noun ("speeds of up to 15Mbps"), not the adjective. One way only: a
// question asking for a speed does not ask whether something is slow.
func addAttributes(attrs map[string]map[string]bool, lemma string, s synset, all map[string]synset) {
	if !slices.Contains(s.words, lemma) {
		return
	}
	for _, a := range s.attrs {
		for _, w := range all[a].words {
			if w == lemma || !wordnet.IsWord(w) {
				continue
			}
			if attrs[lemma] == nil {
				attrs[lemma] = map[string]bool{}
			}
			attrs[lemma][w] = true
		}
	}
}

// readSynsets parses a data.pos file with its derivation and attribute pointers, keyed
// "p offset" with p the synset type's letter (s, satellite adjectives, is
// filed as a).
func readSynsets(path, pos string) (map[string]synset, error) {
	out := map[string]synset{}
	err := wordnet.EachLine(path, func(f []string) error {
		n, err := strconv.ParseInt(f[3], 16, 0)
		if err != nil || len(f) < 5+2*int(n) {
			return fmt.Errorf("bad data line at %s", f[0])
		}
		var s synset
		for i := 0; i < int(n); i++ {
			w := f[4+2*i]
			if j := strings.IndexByte(w, '('); j > 0 {
				w = w[:j]
			}
			s.words = append(s.words, w)
		}
		at := 4 + 2*int(n)
		pcnt, err := strconv.Atoi(f[at])
		if err != nil || len(f) < at+1+4*pcnt {
			return fmt.Errorf("bad pointer count at %s", f[0])
		}
		for i := 0; i < pcnt; i++ {
			sym, off, tpos, st := f[at+1+4*i], f[at+2+4*i], f[at+3+4*i], f[at+4+4*i]
			if sym == "=" && tpos == "n" {
				s.attrs = append(s.attrs, "n "+off)
				continue
			}
			if sym != "+" || len(st) != 4 {
				continue
			}
			src, err1 := strconv.ParseInt(st[:2], 16, 0)
			dst, err2 := strconv.ParseInt(st[2:], 16, 0)
			if err1 != nil || err2 != nil {
				continue
			}
			if tpos == "s" {
				tpos = "a"
			}
			s.derived = append(s.derived, pointer{src: int(src), dst: int(dst), target: tpos + " " + off})
		}
		out[pos[:1]+" "+f[0]] = s
		return nil
	})
	return out, err
}

type indexEntry struct {
	lemma   string
	tagged  int      // tagsense_cnt: senses seen in the tagged corpus
	offsets []string // synset offsets, most frequent sense first
}

// readIndex parses an index.pos file. Line format (wndb(5)):
//
//	lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
func readIndex(path string) ([]indexEntry, error) {
	var entries []indexEntry
	err := wordnet.EachLine(path, func(f []string) error {
		pcnt, err := strconv.Atoi(f[3])
		if err != nil || len(f) < 6+pcnt {
			return fmt.Errorf("bad index line %q", strings.Join(f, " "))
		}
		tagged, err := strconv.Atoi(f[5+pcnt])
		if err != nil {
			return err
		}
		entries = append(entries, indexEntry{lemma: f[0], tagged: tagged, offsets: f[6+pcnt:]})
		return nil
	})
	return entries, err
}

// readData parses a data.pos file into synset offset → member words, with
// case kept so that proper nouns can be told apart. Line format (wndb(5)):
//
//	synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] ...
func readData(path string) (map[string][]string, error) {
	synsets := map[string][]string{}
	err := wordnet.EachLine(path, func(f []string) error {
		n, err := strconv.ParseInt(f[3], 16, 0) // w_cnt is two hex digits
		if err != nil || len(f) < 4+2*int(n) {
			return fmt.Errorf("bad data line at %s", f[0])
		}
		words := make([]string, n)
		for i := range words {
			w := f[4+2*i]
			// Adjectives may carry a syntactic marker: "outback(a)".
			if j := strings.IndexByte(w, '('); j > 0 {
				w = w[:j]
			}
			words[i] = w
		}
		synsets[f[0]] = words
		return nil
	})
	return synsets, err
}
