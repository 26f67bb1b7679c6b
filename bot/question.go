package bot

import (
	"slices"
	"strings"
	"unicode"

	"github.com/articlebot/articlebot/bot/nountype"
	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// answerType is the kind of fact a question asks for, when its wording says.
type answerType int

const (
	anyAnswer    answerType = iota
	quantity                // how many, what percentage
	money                   // how much did it cost
	when                    // when, what date, since when
	duration                // how long
	age                     // how old, at what age
	person                  // who, whom, whose
	organisation            // which company, what group
	place                   // where, which country
	reason                  // why, for what reason
	yesNo                   // did, is, has
	definition              // what is X
	entity                  // which X: a name of one
	substance               // what material, which substance
)

var typeNames = [...]string{"other", "quantity", "money", "date", "duration", "age", "person", "organisation", "place", "reason", "yes/no", "definition", "entity", "substance"}

func (t answerType) String() string { return typeNames[t] }

// part is one question of a compound question such as "When did they speak,
// and what did they agree?".
type part struct {
	text string
	want answerType
}

// compoundSplit finds the ", and which …" that joins two questions.
var compoundSplit = lazyRegexp(`(?i),?\s+(?:and|but|also)\s+(?:(?:in|on|at|from|since|for|to|by)\s+)?(?:what|which|who|whom|whose|when|where|why|how)\b`)

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
		if t == "" {
			continue
		}
		p := part{text: t, want: classify(t)}
		// "… and for how much?" names nothing of its own: it asks about
		// what the part before it does, so it is searched with its words.
		if len(parts) > 0 {
			toks := retrieval.Tokenize(t)
			switch prev := parts[len(parts)-1].text; {
			case len(toks) < minPartWords:
				p.text = t + " " + prev
			case !slices.ContainsFunc(toks, func(tk retrieval.Token) bool { return tk.Capital }):
				// "… and how many flights does it run?" names no one: it
				// is about whom the part before it names.
				if names := capitalised(prev); names != "" {
					p.text = t + " " + names
				}
			}
		}
		parts = append(parts, p)
	}
	return parts
}

