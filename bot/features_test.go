package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot/nountype"
	"github.com/articlebot/articlebot/corpus"
)

func TestClassifyReadsTheWholeQuestion(t *testing.T) {
	tests := []struct {
		q    string
		want answerType
	}{
		// The verb that makes "how much" a price may come many words on.
		{"How much did the new three-bedroom family house in town cost?", money},
		{"In which years did she win the title?", when},
		{"What days is the market open?", when},
		// "How long a …" asks for a duration of the thing it names.
		{"How long a lease did the club sign?", duration},
		// "What" and "which" say no kind; the noun they ask about does,
		// by WordNet, after a possessive and up to a verb.
		{"What was the firm's annual revenue?", money},
		{"What is the band's salary for the tour?", money},
		{"what slice of the shares does she hold", quantity},
		{"Which lawyers gave evidence?", person},
		{"Which nations signed the pact?", place},
		{"What's the name of the man who sang?", person},
		{"What material is the roof made of?", substance},
		// The noun is the subject of another verb: not what is asked.
		{"what were the lawyers expecting the court to decide", anyAnswer},
		// A kind noun joined by a hyphen is a modifier of another noun.
		{"Which state-run news agency reported his message?", organisation},
		{"Which team-mate did he praise?", entity},
		{"What market-leading firm did it buy?", organisation},
		{"What time-frame did the minister give?", entity},
		{"Which team did he join?", organisation},
		{"Which state joined?", place},
	}
	for _, tt := range tests {
		if got := classify(tt.q); got != tt.want {
			t.Errorf("classify(%q) = %s, want %s", tt.q, got, tt.want)
		}
	}
}

func spanTexts(want answerType, sentence, question string) []string {
	var out []string
	for _, sp := range typeSpans(want, sentence, question, kindSet(nountype.KindsOf(focusKind(question)))) {
		out = append(out, sentence[sp[0]:sp[1]])
	}
	return out
}

