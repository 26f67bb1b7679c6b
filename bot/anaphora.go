package bot

import "strings"

// A sentence may state the fact a question wants by referring back to the
// sentence before it: "In 2020, whipping out your mobile phone … will be
// quaintly passé. By then phones will be printed directly on to wrists".
// The pro-forms below are closed classes of English function words that
// stand for a time or a place; they are grammar, not words of any story.
//
// Personal pronouns ("he said in London") are left out for person
// answers: "he" stands for someone in most sentences of a news story, and
// its previous sentence names someone in most too, not always the same
// one, so on the calibration half of testdata/bbc-dev.jsonl they made 44
// candidates of person questions hold a name and answered nothing more
// (one answer gained an unrelated third sentence). Definite descriptions
// ("the firm", "the club") are an open class and fared the same for
// organisations; "it" stands for anything.

// thenRE is a time the text gave before: "by then", "that year", "the
// same day", "at the time". A bare "then" mostly orders events ("he then
// joined") rather than naming their time, and "the following year" names
// another time than the one before.
var thenRE = lazyRegexp(`(?i)\b(?:by|until|till|since|from|before|back)\s+then\b|\b(?:that|the\s+same)\s+(?:year|day|month|week|night|morning|afternoon|evening|weekend|time|season|summer|spring|autumn|winter|decade|century)\b|\bat\s+the\s+time\b`)

// proForms returns where sentence refers back, by a pro-form, to a fact
// of the wanted type, as byte offsets [start, end): "by then" or "that
// year" for a date, a locative "there" for a place. Other types have
// none.
func proForms(want answerType, sentence string) [][2]int {
	var locs [][]int
	switch want {
	case when:
		for _, l := range thenRE.FindAllStringIndex(sentence, -1) {
			// "At the time of writing" names its own time.
			if strings.HasSuffix(strings.ToLower(sentence[l[0]:l[1]]), "time") && strings.HasPrefix(strings.ToLower(sentence[l[1]:]), " of ") {
				continue
			}
			// A word the regexp's \b ends at a hyphen is the start of a
			// compound, no pro-form: "said that day-to-day running",
			// "since then-President Clinton".
			if strings.HasPrefix(sentence[l[1]:], "-") || strings.HasPrefix(sentence[l[1]:], "‐") {
				continue
			}
			locs = append(locs, l)
		}
	case place:
		locs = locativeThere(sentence)
	}
	out := make([][2]int, 0, len(locs))
	for _, l := range locs {
		out = append(out, [2]int{l[0], l[1]})
	}
	return out
}

// locativeThere returns where a sentence's "there" names a place ("he
// settled there", "from there"), leaving out the existential "there"
// that only opens a clause ("there is", "there will be", "there seems",
// "there also are").
func locativeThere(sentence string) [][]int {
	words := wordRE.FindAllStringIndex(sentence, -1)
	var out [][]int
	for i, w := range words {
		if !strings.EqualFold(sentence[w[0]:w[1]], "there") {
			continue
		}
		if i+1 < len(words) && strings.TrimSpace(sentence[w[1]:words[i+1][0]]) == "" && existential(sentence, words[i+1:]) {
			continue
		}
		if inverted(sentence, words[:i]) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// inverted reports whether the words before a "there" are the verb of an
// existential question, "Is there", "Why was there", "Will there be": a
// verb opening the sentence, or after a wh-word. "The money is there"
// names a place.
func inverted(sentence string, before [][]int) bool {
	n := len(before)
	if n == 0 {
		return false
	}
	w := before[n-1]
	verb := strings.ToLower(sentence[w[0]:w[1]])
	verb = strings.TrimSuffix(strings.TrimSuffix(verb, "n't"), "n’t")
	if !existentialVerbs[verb] || verb == "been" || verb == "being" || verb == "be" {
		return false
	}
	if n == 1 {
		return true
	}
	prev := strings.ToLower(sentence[before[n-2][0]:before[n-2][1]])
	return whWords[prev] || strings.ContainsAny(sentence[before[n-2][1]:w[0]], ".!?:;\"“")
}

// existential reports whether the words after a "there" are the verb of
// an existential clause, past one adverb between.
func existential(sentence string, after [][]int) bool {
	for j, w := range after {
		word := strings.ToLower(sentence[w[0]:w[1]])
		word = strings.TrimSuffix(strings.TrimSuffix(word, "n't"), "n’t")
		if existentialVerbs[word] {
			return true
		}
		if j > 0 || !(strings.HasSuffix(word, "ly") || clauseAdverbs[word]) {
			return false
		}
	}
	return false
}

// existentialVerbs are the verbs and auxiliaries an existential "there"
// opens a clause with: "there is", "there could be", "there remain",
// "there wasn't".
var existentialVerbs = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "be": true, "been": true, "being": true,
	"will": true, "would": true, "could": true, "can": true, "ca": true, "wo": true, "may": true, "might": true,
	"must": true, "should": true, "shall": true, "ought": true,
	"has": true, "have": true, "had": true, "does": true, "do": true, "did": true,
	"seem": true, "seems": true, "seemed": true, "appear": true, "appears": true, "appeared": true,
	"remain": true, "remains": true, "remained": true, "exist": true, "exists": true, "existed": true,
	"need": true, "needs": true, "needed": true, "used": true, "come": true, "comes": true, "came": true,
	"follow": true, "follows": true, "followed": true, "arise": true, "arises": true, "arose": true,
	"tend": true, "tends": true, "tended": true,
}

// clauseAdverbs are adverbs that may stand between an existential "there"
// and its verb: "there still is", "there also were".
var clauseAdverbs = map[string]bool{"also": true, "still": true, "now": true, "already": true, "just": true,
	"even": true, "never": true, "always": true, "often": true, "again": true, "then": true, "too": true}