// capitalised returns the words of a text that are capitalised though not
// at its start: its names.
func capitalised(text string) string {
	var out []string
	for i, loc := range wordRE.FindAllStringIndex(text, -1) {
		if w := text[loc[0]:loc[1]]; i > 0 && startsUpper(w) {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// minPartWords is the fewest content words a later part of a compound
// question needs to be searched on its own.
const minPartWords = 2

// The question patterns below are English grammar: the question words and
// the general nouns that say what kind of thing is asked for. Such a noun
// ends at anything but a hyphen: "which team-mate" asks for no team, "which
// state-run agency" for no state.
var (
	moneyQ    = lazyRegexp(`(?i)\bhow much (?:money|cash)\b|\bhow much (?:[\w'’-]+ ){0,8}(?:cost|costs|costing|pay|paid|pays|paying|spend|spent|earn|earned|earns|raise|raised|worth|charge|charged|sell|sold|buy|bought|fine|fined|invest|invested|lose|lost|owe|owed|borrow|borrowed|fetch|fetched|bid|offer|offered|offering|value|valued)\b|\b(?:what|which) (?:price|sum|fee|fine|salary|budget|cost|value)(?:[^\w-]|$)|\bat what price\b`)
	quantityQ = lazyRegexp(`(?i)\bhow (?:many|much|big|large|far|high|tall|fast|heavy)\b|\b(?:what|which) (?:number|percentage|proportion|share|amount|size|rate|fraction|total|figure|score)(?:[^\w-]|$)|\bby how much\b`)
	ageQ      = lazyRegexp(`(?i)\bhow old\b|\b(?:at )?what age\b`)
	durationQ = lazyRegexp(`(?i)\bhow long\b(?: (?:did|does|do|will|has|have|had|was|were|is|are|would|an?)\b| for\b|\?|$)|\bfor how many (?:seconds|minutes|hours|days|weeks|months|years|decades)\b`)
	whenQ     = lazyRegexp(`(?i)^(?:\w+ )?(?:since |until |by )?when\b|\b(?:what|which) (?:dates?|days?|years?|months?|time|weeks?|seasons?|decades?|century|centuries)(?:[^\w-]|$)|\bsince when\b|\bhow long ago\b`)
	whoQ      = lazyRegexp(`(?i)^(?:\w+ )?(?:who|whom|whose)\b|\b(?:which|what) (?:person|people|man|woman|men|women|player|players|actor|actress|singer|star|stars|artist|director|minister|chief|boss|leader|official|officials|executive|manager|coach|author|writer)(?:[^\w-]|$)|\bwho\b`)
	orgQ      = lazyRegexp(`(?i)\b(?:which|what) (?:\w+ )?(?:company|companies|firm|firms|group|groups|organi[sz]ations?|party|parties|team|teams|club|clubs|band|network|agency|body|union|bank|banks|broadcaster|channel|studio|label|newspaper|paper|magazine|website|department|ministry|government|court|council|committee|institution|airline|carrier|brand|retailer|maker|manufacturer|operator|regulator|watchdog|charity|body)(?:[^\w-]|$)`)
	placeQ    = lazyRegexp(`(?i)^(?:\w+ )?where\b|\b(?:which|what) (?:\w+ )?(?:country|countries|city|cities|town|towns|region|state|nation|nations|place|venue|stadium|ground|continent|market|markets|capital|area)(?:[^\w-]|$)|\bin which\b(?: (?:country|city|town|region|place))`)
	reasonQ   = lazyRegexp(`(?i)^(?:\w+ )?why\b|\bfor what reason\b|\bwhat (?:caused|causes|led to|prompted|triggered|drove|drives|made|is behind|was behind|explains)\b|\bhow come\b|\bwhat (?:was|is|were|are) the (?:reason|cause|motive)s?\b`)
	yesNoQ    = lazyRegexp(`(?i)^(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might|must|isn't|aren't|wasn't|weren't|doesn't|didn't|hasn't|haven't)\b`)
	whatDidQ  = lazyRegexp(`(?i)\bwhat (?:is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|might|may|else|kind|kinds|sort|type|types|about|of)\b`)
	// nameQ asks for something's name: "what is the film called?",
	// "what's the name of the band?" ("the name of the man" asks for a
	// person: focusType reads the noun after "of").
	nameQ   = lazyRegexp(`(?i)\b(?:what|which)(?:'s|’s|s| is| was| are| were| will be| would be)? (?:the |its |his |her |their )?names? of\b|\bwhat\b.* called[?!. ]*$`)
	entityQ = lazyRegexp(`(?i)\b(?:which|what) \w+`)
	definQ  = lazyRegexp(`(?i)^what(?:'s| is| are) (?:a |an )?[^ ']+(?: [^ ']+){0,2}\??$|^what does [^ ]+(?: [^ ]+){0,3} mean\??$|^(?:define|explain) `)
)

// classify returns the kind of fact a question asks for: from its wording,
// and where the wording says only "what" or "which", from the noun it asks
// about.
func classify(q string) answerType {
	t := classifyWording(q)
	if t == anyAnswer || t == entity {
		if f := focusType(q); f != anyAnswer {
			return f
		}
	}
	return t
}

// classifyWording returns the kind of fact a question's wording asks for.
// The checks run from the most specific wording to the least.
func classifyWording(q string) answerType {
	q = strings.TrimSpace(q)
	switch {
	case ageQ.MatchString(q):
		return age
	case durationQ.MatchString(q):
		return duration
	case whenQ.MatchString(q):
		return when
	case moneyQ.MatchString(q):
		return money
	case quantityQ.MatchString(q):
		return quantity
	case reasonQ.MatchString(q):
		return reason
	case headMatch(orgQ, q):
		return organisation
	case headMatch(placeQ, q):
		return place
	case nameQ.MatchString(q):
		return entity
	case yesNoQ.MatchString(q):
		return yesNo
	case definQ.MatchString(q):
		return definition
	case headMatch(whoQ, q):
		return person
	case kindOfQ.MatchString(q), entityQ.MatchString(q) && !whatDidQ.MatchString(q) && !subjectQ(q):
		return entity
	}
	return anyAnswer
}

// headMatch reports whether re matches the question, and when the word it
// ends on is one of the noun phrase after the question word, whether that
// word is the phrase's head: in "Which party leader resigned?" and "Which
// Egyptian state oil companies" the nouns "party" and "state" only modify
// another, which says what is asked for.
func headMatch(re *lazyRE, q string) bool {
	loc := re.FindStringIndex(q)
	if loc == nil {
		return false
	}
	words := strings.FieldsFunc(strings.ToLower(q[loc[0]:loc[1]]), func(r rune) bool { return !unicode.IsLetter(r) })
	if len(words) == 0 {
		return true
	}
	run, _ := focusRun(q)
	at := slices.Index(run, words[len(words)-1])
	return at < 0 || at == len(run)-1
}

// subjectQ reports whether a "what" or "which" question's word is the
// subject of a verb in the past or a participle, which a noun phrase or a
// pronoun follows: "What woke the lizard?", "What stopped Mary Poppins
// flying?" ask what did it, a thing or an event, not a name. "What banned
// substance" is a noun phrase: a noun follows the verb form.
func subjectQ(q string) bool {
	words := strings.Fields(q)
	at := slices.IndexFunc(words, func(w string) bool {
		w = strings.ToLower(w)
		return w == "what" || w == "which"
	})
	if at < 0 || at+2 >= len(words) {
		return false
	}
	verb := strings.ToLower(words[at+1])
	if nountype.Of(verb) != nountype.Verb && !verbForm(verb) {
		return false
	}
	next := words[at+2]
	return determiners[strings.ToLower(next)] || objectPronouns[strings.ToLower(next)] || startsUpper(next)
}

// objectPronouns are the pronouns a verb's object can be.
var objectPronouns = map[string]bool{"me": true, "you": true, "him": true, "her": true, "it": true, "us": true, "them": true}

// summaryQ recognises a question that asks what the article says as a
// whole ("What is this article about?", "tl;dr"): it is answered with a
// short summary rather than searched for.
var summaryQ = lazyRegexp(`(?i)^(?:so |and |ok,? )?(?:` +
	`what(?:'s| is| was)? (?:this|the) (?:article|story|piece|news|text|report)(?: (?:all|mainly|mostly|really))? about` +
	`|(?:please |can you |could you )?summari[sz]e(?: (?:this|the|it))?(?: (?:article|story|piece|news))?(?: for me)?(?: please)?` +
	`|(?:(?:please )?give me |can you give me |i want |i'd like )?(?:a |the )?(?:short |quick |brief )?summary(?: of (?:this|the|it)(?: (?:article|story|piece))?)?(?: please)?` +
	`|tl;? ?dr(?: please)?` +
	`|what are the (?:main|key) (?:points|takeaways|facts)(?: of (?:this|the) (?:article|story))?` +
	`)[?.!]*$`)

func isSummaryRequest(q string) bool {
	return summaryQ.MatchString(strings.TrimSpace(corpus.Fold(normalizeChat(q))))
}

// nounKinds are the answer types of the kinds of fact a noun can name.
var nounKinds = map[string]answerType{
	nountype.Money: money, nountype.Quantity: quantity, nountype.Duration: duration, nountype.Date: when,
	nountype.Person: person, nountype.Organisation: organisation, nountype.Place: place,
	nountype.Substance: substance,
}

// focusType is the kind of fact named by the noun a "what" or "which"
// question asks for, by WordNet (package nountype): "What was Ask Jeeves'
// Q4 revenue?" asks for money, "what slice of the market" for a quantity,
// "which bookmakers gave evidence" for people; anyAnswer when focusNoun
// finds no noun.
func focusType(q string) answerType {
	if n := focusNoun(q); n != "" {
		return nounKind(n)
	}
	return anyAnswer
}

// nounKind is the kind of fact a noun names, by WordNet; anyAnswer for
// none.
func nounKind(noun string) answerType { return nounKinds[kindOf(noun)] }

// focusNoun is the noun a "what", "which" or "whose" question asks about:
// the head of the noun phrase after the question word, or after "what is"
// and a possessive; empty when there is none, or when the phrase is the
// subject of another verb ("what were the experts expecting").
func focusNoun(q string) string {
	phrase := focusPhrase(q)
	if len(phrase) == 0 {
		return ""
	}
	return phrase[len(phrase)-1]
}

// focusPhrase is the run of words focusNoun takes its noun from, the noun
// last: "short-haul flights"; "people worldwide", where the run ends in a
// word that is no noun.
func focusPhrase(q string) []string {
	run, of := focusRun(q)
	// "the name of the man who …", "what kind of bird": the noun after
	// "of" says what kind of thing is asked for.
	if len(of) > 0 && nounKind(of[len(of)-1]) != anyAnswer {
		return of
	}
	return run
}

// focusRun is the run of words after a "what", "which" or "whose", the
// noun last, and when that run is one of ofNouns ("kinds of weapons
// development"), which names no kind of its own, the focus phrase after
// its "of".
func focusRun(q string) (run, of []string) {
	words := strings.FieldsFunc(strings.ToLower(strings.ReplaceAll(q, "’", "'")), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`?!,;:()"“”`, r)
	})
	at := slices.IndexFunc(words, func(w string) bool {
		return w == "what" || w == "which" || w == "whose" || w == "what's" || w == "whats"
	})
	if at < 0 {
		return nil, nil
	}
	copula := words[at] == "what's" || words[at] == "whats"
	i := at + 1
	if !copula && i < len(words) && copulas[words[i]] {
		copula, i = true, i+1
	}
	end := ""
	for ; i < len(words); i++ {
		w := words[i]
		switch {
		case strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "'"):
			run = nil // "Ask Jeeves' Q4 revenue": the phrase starts after it
		case len(run) == 0 && determiners[w]:
		case retrieval.IsStopword(w) || modals[w] || nountype.Of(w) == nountype.Verb || verbForm(w):
			end = w
		default:
			run = append(run, w)
			continue
		}
		if end != "" {
			break
		}
	}
	if len(run) == 0 || copula && end != "" && !phraseEnds[end] {
		return nil, nil
	}
	if end == "of" && len(run) == 1 && ofNouns[run[0]] {
		of = focusPhrase("which " + strings.Join(words[i+1:], " "))
	}
	return run, of
}