func TestTypeSpansAreWhatTheQuestionLacks(t *testing.T) {
	tests := []struct {
		name               string
		want               answerType
		sentence, question string
		spans              []string
	}{
		{"a title and a name the question holds are no one new", person,
			"Yesterday Mrs Doe spoke to reporters.", "Who did Jane Doe speak to?", nil},
		{"a new name beside one the question holds", person,
			"Then Labour MP Jane Doe met Tom Smith.", "Who did Jane Doe meet?", []string{"Labour MP", "Tom Smith"}},
		{"a month is not a place", place,
			"She won the title back in March.", "In which city did she win the title?", nil},
		{"a place", place,
			"She won the title in Lisbon.", "Where did she win the title?", []string{"Lisbon"}},
		{"a substance the question lacks", substance,
			"The roof is steel and the walls are oak.", "What material is the roof made of?", []string{"steel", "oak"}},
		{"places listed after a preposition", place,
			"It is a factor in both Eastern Europe and East Asia, as seen from Washington, Seoul, and Tokyo.", "In which regions is it a factor?",
			[]string{"Eastern Europe", "East Asia", "Washington", "Seoul", "Tokyo"}},
		{"an age as the youngest or oldest allowed", age,
			"It is unsuitable for children under seven, and the under-threes are barred.", "What age is it unsuitable for?", []string{"under seven", "under-threes"}},
		{"a share under a number is no age", age,
			"Under 10% of the runners are over 18.", "How old are the runners?", []string{"over 18"}},
		{"a place is no body", organisation,
			"It was used by Beijing, said Reporters Without Borders.", "Which group said so?", []string{"Reporters Without Borders"}},
		{"an abbreviation of a place is no body", organisation,
			"The UK show is owned by a company.", "Which company owns the show?", nil},
		{"a body named for its place", organisation,
			"He joined Manchester City last year.", "Which club did he join?", []string{"Manchester City"}},
		{"a bound of something else is no age", age,
			"The project ran over two years and cost under 20 million.", "How old is the project?", nil},
		{"third before a noun counts", quantity,
			"She won her third title.", "How many titles has she won?", []string{"third"}},
		{"a third is a share, no count", quantity,
			"Footfall could fall by as much as a third.", "How many shoppers come?", nil},
		{"a place before -based", place,
			"The New York-based group said so.", "Where is the group based?", []string{"New York"}},
		{"how long asks for a length too", duration,
			"The bridge will be 85 metres long.", "How long will the bridge be?", []string{"85 metres"}},
		{"a date or a time of day is no count", quantity,
			"Doors open at 8am on 17 February, as in 1999, for 40 guests.", "How many guests came?", []string{"40"}},
		{"a price is no count", quantity,
			"It will sell for £339 or $499, in 3 colours.", "How many will it sell?", []string{"3"}},
		{"a percentage is no count", quantity,
			"About 20% of the shares, or 60 per cent of those offered, went to 12 funds.", "How many funds bought shares?", []string{"12"}},
		{"a percentage is how much", quantity,
			"Profits rose 76% last year.", "How much did profits rise?", []string{"76%"}},
		{"a sum with its scale spelled out", money,
			"The repairs cost 3 million pounds, or about 3.5 million euros.", "How much did the repairs cost?", []string{"3 million pounds", "3.5 million euros"}},
		{"a day or a month is no one", person,
			"The teenager was held on Friday in May by Jo Bloggs.", "Who held the teenager?", []string{"Jo Bloggs"}},
		{"May is someone after no time word", person,
			"She met Theresa May.", "Who did she meet?", []string{"Theresa May"}},
		{"a time taken states a duration", duration,
			"She finished the course in one minute, 52.41 seconds.", "How long did she take?", []string{"one minute", "52.41 seconds"}},
		{"what time asks for a time taken", when,
			"She finished the course in one minute, 52.41 seconds.", "What time did she run?", []string{"one minute, 52.41 seconds"}},
		{"a time taken in minutes and seconds", when,
			"The winner came home in 31 minutes 12 seconds.", "What time did the winner clock?", []string{"31 minutes 12 seconds"}},
		{"what time asks for a time of day", when,
			"The polls close at 10pm tonight.", "What time do the polls close?", []string{"10pm"}},
		{"what time is not answered by a date", when,
			"Her run makes her the quickest in the country this year.", "What time did she run?", nil},
		{"when is answered by a date", when,
			"Her run makes her the quickest in the country this year.", "When did she run?", []string{"this year"}},
		{"a number the question holds answers nothing", quantity,
			"The 15,000 troops arrived.", "Did the 15,000 troops arrive?", nil},
		{"a number the question holds answers nothing before a comma", quantity,
			"Staff may not retire before 60, the firm said.", "How many staff retire before 60 each year?", nil},
		{"a measure in another unit is no count", quantity,
			"Members get 2Mbps, between one gigabyte and 30 gigabytes a month, in its 4th year, and 12 free lessons.",
			"How many members does the club have?", []string{"12"}},
		{"a measure in the unit counted counts", quantity,
			"The fair is now in its 9th year.", "How many years has the fair run?", []string{"9"}},
		{"the noun a number counts is the last of the words after it", quantity,
			"The machine fills 40 full cabinets.", "How many full cabinets does it fill?", []string{"40"}},
		{"a share or a multiple is no count", quantity,
			"The firm will double the speeds for half its members.", "How many members will get faster speeds?", nil},
		{"a multiple counts times", quantity,
			"She has won the race twice.", "How many times has she won the race?", []string{"twice"}},
		{"a 24-hour clock time with its zone is a time of day", when,
			"The kick-off moves from 2115 GMT to 1945 GMT, in 2005.", "What time is the kick-off?", []string{"2115 GMT", "1945 GMT"}},
		{"a place is no one", person,
			"The Leeds winger met Jo Bloggs in Cardiff.", "Who did the winger meet?", []string{"Jo Bloggs"}},
		{"a kind of the noun asked about, by WordNet", entity,
			"He died after a long battle with skin cancer.", "What illness did Jo Bloggs have?", []string{"cancer"}},
		{"a function word or a name is no substance", substance,
			"He said Oak Lane's walls are made of steel.", "What material is the roof made of?", []string{"steel"}},
		{"a plural noun is of its singular's kind", entity,
			"Both cancers were caught early.", "What illness did Jo Bloggs have?", []string{"cancers"}},
		{"a verb's -ed form is no noun of a kind", entity,
			"The inquiry opened on Monday.", "Which part of the report did he dispute?", nil},
		{"a verb's -ed form is no substance", substance,
			"He oiled the hinges.", "What material is the door made of?", nil},
		{"a kind of another noun is none", entity,
			"He died after a long battle with skin cancer.", "Which instrument did Jo Bloggs play?", nil},
		{"kinds of drugs are drugs, not kinds of kind", entity,
			"She took cocaine, not the new model of pump.", "Which kinds of drugs did she take?", []string{"cocaine"}},
		{"a kind of which is asked for no kind", entity,
			"She chose the new model.", "Which kind did she choose?", nil},
		{"what kind of thing is asked for by a kind, not a name", entity,
			"His injury is the latest blow for the club, who have been without Jo Bloggs.", "What kind of injury has he been out with?", nil},
		{"a word modifying the noun answers what kind", entity,
			"Kim called for a multipolar world order.", "What kind of world order did Kim call for?", []string{"multipolar"}},
		{"a name still answers what a noun of many kinds asks", entity,
			"She never used drugs, said her lawyer Tom Smith.", "Which performance-enhancing drugs did she take?", []string{"Tom Smith"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spanTexts(tt.want, tt.sentence, tt.question)
			if strings.Join(got, "|") != strings.Join(tt.spans, "|") {
				t.Errorf("typeSpans = %q, want %q", got, tt.spans)
			}
		})
	}
}

