package bot

import (
	"slices"
	"strings"
	"unicode"

	"github.com/articlebot/articlebot/bot/nountype"
	"github.com/articlebot/articlebot/retrieval"
)

// The patterns below recognise, in any English sentence, the kinds of fact
// a question can ask for. They are English grammar and units, not words
// of any story.
var (
	numberRE  = lazyRegexp(`(?i)\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|quarter|third|double|twice|triple|several|score)\b`)
	moneyRE   = lazyRegexp(`(?i)[$£€¥]\s?\d[\d,.]*\s?(?:bn|m|k|billion|million|trillion)?|\b\d[\d,.]*\s?(?:bn|m|thousand|million|billion|trillion)?\s?(?:dollars?|pounds?|euros?|yen|yuan|rupees?|roubles?|pence|cents?|p\b)|\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|hundreds? of|thousands? of|millions? of|billions? of)\s+(?:dollars|pounds|euros)\b`)
	dateRE    = lazyRegexp(`(?i)\b(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|tomorrow|weekend|spring|summer|autumn|winter|christmas|easter|new year)\b|\b(?:1[89]|20)\d\d\b|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|few)\s+(?:days?|weeks?|months?|years?|decades?)\s+(?:ago|earlier|later|before|after)\b|\b(?:last|next|this|earlier this|later this)\s+(?:week|month|year|decade|century|season)\b|\b\d{1,2}:\d\d\b|\b(?:in|since|until|by|from|during|before|after)\s+the\s+(?:\d{4}s|(?:[\w'’-]+ ){1,3}(?:century|era|period|age))\b`)
	spanRE    = lazyRegexp(`(?i)\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|a hundred|several|many|a few|few|a|an)[\s-]+(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|seasons?)\b|\b(?:since|for)\s+(?:\d{4}|decades|years|months)\b`)
	lengthRE  = lazyRegexp(`(?i)\b\d[\d,.]*\s?(?:-|\s)?(?:millimetres?|millimeters?|mm|centimetres?|centimeters?|cm|metres?|meters?|m|kilometres?|kilometers?|km|inches|inch|feet|foot|ft|yards?|miles?)\b`)
	ageRE     = lazyRegexp(`(?i)\b\d{1,3}[\s-]+years?[\s-]+old\b|\b\d{1,3}-year-old\b|\baged?\s+\d{1,3}\b|\b(?:age|ages) of \d{1,3}\b|,\s*\d{1,3},|\(\d{1,3}\)|\bin (?:his|her|their) (?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b|\b(?:under|over)[\s-]+(?:\d{1,2}|` + ageWords + `)(?:'?s)?\b`)
	reasonRE  = lazyRegexp(`(?i)\b(?:because|due to|as a result|owing to|thanks to|in order to|so that|so as to|after|since|amid|following|reason|reasons|caused|causes|cause|led to|lead to|leading to|blamed|blame|result of|resulted|driven by|prompted|sparked|triggered|over concerns?|fears? (?:of|that|over)|in response to|aimed at|to (?:help|boost|cut|avoid|prevent|protect|reduce|allow|stop|make|ensure|meet|improve|tackle|end))\b`)
	placeRE   = lazyRegexp(`\b(?:in|at|from|to|near|across|outside|inside|throughout|around)\s+(?:(?:both|either)\s+)?(?:the\s+)?(\p{Lu}[\pL'’-]+(?:\s+\p{Lu}[\pL'’-]+)*)`)
	orgWordRE = lazyRegexp(`\b(?:\p{Lu}[\pL&'’.-]*\s+)*(?:\p{Lu}[\pL&'’.-]*\s+)?(?:Inc|Ltd|Plc|plc|Corp|Corporation|Company|Group|Party|Association|Council|Committee|Commission|Union|Bank|Agency|Office|Ministry|Department|Authority|Board|Trust|Foundation|Institute|University|College|Club|FC|United|City|Records|Studios|Pictures|Network|News|Times|Post|Federation|League|Organisation|Organization)\b|\b\p{Lu}{2,}[\p{Lu}\d&]*\b`)
	// clockRE finds the numbers that are parts of a date or a time of day,
	// not counts: "17 February", "March 3rd", "8am", "in 1993".
	clockRE = lazyRegexp(`(?i)\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthWords + `\b|\b` + monthWords + `\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.)|\b(?:1[89]|20)\d\d\b`)
	// basedRE finds a place written as "Paris-based", "New York-based".
	basedRE = lazyRegexp(`\b(\p{Lu}[\pL'’]+(?:\s+\p{Lu}[\pL'’]+)*)-based\b`)
	// nameRE is a run of capitalised words: a person, place or body.
	nameRE = lazyRegexp(`\p{Lu}[\pL'’.-]*(?:\s+(?:of|de|van|von|the|and|&)?\s*\p{Lu}[\pL'’.-]*)*`)
)

// andPlaceRE continues a place placeRE found with the next of a list: "in
// both Eastern Europe and East Asia", "from Washington, Seoul, and Tokyo".
var andPlaceRE = lazyRegexp(`^(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?(\p{Lu}[\pL'’-]+(?:\s+\p{Lu}[\pL'’-]+)*)`)

// boundOfOther reports whether an "under"/"over" span at l bounds
// something other than an age: a number a noun or a scale follows
// ("over two years", "under 20 million").
func boundOfOther(sentence string, l []int) bool {
	span := strings.ToLower(sentence[l[0]:l[1]])
	if !strings.HasPrefix(span, "under") && !strings.HasPrefix(span, "over") {
		return false
	}
	rest := sentence[l[1]:]
	if w, abbrev := wordAfterNumber(rest); w != "" || abbrev {
		return true
	}
	next := strings.TrimLeft(rest, " ")
	m := numberRE.FindStringIndex(next)
	return m != nil && m[0] == 0 && len(next) < len(rest)
}

// ageWords are the number words an age is written in: "children under
// seven", "the under-threes", "the over-sixties".
const ageWords = `(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:s|ies)?|(?:twent|thirt|fort|fift|sixt|sevent|eight|ninet)ies`

const monthWords = `(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)`

// counts leaves out of number spans those inside a date or a time of day:
// "how many customers" is not answered by "17 February" nor by "8am", nor
// a count by a year.
func counts(sentence string, locs [][]int) [][]int {
	clock := clockRE.FindAllStringIndex(sentence, -1)
	var out [][]int
	for _, l := range locs {
		// A number's span may end in the sentence's comma or full stop.
		end := l[0] + len(strings.TrimRight(sentence[l[0]:l[1]], ",."))
		if !slices.ContainsFunc(clock, func(c []int) bool { return c[0] <= l[0] && end <= c[1] }) {
			out = append(out, l)
		}
	}
	return out
}

// typeSpans returns where sentence states a fact of the wanted type that
// the question does not already hold, as byte offsets [start, end). A run
// of capitalised words counts only by its words the question lacks: in
// "Euro MP Robert Kilroy-Silk", asked about Kilroy-Silk, "Euro MP Robert".
// For an entity question a common noun among kinds (analysis.kinds) counts
// too.
func typeSpans(want answerType, sentence, question string, kinds map[string]bool) [][2]int {
	q := fold(question)
	var out [][2]int
	fresh := func(locs [][]int) {
		for _, l := range locs {
			// A number's span may end in the sentence's comma or full
			// stop: "before 65," holds the question's "before 65".
			m := strings.TrimRight(strings.TrimSpace(fold(sentence[l[0]:l[1]])), ",.")
			if m != "" && !strings.Contains(q, m) {
				out = append(out, [2]int{l[0], l[1]})
			}
		}
	}
	qwords := map[string]bool{}
	for _, w := range strings.FieldsFunc(q, notWordRune) {
		qwords[w] = true
	}
	// freshNames keeps, of each capitalised run, the runs of its words
	// the question lacks.
	freshNames := func(locs [][]int) {
		for _, l := range locs {
			run := sentence[l[0]:l[1]]
			start, end := -1, -1
			for _, w := range wordRE.FindAllStringIndex(run, -1) {
				word := fold(run[w[0]:w[1]])
				if qwords[word] || honorifics[word] || !startsUpper(run[w[0]:]) || calendarWord(word, sentence[:l[0]+w[0]]) {
					if start >= 0 {
						out = append(out, [2]int{l[0] + start, l[0] + end})
						start = -1
					}
					continue
				}
				if start < 0 {
					start = w[0]
				}
				end = w[1]
			}
			if start >= 0 {
				out = append(out, [2]int{l[0] + start, l[0] + end})
			}
		}
	}
	// nounSpans keeps the common nouns the question lacks one of whose
	// base forms is: no function word ("he" is no helium) nor a
	// capitalised word past the sentence's start, a name ("Apple").
	nounSpans := func(is func(base string) bool) {
		for _, l := range wordRE.FindAllStringIndex(sentence, -1) {
			w := strings.ToLower(sentence[l[0]:l[1]])
			if qwords[w] || retrieval.IsStopword(w) || startsUpper(sentence[l[0]:]) && strings.TrimLeft(sentence[:l[0]], " “\"‘'(") != "" {
				continue
			}
			if slices.ContainsFunc(nounForms(w), is) {
				out = append(out, [2]int{l[0], l[1]})
			}
		}
	}
	switch want {
	case quantity:
		locs := counts(sentence, numberRE.FindAllStringIndex(sentence, -1))
		if howManyQ.MatchString(question) {
			// "How many Mac minis" counts things: a price is no count.
			price := moneyRE.FindAllStringIndex(sentence, -1)
			locs = slices.DeleteFunc(locs, func(l []int) bool {
				return overlaps(price, l) || percentage(sentence, l) ||
					multiplier(sentence, l, question) || measures(sentence, l, question)
			})
		}
		fresh(locs)
	case money:
		fresh(moneyRE.FindAllStringIndex(sentence, -1))
	case when:
		if whatTimeQ.MatchString(question) {
			// "What time did he run?" asks for a time of day or a time
			// taken, not a date: "this year" is no answer.
			fresh(clockTimeRE.FindAllStringIndex(sentence, -1))
			fresh(timedRE.FindAllStringIndex(sentence, -1))
			break
		}
		fresh(dateRE.FindAllStringIndex(sentence, -1))
	case duration:
		// "How long will the bridge be?" asks for a length as well.
		fresh(spanRE.FindAllStringIndex(sentence, -1))
		fresh(lengthRE.FindAllStringIndex(sentence, -1))
	case age:
		// "Under 10%" is a share, not an age, and "over two years" or
		// "under 20 million" measure something else.
		fresh(slices.DeleteFunc(ageRE.FindAllStringIndex(sentence, -1), func(l []int) bool {
			return strings.HasPrefix(sentence[l[1]:], "%") || percentage(sentence, l) || boundOfOther(sentence, l)
		}))
	case reason:
		fresh(reasonRE.FindAllStringIndex(sentence, -1))
	case person:
		freshNames(nameSpans(sentence))
		// "The Glasgow forward" names a place, not the person asked for.
		out = slices.DeleteFunc(out, func(sp [2]int) bool { return placeName(sentence[sp[0]:sp[1]]) })
	case entity:
		// "Which drugs": a name, or a common noun of a kind of the
		// question's noun, by WordNet: "What illness": "skin cancer".
		// "What kind of injury" asks for a kind, not a name: a kind
		// noun, or a word the question lacks modifying its noun ("a
		// multipolar world order").
		noun := kindOfNoun(question)
		if noun == "" {
			freshNames(nameSpans(sentence))
		} else {
			out = append(out, modifierSpans(sentence, noun, qwords)...)
		}
		if len(kinds) > 0 {
			nounSpans(func(f string) bool { return kinds[f] })
		}
	case organisation:
		freshNames(nameSpans(sentence))
		// "Beijing" names a place, not the body asked for; a name with
		// an organisation's word ("Manchester City") names the body.
		out = slices.DeleteFunc(out, func(sp [2]int) bool { return placeName(sentence[sp[0]:sp[1]]) })
		// An abbreviation WordNet knows as a place ("UK", "US") is no
		// body either, where one with an organisation's word is.
		fresh(slices.DeleteFunc(orgWordRE.FindAllStringIndex(sentence, -1), func(l []int) bool {
			m := sentence[l[0]:l[1]]
			return !strings.Contains(m, " ") && placeName(m)
		}))
	case substance:
		// "What material": a word naming a substance ("steel", "oak").
		nounSpans(func(f string) bool { return nountype.Of(f) == nountype.Substance })
	case place:
		var locs [][]int
		for _, m := range placeRE.FindAllStringSubmatchIndex(sentence, -1) {
			for {
				// A month or a day is a time, not a place: "in March".
				if loc := dateRE.FindStringIndex(sentence[m[2]:m[3]]); loc == nil || loc[0] != 0 || loc[1] != m[3]-m[2] {
					locs = append(locs, m[2:4])
				}
				next := andPlaceRE.FindStringSubmatchIndex(sentence[m[3]:])
				if next == nil {
					break
				}
				m = []int{m[3] + next[0], m[3] + next[1], m[3] + next[2], m[3] + next[3]}
			}
		}
		// "The Paris-based group" says where it is as well as "in Paris".
		for _, m := range basedRE.FindAllStringSubmatchIndex(sentence, -1) {
			locs = append(locs, m[2:4])
		}
		freshNames(locs)
	}
	return out
}

// whatTimeQ asks for a time, which a race or a task takes as well as a
// clock shows.
var whatTimeQ = lazyRegexp(`(?i)\bwhat times?\b`)

// clockTimeRE is a time of day: "8am", "10.30 pm", "18:45", "midnight",
// and the 24-hour clock with its zone as news agencies write it ("1945
// GMT", "0800 BST").
var clockTimeRE = lazyRegexp(`(?i)\b\d{1,2}:\d\d\b|\b(?:[01]\d|2[0-3])[0-5]\d\s?(?:GMT|BST|UTC|CET|EST|EDT|PST|PDT)\b|\b\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.|o'clock)|\b(?:midnight|noon|midday|dawn|dusk)\b`)