// modals are the modal auxiliaries the stop list lacks, which end the noun
// phrase as "will" or "could" do: "Which weapons might North Korea get?"
// asks about weapons, not "might" (a noun too, in WordNet) nor "get".
var modals = map[string]bool{"may": true, "might": true, "must": true, "shall": true}

// verbForm reports whether a word of a question reads as a verb's past or
// present participle, which ends the noun phrase ("what were the experts
// expecting"); a hyphenated one is a compound modifier of the noun after
// it ("performance-enhancing drugs", "file-sharing program").
func verbForm(w string) bool {
	return len(w) > 4 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing")) && !strings.Contains(w, "-")
}

var (
	// ofNouns name no kind of their own but that of the noun after "of".
	ofNouns     = map[string]bool{"name": true, "names": true, "kind": true, "kinds": true, "type": true, "types": true, "sort": true, "sorts": true}
	copulas     = map[string]bool{"is": true, "was": true, "are": true, "were": true, "'s": true}
	determiners = map[string]bool{"the": true, "a": true, "an": true, "its": true, "his": true, "her": true, "their": true,
		"our": true, "your": true, "my": true, "this": true, "that": true, "these": true, "those": true}
	// phraseEnds are the words that can follow the noun of "what is the
	// …" when nothing else is asked of it: a preposition, a conjunction or
	// a question word ("what is the deadline for …", "what was the score
	// when …").
	phraseEnds = map[string]bool{"of": true, "for": true, "in": true, "at": true, "on": true, "to": true, "from": true, "with": true,
		"by": true, "after": true, "before": true, "during": true, "since": true, "over": true, "under": true, "about": true,
		"and": true, "or": true, "when": true, "where": true, "while": true, "as": true, "than": true, "this": true, "that": true}
)