// TestTheFactBesideTheQuestionsWordsIsNearer: "how many listeners" is
// answered by the number next to "listeners", not by a number elsewhere
// in a sentence that restates the question.
func TestTheFactBesideTheQuestionsWordsIsNearer(t *testing.T) {
	svc := newService(t)
	a := svc.analyze(part{text: "How many listeners voted in the survey?", want: quantity})
	near := "The annual survey was voted for by nearly 4,000 listeners."
	far := "Listeners voted in the survey, which the station first ran in its studio in 1999."
	slotOf := func(s string) float64 {
		return slot(a.focusMatches, wordsOf(s), typeSpans(a.want, s, a.text, a.kinds), false)
	}
	if n, f := slotOf(near), slotOf(far); !(n > f) || n < 0.5 {
		t.Errorf("slot(near) = %.2f, slot(far) = %.2f; want the number beside 'listeners' nearer, at least 0.5", n, f)
	}
}

func TestALaterPartThatNamesNoOneIsAboutTheFirstPartsNames(t *testing.T) {
	parts := splitQuestion("How many planes does Acme Air have, and how many flights does it run each day?")
	if len(parts) != 2 {
		t.Fatalf("parts = %+v, want 2", parts)
	}
	if !strings.Contains(parts[1].text, "Acme") || !strings.Contains(parts[1].text, "Air") {
		t.Errorf("second part %q doesn't carry the first part's names", parts[1].text)
	}
	parts = splitQuestion("Where is Acme Air based, and when did Globex launch its service?")
	if len(parts) != 2 || strings.Contains(parts[1].text, "Acme") {
		t.Errorf("parts = %+v; a part with names of its own carries none", parts)
	}
}

func TestAnEraIsADate(t *testing.T) {
	if got := spanTexts(when, "The pact, first signed during the Cold War era, still holds.", "When was the pact signed?"); len(got) != 1 || got[0] != "during the Cold War era" {
		t.Errorf("typeSpans = %q, want the era", got)
	}
}