// timedRE is a time taken, in hours, minutes and seconds: "9.85 seconds",
// "one minute, 52.41 seconds", "31 minutes 12 seconds", "1:52.41".
var timedRE = lazyRegexp(`(?i)\b(?:` + timedPart + `,?\s+(?:and\s+)?)*` + timedPart + `\b|\b\d{1,2}(?::\d\d){1,2}\.\d+\b`)

const timedPart = `(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty)[\s-]*(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)`

// percentage reports whether the number at l is a percentage, which says what
// share of them, not how many: "Ninety percent of our customers".
func percentage(sentence string, l []int) bool {
	after := strings.ToLower(sentence[l[1]:])
	return strings.HasSuffix(sentence[l[0]:l[1]], "%") || strings.HasPrefix(after, " percent") || strings.HasPrefix(after, " per cent")
}

// placeName reports whether every word of a name is one WordNet knows
// as a place: "Glasgow", "New York".
func placeName(name string) bool {
	words := wordRE.FindAllString(name, -1)
	return len(words) > 0 && !slices.ContainsFunc(words, func(w string) bool {
		return kindOf(strings.ToLower(w)) != nountype.Place
	})
}

// shareWords are the number words that say how much of a thing: "half of
// the budget".
var shareWords = map[string]bool{"half": true, "quarter": true, "double": true, "twice": true, "triple": true}

