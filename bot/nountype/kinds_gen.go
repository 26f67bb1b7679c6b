//go:build ignore

// Command kinds_gen builds kinds.txt, what each English noun is a kind
// of, from the WordNet 3.0 database files as installed by Debian's
// wordnet-base package:
//
//	apt-get install -y wordnet-base
//	go run kinds_gen.go -wordnet /usr/share/wordnet -o kinds.txt
//
// A line is "noun n kind kind ...": how many of the table's nouns list
// the noun as their kind, then the words of the synsets that the noun's
// first senses (-senses) reach by WordNet's hypernyms, "cancer" reaching
// "tumor", "disease", "illness". Kept small (8,629 lines, 356 kB): single
// lowercase nouns of two letters or more seen in the sense-tagged corpus,
// only their tagged senses, kinds named by such words, and no kind so
// general that more than -max-share of the table's nouns are of it
// ("object", "act", "device").
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

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "directory holding the WordNet index.noun and data.noun files")
	out := flag.String("o", "kinds.txt", "output file")
	senses := flag.Int("senses", 2, "most frequent senses of a noun whose kinds are kept")
	maxShare := flag.Float64("max-share", 0.02, "largest share of the table's nouns a kind may hold")
	show := flag.String("show", "", "comma-separated nouns: print how many nouns are of each of their senses")
	flag.Parse()

	index, tagged, err := wordnet.ReadNounIndex(filepath.Join(*dir, "index.noun"))
	if err != nil {
		log.Fatal(err)
	}
	data, err := wordnet.ReadNounData(filepath.Join(*dir, "data.noun"))
	if err != nil {
		log.Fatal(err)
	}
	// ancestors are the synsets a synset is a kind of, itself excluded.
	memo := map[string][]string{}
	var ancestors func(off string) []string
	ancestors = func(off string) []string {
		if a, ok := memo[off]; ok {
			return a
		}
		memo[off] = nil // breaks cycles
		var out []string
		for _, h := range data[off].Hypernyms {
			out = append(out, h)
			out = append(out, ancestors(h)...)
		}
		slices.Sort(out)
		out = slices.Compact(out)
		memo[off] = out
		return out
	}
	kinds := map[string][]string{} // noun → ancestor synsets
	holds := map[string]int{}      // synset → nouns of it
	for lemma, offs := range index {
		if !word(lemma) || tagged[lemma] == 0 {
			continue
		}
		var all []string
		for _, off := range offs[:min(*senses, tagged[lemma], len(offs))] {
			all = append(all, ancestors(off)...)
		}
		slices.Sort(all)
		all = slices.Compact(all)
		kinds[lemma] = all
		for _, a := range all {
			holds[a]++
		}
	}
	limit := int(*maxShare * float64(len(kinds)))
	if *show != "" {
		for _, w := range strings.Split(*show, ",") {
			for i, off := range index[w] {
				fmt.Printf("%s#%d %v: %d nouns\n", w, i+1, data[off].Words, holds[off])
			}
		}
	}
	lists := map[string][]string{} // noun → the words of its kinds
	count := map[string]int{}      // word → nouns that list it
	for lemma, all := range kinds {
		var words []string
		for _, a := range all {
			if holds[a] > limit {
				continue
			}
			for _, w := range data[a].Words {
				if word(w) && tagged[w] > 0 && w != lemma {
					words = append(words, w)
				}
			}
		}
		slices.Sort(words)
		words = slices.Compact(words)
		lists[lemma] = words
		for _, w := range words {
			count[w]++
		}
	}
	var lines []string
	for lemma, words := range lists {
		if len(words) > 0 || count[lemma] > 0 {
			lines = append(lines, strings.Join(append([]string{lemma, strconv.Itoa(count[lemma])}, words...), " "))
		}
	}
	sort.Strings(lines)
	b := []byte(strings.Join(lines, "\n") + "\n")
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d nouns of %d, %d bytes to %s (kinds holding at most %d nouns)", len(lines), len(kinds), len(b), *out, limit)
}

// word reports whether a lemma is a single lowercase word of two letters
// or more: a letter ("a", "k") names no kind a question asks for.
func word(lemma string) bool { return len(lemma) > 1 && wordnet.IsWord(lemma) }