// TestAWordIsThereJoinedOrSplit: a question's word is in a sentence that
// writes it hyphenated or as two words ("multipolar", "multi-polar"), and
// two of the question's words are in one that writes them as one ("Time
// Warner", "TimeWarner"), for every coverage the answering model counts.
func TestAWordIsThereJoinedOrSplit(t *testing.T) {
	svc := newService(t)
	tests := []struct{ question, sentence string }{
		{"What is a multipolar world order?", "States under sanctions call for a multi-polar world order."},
		{"How much did Time Warner's profits grow?", "Profits at TimeWarner grew by 76%."},
	}
	for _, tt := range tests {
		a := svc.analyze(part{text: tt.question, want: classify(tt.question)})
		sents := svc.split.of(corpus.Chunk{ID: tt.sentence, Text: tt.sentence})
		if len(sents) != 1 {
			t.Fatalf("%q split into %d sentences", tt.sentence, len(sents))
		}
		if cov, miss := a.coverage(sents[0].has); cov != 1 || miss != 0 {
			t.Errorf("%q in %q: coverage %.2f, heaviest missing %.2f; want 1 and 0", tt.question, tt.sentence, cov, miss)
		}
	}
	// Only the words written so count: a sentence with one of them
	// covers only that one.
	a := svc.analyze(part{text: "What is a multipolar world order?"})
	other := svc.split.of(corpus.Chunk{ID: "other", Text: "The world watched."})
	if cov, _ := a.coverage(other[0].has); cov >= 0.5 {
		t.Errorf("coverage of an unrelated sentence %.2f, want under 0.5", cov)
	}
}

// TestAFinalLIsDoubledOrNot: British English doubles a final "l" before
// a suffix ("trialling", "travelled"); the stemmer gives both spellings
// one stem, so a question's word is there in the other spelling, both ways.
func TestAFinalLIsDoubledOrNot(t *testing.T) {
	svc := newService(t)
	for _, tt := range []struct{ question, sentence string }{
		{"When is Wanadoo trialling it?", "Wanadoo is set to trial it."},
		{"Where will the minister travel?", "The minister travelled widely."},
	} {
		a := svc.analyze(part{text: tt.question, want: classify(tt.question)})
		sents := svc.split.of(corpus.Chunk{ID: tt.sentence, Text: tt.sentence})
		if cov, _ := a.coverage(sents[0].has); cov != 1 {
			t.Errorf("%q in %q: coverage %.2f, want 1", tt.question, tt.sentence, cov)
		}
	}
}

// TestAFactBesideTwoWordsWrittenAsOneIsNear: "Time Warner" is a word of
// the question beside "76%" in "TimeWarner jumped 76%".
func TestAFactBesideTwoWordsWrittenAsOneIsNear(t *testing.T) {
	svc := newService(t)
	q := "How much did Time Warner's profits grow?"
	a := svc.analyze(part{text: q, want: classify(q)})
	s := "Profits at the big media group TimeWarner jumped 76% to $1bn."
	if got := slot(a.matches, wordsOf(s), typeSpans(a.want, s, a.text, a.kinds), false); got < 0.5 {
		t.Errorf("slot = %.2f, want at least 0.5: one word between TimeWarner and 76%%", got)
	}
}

func TestATypedQuestionNeedsItsKindOfFact(t *testing.T) {
	var typed, missing candidate
	typed.text, missing.text = "It sold 40 cars.", "It sold cars."
	typed.f[fTypeSent], missing.f[fTypeMiss] = 1, 1
	typed.f[fBias], missing.f[fBias] = 1, 1
	m := &Model{Weights: make([]float64, nFeatures)}
	m.Weights[fTypeMiss] = 5 // even a model that liked it
	has := func(story, stem string) bool { return false }
	for _, tt := range []struct {
		want answerType
		n    int // candidates that may answer
	}{{quantity, 1}, {person, 1}, {reason, 2}} {
		n := 0
		for _, c := range rank(m, []candidate{typed, missing}, nil, has, analysis{want: tt.want}) {
			if c.p > 0 {
				n++
			}
		}
		if n != tt.n {
			t.Errorf("a question wanting %s: %d sentences may answer, want %d", tt.want, n, tt.n)
		}
	}
}

