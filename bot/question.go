package bot

import (
	"regexp"
	"strings"
)

// answerType is the kind of fact a question asks for, when its wording says.
type answerType int

const (
	anyAnswer answerType = iota
	quantity             // how many, how much, how old
	duration             // how long
	when                 // when, what date, since when
)

// part is one question of a compound question such as "When did they speak,
// and what did they agree?".
type part struct {
	text string
	want answerType
}

// compoundSplit finds the ", and which …" that joins two questions.
var compoundSplit = regexp.MustCompile(`(?i),?\s+(?:and|but|also)\s+(?:(?:in|on|at|from|since|for|to|by)\s+)?(?:what|which|who|whom|whose|when|where|why|how)\b`)

// splitQuestion splits a compound question into its parts; most questions
// have one.
func splitQuestion(q string) []part {
	var texts []string
	rest := q
	for {
		loc := compoundSplit.FindStringIndex(rest)
		if loc == nil || loc[0] == 0 {
			break
		}
		texts = append(texts, rest[:loc[0]])
		// Keep the question word with the second part.
		second := strings.TrimSpace(rest[loc[0]:])
		second = strings.TrimLeft(second, ", ")
		_, second, _ = strings.Cut(second, " ")
		rest = second
	}
	texts = append(texts, rest)
	parts := make([]part, 0, len(texts))
	for _, t := range texts {
		t = strings.TrimSpace(t)
		if t != "" {
			parts = append(parts, part{text: t, want: classify(t)})
		}
	}
	return parts
}

var (
	quantityQ = regexp.MustCompile(`(?i)\bhow (?:many|much|old|big|large)\b|\bwhat (?:number|percentage|amount)\b`)
	durationQ = regexp.MustCompile(`(?i)\bhow long\b|\bfor how many\b`)
	whenQ     = regexp.MustCompile(`(?i)^(?:since |until |by )?when\b|\b(?:what|which) (?:date|day|year|month|time)\b|\bsince when\b`)
)

func classify(q string) answerType {
	switch {
	case durationQ.MatchString(q):
		return duration
	case quantityQ.MatchString(q):
		return quantity
	case whenQ.MatchString(q):
		return when
	}
	return anyAnswer
}

var (
	numberRE = regexp.MustCompile(`(?i)\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|billions?|half|several)\b`)
	timeRE   = regexp.MustCompile(`(?i)\b(?:january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|ago|era|century|decade|since|during|(?:last|next|this|past) (?:year|month|week))\b|\b(?:1[89]|20)\d\d\b`)
	spanRE   = regexp.MustCompile(`(?i)\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|many)\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b`)
)

// fits reports whether a sentence could state the kind of fact wanted.
func (t answerType) fits(sentence string) bool {
	switch t {
	case quantity:
		return numberRE.MatchString(sentence)
	case duration:
		return spanRE.MatchString(sentence)
	case when:
		return timeRE.MatchString(sentence)
	}
	return true
}

// strict reports whether an answer must fit the type: a "how many" question
// answered without a number is not answered at all. "When" is looser, since
// the article may date things in words the patterns miss.
func (t answerType) strict() bool { return t == quantity || t == duration }
