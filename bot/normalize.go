package bot

import (
	"strings"
	"unicode"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
	"github.com/articlebot/articlebot/retrieval/synonym"
)

// chatWords are general chat spellings and contractions written without
// their apostrophe, with the standard English they stand for. Words that
// only carry tone ("pls", "lol") map to nothing. This is a general
// resource of chat English: no entry names a topic.
var chatWords = map[string]string{
	"whats": "what is", "wats": "what is", "whos": "who is", "wheres": "where is", "whens": "when is",
	"hows": "how is", "whys": "why is", "thats": "that is", "theres": "there is",
	"wat": "what", "wut": "what", "wht": "what", "hw": "how",
	"u": "you", "ur": "your", "r": "are", "b4": "before", "bc": "because", "cuz": "because",
	"coz": "because", "cos": "because", "abt": "about", "w/": "with", "w/o": "without", "ppl": "people",
	"govt": "government", "gov't": "government", "approx": "approximately", "info": "information",
	"yr": "year", "yrs": "years", "mins": "minutes", "hrs": "hours", "num": "number", "bn": "billion",
	"dont": "do not", "doesnt": "does not", "didnt": "did not", "isnt": "is not", "wasnt": "was not",
	"arent": "are not", "werent": "were not", "havent": "have not", "hasnt": "has not", "hadnt": "had not",
	"cant": "cannot", "couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not",
	"im": "i am", "ive": "i have", "youre": "you are", "theyre": "they are", "gonna": "going to",
	"wanna": "want to", "gotta": "have to", "dunno": "do not know", "idk": "",
	"pls": "", "plz": "", "please": "", "pleas": "", "thx": "", "thanks": "", "ty": "", "lol": "", "omg": "",
	"btw": "", "fyi": "", "imo": "", "imho": "", "tbh": "", "ok": "", "okay": "", "hey": "", "hi": "",
	"hello": "", "yo": "", "um": "", "uh": "", "hmm": "",
	"tldr": "tl;dr", "tl;dr": "tl;dr",
}

// chatWord matches a word as chat writes it: letters, digits and the
// apostrophes, slashes and semicolons of "w/o", "gov't" and "tl;dr", as
// `[\pL\pN][\pL\pN'’/;]*` would.
var chatWord = wordScan{inner: func(r rune) bool { return isLetterOrNumber(r) || r == '\'' || r == '’' || r == '/' || r == ';' }}

// normalizeChat rewrites chat spellings as standard English: "whats u know
// abt kim pls" becomes "what is you know about kim". Capitals of the
// words kept are kept, so names stay names.
func normalizeChat(q string) string {
	// "y" is "why" only where a question word goes.
	if rest, ok := strings.CutPrefix(q, "y "); ok {
		q = "why " + rest
	}
	out := chatWord.ReplaceAllStringFunc(q, func(w string) string {
		r, ok := chatWords[strings.ToLower(corpus.Fold(w))]
		if !ok {
			return w
		}
		// A lone capital "U" or "N" may be an initial; "R" a rating.
		if len(w) == 1 && unicode.IsUpper(rune(w[0])) {
			return w
		}
		return r
	})
	out = strings.Join(strings.Fields(out), " ")
	out = strings.TrimLeft(out, ",;: ")
	// "?" left alone after dropped filler ("… troops pls?") keeps its word.
	out = strings.ReplaceAll(out, " ?", "?")
	if out == "" || !strings.ContainsFunc(out, unicode.IsLetter) && strings.ContainsFunc(q, unicode.IsLetter) {
		return q
	}
	return out
}

// vocabulary is what the service knows of the corpus's words, from its
// index: for telling typos from words.
type vocabulary struct {
	ix Retriever
}

// has reports whether the corpus uses word, in any form of its stem.
func (v *vocabulary) has(word string) bool { return v.ix.DF(retrieval.Stem(word)) > 0 }

// count is how many passages use word's stem.
func (v *vocabulary) count(word string) int { return v.ix.DF(retrieval.Stem(word)) }

// english reports whether word is an English word that the corpus may
// simply not use: a stop word, a word of the background news collection,
// or a word WordNet knows, in some base form.
func english(word string) bool {
	if retrieval.IsStopword(word) || retrieval.BackgroundDF(retrieval.Stem(word)) >= minBackgroundDF {
		return true
	}
	for _, f := range retrieval.BaseForms(word) {
		if synonym.Known(f) {
			return true
		}
	}
	return false
}

// minBackgroundDF is how many background stories must use a word for it
// to count as English: one may be a name or a typo.
const minBackgroundDF = 3

// minTypoLen is the shortest word corrected as a typo: shorter words have
// too many neighbours one edit away to guess between. maxTypoLen is the
// longest: no English word is longer, and the edits of a long run of
// letters cost time for nothing.
const (
	minTypoLen = 5
	maxTypoLen = 30
)

// correct returns the corpus word one edit (a letter deleted, inserted,
// changed, or two swapped) from word, the most frequent if several are,
// when word is long enough, not in the corpus and not English; otherwise
// word itself.
func (v *vocabulary) correct(word string) string {
	if n := len([]rune(word)); n < minTypoLen || n > maxTypoLen || v.has(word) || english(word) || strings.ContainsFunc(word, unicode.IsDigit) {
		return word
	}
	best, bestN := word, 0
	for _, e := range edits1(word) {
		if n := v.count(e); n > bestN {
			best, bestN = e, n
		}
	}
	return best
}

