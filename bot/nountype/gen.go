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

	index, tagged, err := wordnet.ReadNounIndex(filepath.Join(*dir, "index.noun"))
	if err != nil {
		log.Fatal(err)
	}
	data, err := wordnet.ReadNounData(filepath.Join(*dir, "data.noun"))
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
				fmt.Printf("%s %s: %s\n", a.kind, name, strings.Join(data[off].Words, ", "))
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
			for _, h := range slices.Concat(data[off].Hypernyms, data[off].InstanceOf) {
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