// multiplier reports whether the number at l is a share or a multiple
// ("half", "a quarter", "double", "twice"), which says how much of them or
// how many times, not how many: "double the speeds" counts no customers,
// though "twice" answers "how many times". "Third" is an ordinal before a
// noun ("her third title" counts three) and a share without one ("fall by
// as much as a third").
func multiplier(sentence string, l []int, question string) bool {
	return shareAt(sentence, l) && !slices.Contains(retrieval.BaseForms(countedNoun(question)), "time")
}

// shareAt reports whether the number at l is one of shareWords, or a
// "third" no noun follows.
func shareAt(sentence string, l []int) bool {
	w := strings.ToLower(sentence[l[0]:l[1]])
	if w == "third" {
		noun, _ := wordAfterNumber(sentence[l[1]:])
		return noun == ""
	}
	return shareWords[w]
}

// measures reports whether the number at l measures something in a unit
// other than the things a "how many" question counts: "30 gigabytes",
// "2Mbps" or "its 11th year" is no count of customers, though "11th year"
// counts years. A unit is a noun WordNet files under a quantity, a
// duration, a date or money, or letters written onto the number.
func measures(sentence string, l []int, question string) bool {
	counted := countedNoun(question)
	if counted == "" {
		return false
	}
	unit, abbrev := wordAfterNumber(sentence[l[1]:])
	if unit == "" {
		return false
	}
	k := kindOf(unit)
	if abbrev {
		k = nountype.Quantity
	}
	if !measureKinds[k] || k == kindOf(counted) {
		return false
	}
	return !slices.ContainsFunc(retrieval.BaseForms(unit), func(f string) bool { return slices.Contains(retrieval.BaseForms(counted), f) })
}

