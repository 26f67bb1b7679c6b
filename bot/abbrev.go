package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/articlebot/articlebot/retrieval"
)

// An abbreviation names what the capitalised words it is the initials of
// name: "EU" is the "European Union", "WTO" the "World Trade
// Organisation". A text's abbreviations sit among its stems under keys
// no stem can be, holding a colon and capitals: a question that writes
// "EU" looks for a text that spells it out, one that spells out
// "European Union" for a text that writes "EU".

// abbrevKey is the key of an abbreviation a text spells out (spelled) or
// writes.
func abbrevKey(abbr string, spelled bool) string {
	if spelled {
		return "spelled:" + abbr
	}
	return "written:" + abbr
}

// abbreviation returns a word written as an abbreviation, two or more
// capitals ("EU", "BBC's" gives "BBC"), or "" for any other word.
func abbreviation(word string) string {
	word, _, _ = strings.Cut(strings.ReplaceAll(word, "’", "'"), "'")
	if utf8.RuneCountInString(word) < 2 || strings.ContainsFunc(word, func(r rune) bool { return !unicode.IsUpper(r) }) {
		return ""
	}
	return word
}

// initialism is a run of two or more capitalised words and the
// abbreviations its initials give: "World Trade Organisation" gives "WTO".
// A small word inside it ("Bank of England") may give its initial or not:
// "BE", "BOE".
type initialism struct {
	words   []string
	abbrevs []string
}

// initialisms are those of every run of two or more capitalised words in
// a text, and of every shorter run of two or more inside one: "Trade Organisation" gives
// "TO" too, as "Yesterday European Union" holds "EU".
func initialisms(text string) []initialism {
	var out []initialism
	for _, run := range capitalRuns(text) {
		for a := range run {
			for b := a + 1; b < len(run); b++ {
				if inRunWord(run[a]) || inRunWord(run[b]) {
					continue
				}
				var short, long []rune
				for _, w := range run[a : b+1] {
					r := unicode.ToUpper([]rune(w)[0])
					long = append(long, r)
					if !inRunWord(w) {
						short = append(short, r)
					}
				}
				in := initialism{words: run[a : b+1], abbrevs: []string{string(short)}}
				if len(long) > len(short) {
					in.abbrevs = append(in.abbrevs, string(long))
				}
				out = append(out, in)
			}
		}
	}
	return out
}

// capitalRuns are a text's runs of capitalised words, with the small
// words between them, written with nothing but spaces apart.
func capitalRuns(text string) [][]string {
	var runs [][]string
	var run []string
	end := 0 // of the previous word
	for _, l := range wordRE.FindAllStringIndex(text, -1) {
		w := text[l[0]:l[1]]
		joined := len(run) > 0 && strings.TrimSpace(text[end:l[0]]) == ""
		end = l[1]
		// A function word is capitalised only for starting a sentence:
		// "Will Chelsea win?" names no "WC".
		before := strings.TrimRight(text[:l[0]], " “\"‘'(")
		capital := startsCapital(w) && !((before == "" || strings.ContainsAny(before[len(before)-1:], ".!?:")) && retrieval.IsStopword(strings.ToLower(w)))
		switch {
		case joined && (inRunWord(w) || capital):
			run = append(run, w)
		case capital && !inRunWord(w):
			runs, run = appendRun(runs, run), []string{w}
		default:
			runs, run = appendRun(runs, run), nil
		}
	}
	return appendRun(runs, run)
}

// appendRun appends a run without the small words it ends in, if it
// holds two or more words.
func appendRun(runs [][]string, run []string) [][]string {
	for len(run) > 0 && inRunWord(run[len(run)-1]) {
		run = run[:len(run)-1]
	}
	if len(run) < 2 {
		return runs
	}
	return append(runs, run)
}

// startsCapital reports whether a word starts with a capital letter, not
// a digit as startsUpper allows.
func startsCapital(w string) bool {
	for _, r := range w {
		return unicode.IsUpper(r)
	}
	return false
}

// inRunWord reports whether w is a small word a name may hold between
// its capitalised words ("Bank of England", "Department for Education").
func inRunWord(w string) bool {
	switch strings.ToLower(w) {
	case "of", "the", "and", "for":
		return true
	}
	return false
}

// abbrevKeys are the keys of the abbreviations a text writes and those it
// spells out (see abbrevKey); nil for none.
func abbrevKeys(text string) map[string]bool {
	var out map[string]bool
	add := func(k string) {
		if out == nil {
			out = map[string]bool{}
		}
		out[k] = true
	}
	eachAbbrev(text, func(ab string) { add(abbrevKey(ab, false)) }, func(in initialism) {
		for _, ab := range in.abbrevs {
			add(abbrevKey(ab, true))
		}
	})
	return out
}

// eachAbbrev calls written with each abbreviation a text writes ("EU")
// and spelled with each initialism it spells out ("European Union").
func eachAbbrev(text string, written func(abbrev string), spelled func(initialism)) {
	for _, l := range wordRE.FindAllStringIndex(text, -1) {
		if ab := abbreviation(text[l[0]:l[1]]); ab != "" {
			written(ab)
		}
	}
	for _, in := range initialisms(text) {
		spelled(in)
	}
}