// edits1 lists the strings one edit from w, over the letters a to z.
func edits1(w string) []string {
	r := []rune(w)
	var out []string
	for i := 0; i <= len(r); i++ {
		if i < len(r) {
			out = append(out, string(r[:i])+string(r[i+1:]))
		}
		if i+1 < len(r) {
			s := append([]rune{}, r...)
			s[i], s[i+1] = s[i+1], s[i]
			out = append(out, string(s))
		}
		for c := 'a'; c <= 'z'; c++ {
			if i < len(r) && c != r[i] {
				out = append(out, string(r[:i])+string(c)+string(r[i+1:]))
			}
			out = append(out, string(r[:i])+string(c)+string(r[i:]))
		}
	}
	return out
}

// clitics are the endings English writes with an apostrophe, each as
// many runes long with a curly one.
var clitics = []string{"n't", "'ve", "'re", "'ll", "'s", "'d", "'m"}

// splitClitic splits a word into its base and a clitic ending ("'s",
// "n't"), with a straight or a curly apostrophe; the clitic is empty when
// it has none.
func splitClitic(w string) (base, clitic string) {
	r := []rune(w)
	for _, c := range clitics {
		if n := len(c); len(r) > n && strings.EqualFold(strings.ReplaceAll(string(r[len(r)-n:]), "’", "'"), c) {
			return string(r[:len(r)-n]), string(r[len(r)-n:])
		}
	}
	return w, ""
}

// correctTypos replaces the question's misspelt words with the corpus
// words they were meant to be, keeping the rest of the text as it is.
func (v *vocabulary) correctTypos(q string) string {
	return chatWord.ReplaceAllStringFunc(q, func(w string) string {
		// An abbreviation ("ICC's") is no typo of a word one letter
		// away ("ice's"), whether or not the corpus spells it so.
		if abbreviation(w) != "" {
			return w
		}
		// A possessive or a contraction is corrected without its
		// clitic ("'s", "'ve", "n't"), which would otherwise make a
		// short word look long enough to guess, or a word unknown:
		// "would've" is no "could've".
		base, poss := splitClitic(w)
		lw := strings.ToLower(corpus.Fold(base))
		c := v.correct(lw)
		if c == lw {
			return w
		}
		if unicode.IsUpper([]rune(base)[0]) {
			c = strings.ToUpper(c[:1]) + c[1:]
		}
		return c + poss
	})
}

// restoreNames gives a question typed without capitals ("who runs
// lufthansa") the capitals of the words the corpus writes as names
// ("Lufthansa") or, for a word the corpus never uses, that the background
// collection does ("china"), so that it names what a capitalised one
// would. A question with a capital after its first letter was written
// with them, and is left as it is; one in capitals throughout is read as
// typed in lower case.
func (v *vocabulary) restoreNames(q string) string {
	if shouted(q) || titled(q) {
		q = strings.ToLower(q)
	}
	if rest := []rune(q); len(rest) < 2 || strings.ContainsFunc(string(rest[1:]), unicode.IsUpper) {
		return q
	}
	return chatWord.ReplaceAllStringFunc(q, func(w string) string {
		r := []rune(w)
		if len(r) < 2 || r[0] < 'a' || r[0] > 'z' || retrieval.IsStopword(w) {
			return w
		}
		base, _ := splitClitic(w)
		// The corpus's own use decides; a word it never uses is read by
		// the background collection's.
		if v.has(base) && !v.ix.WritesAsName(base) || !v.has(base) && !retrieval.BackgroundWritesAsName(strings.ToLower(base)) {
			return w
		}
		return strings.ToUpper(w[:1]) + w[1:]
	})
}

// shouted reports whether a question of two or more words is written in
// capitals throughout ("HOW MANY TROOPS DID CHINA SEND"): its capitals
// name nothing, so it is read as if typed in lower case.
func shouted(q string) bool {
	if strings.ContainsFunc(q, unicode.IsLower) {
		return false
	}
	words := 0
	for _, w := range strings.Fields(q) {
		if strings.ContainsFunc(w, unicode.IsLetter) {
			words++
		}
	}
	return words >= 2
}

// titled reports whether a question is in title case, every word of it
// capitalised, stop words too ("How Many Troops Did China Send?"): like
// one in capitals throughout, its capitals name nothing.
func titled(q string) bool {
	words, stops := 0, 0
	for _, w := range strings.Fields(q) {
		r := []rune(strings.TrimLeft(w, `"'“‘(`))
		if len(r) == 0 || !unicode.IsLetter(r[0]) {
			continue
		}
		if !unicode.IsUpper(r[0]) {
			return false
		}
		words++
		if words > 1 && retrieval.IsStopword(strings.ToLower(strings.TrimRight(string(r), `?!.,;:"'”’)`))) {
			stops++
		}
	}
	return words >= 3 && stops > 0
}

// minForeignWords is the fewest words a question must have before it is
// judged not to be English: "Kim?" is a name, not a language.
const minForeignWords = 3

// readable reports whether the offline drafter can read q: mostly Latin
// letters, and at least half of its words English or the corpus's own.
func (v *vocabulary) readable(q string) bool {
	latin, letters := 0, 0
	for _, r := range q {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Latin, r) {
				latin++
			}
		}
	}
	if letters > 0 && 2*latin < letters {
		return false
	}
	known, words := 0, 0
	for _, w := range chatWord.FindAllString(q, -1) {
		lw := strings.ToLower(corpus.Fold(w))
		if strings.ContainsFunc(lw, unicode.IsDigit) {
			continue
		}
		words++
		if english(lw) || v.has(strings.Trim(lw, "'’")) {
			known++
		}
	}
	return words < minForeignWords || 2*known >= words
}