var measureKinds = map[string]bool{nountype.Quantity: true, nountype.Duration: true, nountype.Date: true, nountype.Money: true}

// amounts keeps of a "how much" question's number spans those that state
// an amount: a sum, a share, a measure in a unit, a bare figure. A number
// that counts things ("464,000 subscribers") answers "how many", and one
// that counts what the question itself names ("three quarters", asked
// about quarterly profits) restates it.
func (a analysis) amounts(spans [][2]int, sentence string) [][2]int {
	price := moneyRE.FindAllStringIndex(sentence, -1)
	return slices.DeleteFunc(spans, func(sp [2]int) bool {
		l := sp[:]
		if percentage(sentence, l) || overlaps(price, l) {
			return false
		}
		unit, abbrev := wordAfterNumber(sentence[sp[1]:])
		switch {
		case abbrev:
			return false
		case unit == "":
			// "one of the hottest tickets" counts tickets; "half of
			// the budget" is a share of it.
			return strings.HasPrefix(strings.ToLower(sentence[sp[1]:]), " of ") && !shareAt(sentence, l)
		case slices.ContainsFunc(retrieval.Stems(unit), func(st string) bool { return a.matches[st] }):
			return true
		}
		// A noun WordNet files under no measure counts things: "two
		// Olivier Awards" (and, a loss, "37 points").
		return !measureKinds[kindOf(unit)]
	})
}