// typedCase is a sentence, alone in its story, and whether it states a
// fact of the kind its question asks for.
type typedCase struct {
	question, text string
	typed          bool
}

func checkTyped(t *testing.T, cases []typedCase) {
	t.Helper()
	svc := newService(t)
	for _, tt := range cases {
		a := svc.analyze(part{text: tt.question, want: classify(tt.question)})
		cs := svc.candidates(a, &SearchResult{Hits: []Hit{{Chunk: corpus.Chunk{ID: tt.text, ArticleID: "s", Text: tt.text}}}})
		if len(cs) != 1 {
			t.Fatalf("%q: %d candidates, want 1", tt.text, len(cs))
		}
		if got := cs[0].f[fTypeSent] == 1; got != tt.typed {
			t.Errorf("%q for %q: type_in_sentence %v, want %v", tt.text, tt.question, got, tt.typed)
		}
	}
}

// TestACountOfSomethingElseIsNoAnswer: where a sentence and its neighbours
// never say what "how many" counts, only a count of something of its kind
// answers: "a 40-man crew" counts sailors, "a second term" no guests.
func TestACountOfSomethingElseIsNoAnswer(t *testing.T) {
	checkTyped(t, []typedCase{
		{"How many sailors are in the crew?", "A 40-man crew will sail on Monday.", true},
		{"How many guests attended the mayor's speech?", "In a speech at the town hall, the mayor said she wanted a second term.", false},
		{"How many guests attended the mayor's speech?", "The mayor spoke to 300 guests at the town hall.", true},
	})
}

// TestHowMuchAsksForAnAmountNotACount: "how much" is answered by a sum, a
// share or a measure, not by a count of things nor by a count of what the
// question itself names.
func TestHowMuchAsksForAnAmountNotACount(t *testing.T) {
	checkTyped(t, []typedCase{
		{"How much did the firm's quarterly profits rise?", "It lost 464,000 subscribers.", false},
		{"How much did the firm's quarterly profits rise?", "Profits were lower than in the preceding three quarters.", false},
		{"How much did the firm's quarterly profits rise?", "Profits jumped 76% in the three months.", true},
		{"How much did the firm's quarterly profits rise?", "Profits rose to $1.13bn.", true},
		{"How much wine will France distil?", "It will distil 250 million litres.", true},
		{"How much wine will France distil?", "It will distil 25,000 tonnes.", true},
		{"How much are tickets for the show?", "It is one of the hottest shows, winning awards.", false},
		{"How much are tickets for the show?", "The show won two Olivier Awards.", false},
		{"How much of the budget went on roads?", "Half of it went on roads.", true},
		{"How many subscribers did it lose?", "It lost 464,000 subscribers.", true},
	})
}

// TestAStoryThatLacksHalfTheQuestionsNamesAnswersNothing: "How many
// copies did Zanzibar sell?" is not answered by a story about another
// record, however well its sentence matches.
func TestAStoryThatLacksHalfTheQuestionsNamesAnswersNothing(t *testing.T) {
	var c candidate
	c.f[fBias], c.f[fTypeSent], c.f[fNameMiss] = 1, 1, 1
	m := &Model{Weights: make([]float64, nFeatures)}
	m.Weights[fBias] = 5
	has := func(story, stem string) bool { return false }
	if got := rank(m, []candidate{c}, nil, has, analysis{want: quantity}); got[0].p != 0 {
		t.Errorf("p = %.2f, want 0", got[0].p)
	}
	c.f[fNameMiss] = 0.5
	if got := rank(m, []candidate{c}, nil, has, analysis{want: quantity}); got[0].p != 0 {
		t.Errorf("p = %.2f for a story lacking half the question's names, want 0", got[0].p)
	}
	c.f[fNameMiss] = 1.0 / 3 // a story naming most of them may answer
	if got := rank(m, []candidate{c}, nil, has, analysis{want: quantity}); got[0].p == 0 {
		t.Error("p = 0 for a story naming two of the question's three names")
	}
}

