//go:build ignore

// Command gen builds nountypes.txt, the kind of fact each English noun
// names, from the WordNet 3.0 database files as installed by Debian's
// wordnet-base package:
//
//	apt-get install -y wordnet-base
//	go run gen.go -wordnet /usr/share/wordnet -o nountypes.txt
//
// A noun's kind is that of its most frequent sense (WordNet lists senses
// by their frequency in its sense-tagged corpus): the first of the anchor
// synsets below that the sense's hypernyms reach. "revenue" is a sum of
// money, so money; "spokesman" a person; "slice" a share; "steel" a
// substance. The table holds
// single lowercase words only, and only nouns that reach an anchor.
//
// It also lists, as kind "verb", the irregular past forms of verbs
// (verb.exc: "gave", "won") that are no noun of the tagged corpus, so that a reader of
// "which bookmakers gave evidence" knows where the noun phrase ends.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/articlebot/articlebot/internal/wordnet"
)

// anchors are the kinds and the synsets that define them, as "lemma#sense",
// most specific first: money is a measure too, and a time period.
var anchors = []struct {
	kind    string
	synsets []string
}{
	{"money", []string{"money#1", "money#2", "sum#1", "monetary_value#1", "income#1", "cost#1", "payment#1"}},
	{"duration", []string{"time_period#1"}},
	{"date", []string{"calendar_day#1", "point_in_time#1", "date#1"}},
	// Not all of "measure": its "system of measurement" holds "norm".
	{"quantity", []string{"definite_quantity#1", "indefinite_quantity#1", "relative_quantity#1", "fundamental_quantity#1", "magnitude_relation#1", "magnitude#1", "number#2", "share#1"}},
	{"person", []string{"person#1"}},
	// A country is a place before it is a body of people.
	{"place", []string{"location#1", "political_unit#1"}},
	{"organisation", []string{"organization#1", "institution#1"}},
	{"substance", []string{"substance#1", "material#1"}},
}

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "directory holding the WordNet index.noun and data.noun files")
	out := flag.String("o", "nountypes.txt", "output file")
	show := flag.Bool("show", false, "print each anchor synset's words, to check the senses named")
	flag.Parse()

	index, tagged, err := readIndex(filepath.Join(*dir, "index.noun"))
	if err != nil {
		log.Fatal(err)
	}
	data, err := readData(filepath.Join(*dir, "data.noun"))
	if err != nil {
		log.Fatal(err)
	}
	kindOf := map[string]string{} // anchor offset → kind
	rank := map[string]int{}      // kind → priority
	for i, a := range anchors {
		rank[a.kind] = i
		for _, name := range a.synsets {
			lemma, n, _ := strings.Cut(name, "#")
			sense, _ := strconv.Atoi(n)
			offs := index[lemma]
			if sense < 1 || sense > len(offs) {
				log.Fatalf("no sense %s", name)
			}
			off := offs[sense-1]
			if *show {
				fmt.Printf("%s %s: %s\n", a.kind, name, strings.Join(data[off].words, ", "))
			}
			if _, ok := kindOf[off]; !ok {
				kindOf[off] = a.kind
			}
		}
	}
	// kind walks a synset's hypernyms, and its instance hypernyms, breadth
	// first, and returns the most specific kind any reaches.
	memo := map[string]string{}
	var kind func(off string) string
	kind = func(off string) string {
		if k, ok := memo[off]; ok {
			return k
		}
		memo[off] = "" // breaks cycles
		best := kindOf[off]
		if best == "" {
			for _, h := range data[off].hypernyms {
				if k := kind(h); k != "" && (best == "" || rank[k] < rank[best]) {
					best = k
				}
			}
		}
		memo[off] = best
		return best
	}
	// A verb's irregular past is a verb here unless it is also a noun
	// seen in the tagged corpus: "won" is a currency only in WordNet.
	verbs := map[string]bool{}
	err = wordnet.EachLine(filepath.Join(*dir, "verb.exc"), func(f []string) error {
		if len(f) >= 2 && wordnet.IsWord(f[0]) && f[0] != f[1] && tagged[f[0]] == 0 && !strings.HasSuffix(f[0], "s") {
			verbs[f[0]] = true
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	var lines []string
	for w := range verbs {
		lines = append(lines, w+" verb")
	}
	for lemma, offs := range index {
		if !wordnet.IsWord(lemma) || verbs[lemma] {
			continue
		}
		if k := kind(offs[0]); k != "" {
			lines = append(lines, lemma+" "+k)
		}
	}
	sort.Strings(lines)
	b := []byte(strings.Join(lines, "\n") + "\n")
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d nouns, %d bytes to %s", len(lines), len(b), *out)
}

type synset struct {
	words     []string
	hypernyms []string // offsets of "@" and "@i" pointers
}

// readIndex parses index.noun into lemma → synset offsets, most frequent
// sense first, and lemma → how many of its senses the tagged corpus has. Line format (wndb(5)):
//
//	lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
func readIndex(path string) (offsets map[string][]string, tagged map[string]int, err error) {
	offsets, tagged = map[string][]string{}, map[string]int{}
	err = wordnet.EachLine(path, func(f []string) error {
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

// readData parses data.noun into offset → synset. Line format (wndb(5)):
//
//	synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] ...
func readData(path string) (map[string]synset, error) {
	out := map[string]synset{}
	err := wordnet.EachLine(path, func(f []string) error {
		n, err := strconv.ParseInt(f[3], 16, 0)
		if err != nil || len(f) < 5+2*int(n) {
			return fmt.Errorf("bad data line at %s", f[0])
		}
		var s synset
		for i := 0; i < int(n); i++ {
			s.words = append(s.words, strings.ToLower(f[4+2*i]))
		}
		at := 4 + 2*int(n)
		pcnt, err := strconv.Atoi(f[at])
		if err != nil || len(f) < at+1+4*pcnt {
			return fmt.Errorf("bad pointer count at %s", f[0])
		}
		for i := 0; i < pcnt; i++ {
			sym, off, pos := f[at+1+4*i], f[at+2+4*i], f[at+3+4*i]
			if (sym == "@" || sym == "@i") && pos == "n" && !slices.Contains(s.hypernyms, off) {
				s.hypernyms = append(s.hypernyms, off)
			}
		}
		out[f[0]] = s
		return nil
	})
	return out, err
}