// overlaps reports whether any of spans overlaps the span l.
func overlaps(spans [][]int, l []int) bool {
	return slices.ContainsFunc(spans, func(p []int) bool { return p[0] < l[1] && l[0] < p[1] })
}

// sameKindCounts keeps of a sentence's count spans those that count
// something of the kind of the last of counted, by WordNet: "25-man"
// counts players as people, where "third term" counts nothing that is.
func sameKindCounts(spans [][2]int, sentence string, counted []string) [][2]int {
	want := ""
	if len(counted) > 0 {
		want = kindOf(counted[len(counted)-1])
	}
	return slices.DeleteFunc(spans, func(sp [2]int) bool {
		w, abbrev := wordAfterNumber(sentence[sp[1]:])
		return want == "" || abbrev || kindOf(w) != want
	})
}

// countedNoun is the noun a "how many" question counts: "flights" of "How
// many flights did it cancel?"; empty when there is none.
func countedNoun(question string) string {
	loc := howManyQ.FindStringIndex(question)
	if loc == nil {
		return ""
	}
	return focusNoun("which " + question[loc[1]:])
}

// countedPhrase is the phrase of countedNoun (see focusPhrase).
func countedPhrase(question string) []string {
	loc := howManyQ.FindStringIndex(question)
	if loc == nil {
		return nil
	}
	return focusPhrase("which " + question[loc[1]:])
}

