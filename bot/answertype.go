package bot

import (
	"regexp"
	"strings"
	"unicode"
)

// The patterns below recognise, in any English sentence, the kinds of fact
// a question can ask for. They are English grammar and units, not words
// of any story.
var (
	numberRE  = regexp.MustCompile(`(?i)\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|quarter|third|double|twice|triple|several|score)\b`)
	moneyRE   = regexp.MustCompile(`(?i)[$£€¥]\s?\d[\d,.]*\s?(?:bn|m|k|billion|million|trillion)?|\b\d[\d,.]*\s?(?:bn|m)?\s?(?:dollars?|pounds?|euros?|yen|yuan|rupees?|roubles?|pence|cents?|p\b)|\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|hundreds? of|thousands? of|millions? of|billions? of)\s+(?:dollars|pounds|euros)\b`)
	dateRE    = regexp.MustCompile(`(?i)\b(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|tomorrow|weekend|spring|summer|autumn|winter|christmas|easter|new year)\b|\b(?:1[89]|20)\d\d\b|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|few)\s+(?:days?|weeks?|months?|years?|decades?)\s+(?:ago|earlier|later|before|after)\b|\b(?:last|next|this|earlier this|later this)\s+(?:week|month|year|decade|century|season)\b|\b\d{1,2}:\d\d\b|\b(?:in|since|until|by|from)\s+the\s+(?:\d{4}s|\w+ (?:century|era))\b`)
	spanRE    = regexp.MustCompile(`(?i)\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|a hundred|several|many|a few|few|a|an)[\s-]+(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|seasons?)\b|\b(?:since|for)\s+(?:\d{4}|decades|years|months)\b`)
	ageRE     = regexp.MustCompile(`(?i)\b\d{1,3}[\s-]+years?[\s-]+old\b|\b\d{1,3}-year-old\b|\baged?\s+\d{1,3}\b|\b(?:age|ages) of \d{1,3}\b|,\s*\d{1,3},|\(\d{1,3}\)|\bin (?:his|her|their) (?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b`)
	reasonRE  = regexp.MustCompile(`(?i)\b(?:because|due to|as a result|owing to|thanks to|in order to|so that|so as to|after|since|amid|following|reason|reasons|caused|causes|cause|led to|lead to|leading to|blamed|blame|result of|resulted|driven by|prompted|sparked|triggered|over concerns?|fears? (?:of|that|over)|in response to|aimed at|to (?:help|boost|cut|avoid|prevent|protect|reduce|allow|stop|make|ensure|meet|improve|tackle|end))\b`)
	placeRE   = regexp.MustCompile(`\b(?:in|at|from|to|near|across|outside|inside|throughout|around)\s+(?:the\s+)?(\p{Lu}[\pL'’-]+(?:\s+\p{Lu}[\pL'’-]+)*)`)
	orgWordRE = regexp.MustCompile(`\b(?:\p{Lu}[\pL&'’.-]*\s+)*(?:\p{Lu}[\pL&'’.-]*\s+)?(?:Inc|Ltd|Plc|plc|Corp|Corporation|Company|Group|Party|Association|Council|Committee|Commission|Union|Bank|Agency|Office|Ministry|Department|Authority|Board|Trust|Foundation|Institute|University|College|Club|FC|United|City|Records|Studios|Pictures|Network|News|Times|Post|Federation|League|Organisation|Organization)\b|\b\p{Lu}{2,}[\p{Lu}\d&]*\b`)
	// nameRE is a run of capitalised words: a person, place or body.
	nameRE = regexp.MustCompile(`\p{Lu}[\pL'’.-]*(?:\s+(?:of|de|van|von|the|and|&)?\s*\p{Lu}[\pL'’.-]*)*`)
)

// typeEvidence reports whether sentence states a fact of the wanted type
// that the question does not already hold: "15,000" answers "how many
// troops" only if the question doesn't say 15,000 itself.
func typeEvidence(want answerType, sentence, question string) bool {
	q := fold(question)
	fresh := func(matches []string) bool {
		for _, m := range matches {
			m = strings.TrimSpace(fold(m))
			if m != "" && !strings.Contains(q, m) {
				return true
			}
		}
		return false
	}
	switch want {
	case quantity:
		return fresh(numberRE.FindAllString(sentence, -1))
	case money:
		return fresh(moneyRE.FindAllString(sentence, -1))
	case when:
		return fresh(dateRE.FindAllString(sentence, -1))
	case duration:
		return fresh(spanRE.FindAllString(sentence, -1))
	case age:
		return fresh(ageRE.FindAllString(sentence, -1))
	case reason:
		return fresh(reasonRE.FindAllString(sentence, -1))
	case person:
		return fresh(names(sentence))
	case organisation:
		return fresh(orgWordRE.FindAllString(sentence, -1)) || fresh(names(sentence))
	case entity:
		return fresh(names(sentence))
	case place:
		var ms []string
		for _, m := range placeRE.FindAllStringSubmatch(sentence, -1) {
			ms = append(ms, m[1])
		}
		return fresh(ms)
	}
	return true
}

// names returns the capitalised runs of a sentence, leaving out a
// sentence-initial word that is only capitalised for starting it.
func names(sentence string) []string {
	var out []string
	for _, loc := range nameRE.FindAllStringIndex(sentence, -1) {
		m := sentence[loc[0]:loc[1]]
		if loc[0] == 0 || strings.TrimLeft(sentence[:loc[0]], " “\"‘'(") == "" {
			first, rest, _ := strings.Cut(m, " ")
			if startsCommon(first) {
				if rest == "" {
					continue
				}
				m = rest
			}
		}
		out = append(out, m)
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