// TestAHyphenatedParticipleModifiesTheNoun: "performance-enhancing" is no
// verb ending the noun phrase, as "expecting" is.
func TestAHyphenatedParticipleModifiesTheNoun(t *testing.T) {
	for q, want := range map[string]string{
		"Which performance-enhancing drugs did he give her?":  "drugs",
		"Which file-sharing program do most people use?":      "program",
		"what were the lawyers expecting the court to decide": "",
	} {
		if got := focusNoun(q); got != want {
			t.Errorf("focusNoun(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestTheKindAskedForIsTheNounAfterKindOf: "kind", "type" and "sort"
// name no kind of their own, so the kinds of "Which kinds of drugs …"
// are those of "drug", not "brand", "model" and "version".
func TestTheKindAskedForIsTheNounAfterKindOf(t *testing.T) {
	for q, want := range map[string]string{
		"Which drugs did she take?":                       "drug",
		"Which kinds of drugs did she take?":              "drug",
		"Which type of weapons development could it aid?": "development",
		"What sort of illness did he have?":               "illness",
		"Which kind did she choose?":                      "",
	} {
		if got := focusKind(q); got != want {
			t.Errorf("focusKind(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestAKindOfTheNounAskedAboutStandsForIt: "What illness did he have?" is
// answered by the sentence naming "skin cancer", a kind of illness, which
// covers the question's noun as a synonym would and sits where it would.
func TestAKindOfTheNounAskedAboutStandsForIt(t *testing.T) {
	checkTyped(t, []typedCase{
		{"What illness did Jo Bloggs have?", "Jo Bloggs died at his home after a long battle with skin cancer.", true},
	})
	svc := newService(t)
	q := "What illness did Jo Bloggs have?"
	a := svc.analyze(part{text: q, want: classify(q)})
	s := "Jo Bloggs died on Friday at his home in a small town, after a long battle with skin cancer."
	cs := svc.candidates(a, &SearchResult{Hits: []Hit{{Chunk: corpus.Chunk{ID: "c", ArticleID: "s", Text: s}}}})
	if len(cs) != 1 {
		t.Fatalf("%d candidates, want 1", len(cs))
	}
	if f := cs[0].f; f[fSlotFocus] != 1 || f[fFocusSentence] == 0 {
		t.Errorf("type_near_focus_words %.2f, focus_coverage_sentence %.2f; want 1 and above 0: cancer is a kind of illness", f[fSlotFocus], f[fFocusSentence])
	}
}

// BenchmarkCandidates scores the built-in article's retrieved sentences
// for questions of several kinds: an entity question's kinds by WordNet
// ("illness": 37 nouns, "operation": 195) are found once per question.
func BenchmarkCandidates(b *testing.B) {
	svc := newService(b)
	for _, q := range []string{"Who did Kim write to?", "What illness did Kim have?", "What operation did Kim order?", "When did Kim write to Putin?"} {
		p := part{text: q, want: classify(q)}
		res, err := svc.Search(context.Background(), q, 10)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				svc.candidates(svc.analyze(p), res)
			}
		})
	}
}

// TestAModalEndsTheNounPhrase: "might", "must", "may" and "shall" are
// auxiliaries there, as "will" and "could" are, not nouns of the phrase.
func TestAModalEndsTheNounPhrase(t *testing.T) {
	for q, want := range map[string]string{
		"Which weapons might North Korea get?":  "weapons",
		"Which weapons must it hand over?":      "weapons",
		"Which firms may bid for the contract?": "firms",
		"Which rules shall apply?":              "rules",
		"Which firms could bid?":                "firms",
	} {
		if got := focusNoun(q); got != want {
			t.Errorf("focusNoun(%q) = %q, want %q", q, got, want)
		}
	}
}