// wordAfterNumber is the noun a number counts, lowercased: the last word
// of the run of words after it ("64 full racks", "30 gigabytes a month"),
// past an ordinal's suffix ("11th year") and a scale ("2m customers",
// "4.1 million viewers"), or the word a hyphen joins it to ("a 25-man
// squad" counts men); empty when no word follows. abbrev is true when the
// word is letters written onto the number, a unit's abbreviation:
// "2Mbps", "5kg".
func wordAfterNumber(rest string) (word string, abbrev bool) {
	if n := len(rest) - len(strings.TrimLeftFunc(rest, unicode.IsLetter)); n > 0 {
		switch strings.ToLower(rest[:n]) {
		case "st", "nd", "rd", "th", "m", "bn", "k", "mn", "tn":
			rest = rest[n:]
		default:
			return strings.ToLower(rest[:n]), true
		}
	}
	hyphen := strings.HasPrefix(rest, "-")
	for n := 0; n < maxNounRun; n++ {
		if !strings.HasPrefix(rest, " ") && !strings.HasPrefix(rest, "-") {
			break
		}
		rest = strings.TrimLeft(rest, " -")
		locs := wordRE.FindAllStringIndex(rest, 1)
		if len(locs) == 0 || locs[0][0] != 0 {
			break
		}
		w := strings.ToLower(rest[:locs[0][1]])
		rest = rest[locs[0][1]:]
		if m := numberRE.FindStringIndex(w); m != nil && m[0] == 0 && m[1] == len(w) && word == "" {
			n--
			continue
		}
		if hyphen {
			// "10-year-old", "25-man": the hyphen's first part.
			w, _, _ = strings.Cut(w, "-")
			return w, false
		}
		if retrieval.IsStopword(w) || nountype.Of(w) == nountype.Verb {
			break
		}
		word = w
	}
	return word, false
}

// maxNounRun is the most words wordAfterNumber reads for a noun.
const maxNounRun = 3

// kindOf is nountype's noun kind of a word, by the first of its base
// forms that has one (an irregular verb form is no noun kind).
func kindOf(word string) string {
	for _, f := range retrieval.BaseForms(word) {
		if k := nountype.Of(f); k != "" && k != nountype.Verb {
			return k
		}
	}
	return ""
}

// howManyQ asks for a count of things.
var howManyQ = lazyRegexp(`(?i)\bhow many\b`)

// howMuchQ asks for an amount.
var howMuchQ = lazyRegexp(`(?i)\bhow much\b`)

// calendarWord reports whether a capitalised word of a sentence, after
// before, names a day or a month rather than someone: "Friday", "March";
// "May" only after a word that puts a time after it ("in May").
func calendarWord(word, before string) bool {
	if word == "may" {
		prev := strings.Fields(strings.ToLower(before))
		return len(prev) > 0 && timePrepositions[prev[len(prev)-1]]
	}
	loc := dateRE.FindStringIndex(word)
	return loc != nil && loc[0] == 0 && loc[1] == len(word) && !strings.ContainsAny(word, "0123456789")
}

var timePrepositions = map[string]bool{"in": true, "on": true, "by": true, "since": true, "until": true, "from": true,
	"last": true, "next": true, "this": true, "early": true, "late": true, "mid": true, "of": true, "during": true}

// honorifics are the titles before a name, not part of it: "Mrs Howard"
// names no one new when the question asks about Sandra Howard.
var honorifics = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "sir": true, "dame": true,
	"lord": true, "lady": true, "prof": true, "professor": true, "mr.": true, "mrs.": true, "ms.": true, "dr.": true}

// wordRE finds the words of a text, as `[\pL\pN][\pL\pN'’.-]*[\pL\pN]|[\pL\pN]`
// would.
var wordRE = wordScan{inner: func(r rune) bool { return isLetterOrNumber(r) || r == '\'' || r == '’' || r == '.' || r == '-' }, trim: true}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' && r != '-' && r != '.'
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r) || unicode.IsDigit(r)
	}
	return false
}

