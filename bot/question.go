package bot

import (
	"regexp"
	"strings"

	"github.com/articlebot/articlebot/corpus"
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
	// yesNo is true for "Did …?", "Is …?" questions: the answer must state
	// most of the proposition asked about.
	yesNo bool
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
			parts = append(parts, part{text: t, want: classify(t), yesNo: yesNoQ.MatchString(t)})
		}
	}
	return parts
}

var (
	quantityQ = regexp.MustCompile(`(?i)\bhow (?:many|much|old|big|large)\b|\bwhat (?:number|percentage|amount)\b`)
	durationQ = regexp.MustCompile(`(?i)\bhow long\b|\bfor how many\b`)
	yesNoQ    = regexp.MustCompile(`(?i)^(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might|must)\b`)
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
	timeRE   = regexp.MustCompile(`(?i)\b(?:january|february|march|april|may|june|july|august|september|october|november|december|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|tomorrow|ago|era|age|century|centuries|decades?|years?|months?|weeks?|days?|hours?|since|during|until|before|after|earlier|later|recently|soon|now|once|future|past|spring|summer|autumn|fall|winter|morning|evening|night|weekend)\b|\b(?:1[89]|20)\d\d\b|\d{1,2}:\d\d`)
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
// answered without a number, or a "when" question without any expression
// of time, is not answered at all.
func (t answerType) strict() bool { return t != anyAnswer }

// summaryQ recognises a question that asks what the article says as a
// whole ("What is this article about?", "tl;dr"): it is answered with a
// short summary rather than searched for.
var summaryQ = regexp.MustCompile(`(?i)^(?:so |and |ok,? )?(?:` +
	`what(?:'s| is| was)? (?:this|the) (?:article|story|piece|news|text|report)(?: (?:all|mainly|mostly|really))? about` +
	`|(?:please |can you |could you )?summari[sz]e(?: (?:this|the|it))?(?: (?:article|story|piece|news))?(?: for me)?(?: please)?` +
	`|(?:(?:please )?give me |can you give me |i want |i'd like )?(?:a |the )?(?:short |quick |brief )?summary(?: of (?:this|the|it)(?: (?:article|story|piece))?)?(?: please)?` +
	`|tl;? ?dr` +
	`|what are the (?:main|key) (?:points|takeaways|facts)(?: of (?:this|the) (?:article|story))?` +
	`)[?.!]*$`)

func isSummaryRequest(q string) bool { return summaryQ.MatchString(strings.TrimSpace(corpus.Fold(q))) }