// nameSpans returns where the capitalised runs of a sentence are, leaving
// out a sentence-initial word that is only capitalised for starting it.
func nameSpans(sentence string) [][]int {
	var out [][]int
	for _, loc := range nameRE.FindAllStringIndex(sentence, -1) {
		m := sentence[loc[0]:loc[1]]
		if loc[0] == 0 || strings.TrimLeft(sentence[:loc[0]], " “\"‘'(") == "" {
			first, rest, _ := strings.Cut(m, " ")
			if startsCommon(first) {
				if rest == "" {
					continue
				}
				loc = []int{loc[0] + len(first) + 1, loc[1]}
			}
		}
		out = append(out, loc)
	}
	return out
}

// startsCommon reports whether a capitalised sentence-initial word is a
// common word: a function word such as "The" or "But".
func startsCommon(w string) bool {
	return english(strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })))
}

// typed reports whether a question's answer type can be checked in a
// sentence at all.
func (t answerType) typed() bool {
	return t != anyAnswer && t != yesNo && t != definition
}

// nounForms are the forms a lowercase word may have as a noun's base
// form: itself, or the singular of a plural ("cancers"). A verb's "-ed"
// or "-ing" form is none of its base ("the talks opened" names no "open",
// "regarding" no "regard"), though an "-ing" noun is itself ("bombing").
func nounForms(w string) []string {
	if strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing") {
		return []string{w}
	}
	return retrieval.BaseForms(w)
}

// kindOfQ asks for a kind of something: "What kind of injury …?".
var kindOfQ = lazyRegexp(`(?i)\b(?:what|which) (?:kinds?|sorts?|types?) of\b`)

// kindOfNoun is the noun a "what kind of" question asks a kind of, in its
// base forms' first ("injury" of "what kind of injuries has he had"), or
// "" for another question.
func kindOfNoun(question string) string {
	if !kindOfQ.MatchString(question) {
		return ""
	}
	_, of := focusRun(question)
	if len(of) == 0 {
		return ""
	}
	return of[len(of)-1]
}

// modifierSpans are the words modifying noun in sentence that the
// question (qwords) lacks: the nearest word before the noun, past the
// question's own words, within its noun phrase ("a multipolar world
// order" for "order": "multipolar").
func modifierSpans(sentence, noun string, qwords map[string]bool) [][2]int {
	bases := nounForms(noun)
	words := wordRE.FindAllStringIndex(sentence, -1)
	var out [][2]int
	for i, l := range words {
		w := strings.ToLower(sentence[l[0]:l[1]])
		if !slices.ContainsFunc(nounForms(w), func(f string) bool { return slices.Contains(bases, f) }) {
			continue
		}
		for j := i - 1; j >= 0 && j >= i-3; j-- {
			m := strings.ToLower(sentence[words[j][0]:words[j][1]])
			if retrieval.IsStopword(m) || determiners[m] {
				break
			}
			if !qwords[m] {
				out = append(out, [2]int{words[j][0], words[j][1]})
				break
			}
		}
	}
	return out
}

// kindSet is the set of nouns, from nountype.KindsOf.
func kindSet(nouns []string) map[string]bool {
	if len(nouns) == 0 {
		return nil
	}
	set := make(map[string]bool, len(nouns))
	for _, n := range nouns {
		set[n] = true
	}
	return set
}

// focusKind is the base form of a question's focus noun that WordNet has
// kinds of: "drug" of "Which drugs …?", "development" of "Which kinds of
// weapons development …?" (not "kind", whose kinds are "brand", "model",
// "version"); empty for none.
func focusKind(question string) string {
	run, of := focusRun(question)
	if len(of) > 0 {
		run = of
	} else if len(run) == 1 && ofNouns[run[0]] {
		// "Which kind of the two …": no kind of anything is asked for.
		return ""
	}
	if len(run) == 0 {
		return ""
	}
	n := run[len(run)-1]
	for _, f := range retrieval.BaseForms(n) {
		if nountype.Kinds(f) > 0 {
			return f
		}
	}
	return ""
}
