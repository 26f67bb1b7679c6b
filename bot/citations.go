package bot

import (
	"slices"
	"strconv"
	"strings"

	"github.com/articlebot/articlebot/corpus"
)

// Flag is a sentence whose cited passages share no content word with it: the
// citation, or the sentence, is probably wrong.
type Flag struct {
	Sentence string `json:"sentence"`
	// Sources are the source numbers the sentence cites.
	Sources []int  `json:"sources"`
	Reason  string `json:"reason"`
}

// refusalMarker opens a model's reply when the passages don't answer; the
// system prompt asks for it, so a refusal is recognised in any language.
const refusalMarker = "NO_ANSWER:"

// maxLLMAnswerChars bounds a model's answer, leaving room for the sources
// in a 2,000-character Discord message.
const maxLLMAnswerChars = 1200

// citeRE matches one citation group: [2], [1, 3], [1, 2, and 4], [1-2],
// [passage 4]. Runs such as [1][3] are consecutive groups.
var citeRE = lazyRegexp(`(?i)\[\s*(?:(?:passages?|sources?)\s*)?(\d+(?:\s*(?:,\s*(?:and|&)|,|;|-|–|and|&)\s*\d+)*)\s*\]`)

var groupSep = lazyRegexp(`\s*(?:,\s*(?:and|&)|,|;|and|&)\s*`)

// parseGroup lists the numbers of a citation group, ranges expanded.
func parseGroup(g string) []int {
	var out []int
	for _, part := range groupSep.Split(g, -1) {
		lo, hi, isRange := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || b < a || b-a > 20 {
				b = a
			}
		}
		for n := a; n <= b; n++ {
			out = append(out, n)
		}
	}
	return out
}

// cleanCitations rewrites the citations of text for passages numbered 1 to
// n: numbers that match no passage are dropped, with the marker when
// nothing is left of it, and the rest are renumbered by first use and
// written as [1][2]. It returns the text and the passage numbers in source
// order (order[i] is the passage of source i+1).
//
// Dropping a marker can join the text around it into a new one: "[[9]2]"
// leaves "[2]". So markers citing no passage are dropped first, again and
// again until none is left, and only then are the rest renumbered: the text
// returned holds no marker without a source. Control characters other than
// newline and tab are removed.
func cleanCitations(text string, n int) (string, []int) {
	// Every text a model writes is shown only after this cleaning, so it
	// is where control characters (terminal escapes) go.
	text = corpus.StripControl(text)
	// Each pass that changes the text drops a marker, so it ends; the
	// bound is a guard, never reached.
	for range len(text) + 1 {
		next, _ := cleanPass(text, n, false)
		if next == text {
			break
		}
		text = next
	}
	return cleanPass(text, n, true)
}

// cleanPass drops the markers of text citing none of passages 1 to n, and
// the numbers of the others that match no passage when renumber is set, in
// which case it writes those others as [1][2] numbered by first use.
// Otherwise it leaves them as they are.
func cleanPass(text string, n int, renumber bool) (string, []int) {
	var b strings.Builder
	var order []int
	src := map[int]int{} // passage → source number
	last := 0
	pending := "" // the space before a dropped marker, for a kept one right after it
	for _, m := range citeRE.FindAllStringSubmatchIndex(text, -1) {
		if between := text[last:m[0]]; between != "" {
			b.WriteString(between)
			pending = ""
		}
		last = m[1]
		var nums []int
		for _, p := range parseGroup(text[m[2]:m[3]]) {
			if p < 1 || p > n {
				continue
			}
			k, ok := src[p]
			if !ok {
				order = append(order, p)
				k = len(order)
				src[p] = k
			}
			if !slices.Contains(nums, k) {
				nums = append(nums, k)
			}
		}
		if len(nums) == 0 {
			// Drop the marker and the space before it: "troops [9]." → "troops."
			kept := strings.TrimRight(b.String(), " \t")
			pending += b.String()[len(kept):]
			b.Reset()
			b.WriteString(kept)
			continue
		}
		b.WriteString(pending)
		pending = ""
		if !renumber {
			b.WriteString(text[m[0]:m[1]])
			continue
		}
		for _, k := range nums {
			b.WriteString("[" + strconv.Itoa(k) + "]")
		}
	}
	b.WriteString(text[last:])
	return b.String(), order
}

// displayPartial is the part of a streaming reply fit to show: the refusal
// marker removed, an unfinished citation held back, the rest cleaned as
// the final text will be. Renumbering by first use is stable as the text
// grows, so each partial text begins the next. Nothing is shown until the
// reply cites a passage or says it is a refusal: an uncited reply is never
// shown, not even in part.
func displayPartial(raw string, n int) string {
	t := strings.TrimLeft(raw, " \t\r\n")
	if len(t) < len(refusalMarker) && strings.HasPrefix(refusalMarker, strings.ToUpper(t)) {
		return ""
	}
	rest, refusal := cutPrefixFold(t, refusalMarker)
	if refusal {
		t = strings.TrimLeft(rest, " \t\r\n")
	}
	if i := strings.LastIndexByte(t, '['); i >= 0 && !strings.Contains(t[i:], "]") && len(t)-i < 24 {
		t = t[:i]
	}
	if refusal {
		// Shown as the final refusal will be, so that it continues.
		return refusalText(t)
	}
	t, order := cleanCitations(t, n)
	if len(order) == 0 {
		return ""
	}
	return strings.TrimRight(t, " \t\r\n")
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// refusalRE recognises an English reply saying the passages don't answer,
// from a model that forgot the marker.
var refusalRE = lazyRegexp(`(?i)\b(?:doesn't|does not|don't|do not|didn't|did not|cannot|can't|can not)\s+(?:say|mention|answer|contain|provide|include|state|specify|address|cover|find)\b|\bno information\b`)

// replyVerdict is what checkAnswer made of a model's reply.
type replyVerdict int

const (
	replyOK          replyVerdict = iota // an answer or a refusal to show
	replyUncited                         // no citation and no refusal: ask again
	replyUnsupported                     // no sentence its passages support
)

// checkAnswer turns a model's reply into an answer citing ps, to a
// question asked of article (or of the whole corpus, when empty). A reply
// that reproduces the instructions is never shown: it is a refusal. Every
// sentence must be supported by the passages it cites; the others are
// dropped and logged. A reply that answers part of the question and marks
// the rest as unanswered (the refusal marker on a later line) ends with
// the service's own sentence saying so. It reports replyUncited when the
// reply cites no passage and is no refusal, and replyUnsupported when no
// sentence is left.
func (s *Service) checkAnswer(q, article, raw string, ps []passage) (*Answer, replyVerdict) {
	raw = strings.TrimSpace(raw)
	if echoesInstructions(raw) {
		s.log.Warn("the model's reply reproduces its instructions; not shown")
		return s.modelRefusal(q, ""), replyOK
	}
	if rest, ok := cutPrefixFold(raw, refusalMarker); ok {
		return s.modelRefusal(q, rest), replyOK
	}
	raw, rest, partial := cutUnanswered(raw)
	raw = trimToLength(raw, maxLLMAnswerChars)
	text, order := cleanCitations(raw, len(ps))
	text = strings.TrimSpace(text)
	if len(order) == 0 {
		// Without the marker, only a short, one-sentence "the passages don't
		// say" is taken for a refusal: "Kim did not say when. 15,000 troops
		// were sent." makes an uncited claim, and is never shown as it is.
		if refusalRE.MatchString(text) && len(text) <= 300 && len(corpus.Sentences(text)) == 1 {
			return s.modelRefusal(q, text), replyOK
		}
		return nil, replyUncited
	}
	text = s.supported(text, order, ps, true, !s.vocab.readable(q))
	text, order = cleanCitations(text, len(ps))
	text = strings.TrimSpace(text)
	if len(order) == 0 {
		return nil, replyUnsupported
	}
	a := &Answer{Question: q, Text: text, Drafter: DrafterLLM}
	a.Sources, a.Flags = sourcesFor(text, order, ps)
	if partial {
		// The model's words of what is unanswered are shown only where the
		// service can't say it in the question's language; they cite
		// nothing, as a refusal doesn't.
		said := refusalText(rest)
		if s.vocab.readable(q) || said == "" {
			said = s.articlesDont(article) + " answer the rest of the question."
		}
		a.Text += "\n\n" + said
		a.Partial = true
	}
	return a, replyOK
}

// cutUnanswered splits a reply at the refusal marker opening a later line,
// which the prompt asks for when the passages answer only part of the
// question: what comes before is the answer, what follows the marker the
// model's words of what is unanswered.
func cutUnanswered(raw string) (answer, rest string, ok bool) {
	for i := 0; i < len(raw); {
		j := strings.IndexByte(raw[i:], '\n')
		if j < 0 {
			return raw, "", false
		}
		i += j + 1
		line := strings.TrimLeft(raw[i:], " \t\r")
		if after, found := cutPrefixFold(line, refusalMarker); found {
			return strings.TrimSpace(raw[:i]), strings.TrimSpace(after), true
		}
	}
	return raw, "", false
}

// modelRefusal is the model's own words that the article doesn't say, in
// the question's language, without any citation; the standard refusal when
// it gave none. Only their first sentence is shown (see refusalText); what
// follows it is logged.
func (s *Service) modelRefusal(q, text string) *Answer {
	a := s.refusal(q)
	a.Drafter = DrafterLLM
	shown, cut := firstRefusalSentence(text)
	if cut {
		s.log.Warn("dropped what the model's refusal says after its first sentence", "refusal", corpus.Quote(strings.TrimSpace(text), 400))
	}
	if shown != "" {
		a.Text = shown
	}
	return a
}

// refusalText is a model's refusal as shown: its first sentence, without
// citations, in at most 400 bytes. The prompt asks for one sentence saying
// that the article doesn't say; anything after it states what no cited
// passage supports (a figure, a claim, an injected instruction's text),
// which an answer would not be allowed to show.
func refusalText(text string) string {
	t, _ := firstRefusalSentence(text)
	return t
}

// firstRefusalSentence is refusalText, and whether anything followed the
// first sentence.
func firstRefusalSentence(text string) (string, bool) {
	text, _ = cleanCitations(text, 0)
	text = strings.TrimSpace(text)
	spans := corpus.Sentences(text)
	if len(spans) > 1 {
		text = strings.TrimSpace(text[spans[0].Start:spans[0].End])
	}
	return corpus.Quote(text, 400), len(spans) > 1
}

// claim is one sentence of a drafted text with the sources it cites.
type claim struct {
	text    string // without its markers
	sources []int
}

// sentenceEnd ends a sentence: its closing punctuation and any citation
// markers after it ("… troops. [1] Kim …" cites [1] for the troops).
var sentenceEnd = lazyRegexp(`[.!?]+["'”’)]*(?:\s*\[\d+\])*\s+`)

var (
	markerRE       = lazyRegexp(`\[(\d+)\]`)
	spaceBeforeEnd = lazyRegexp(`\s+([.,;:!?])`)
)

// stripMarkers removes a sentence's citation markers, and the spaces they
// leave before punctuation.
func stripMarkers(s string) string {
	s = markerRE.ReplaceAllString(s, "")
	return strings.TrimSpace(spaceBeforeEnd.ReplaceAllString(s, "$1"))
}

// claims splits a drafted text into sentences, line by line.
func claims(text string) []claim {
	var out []claim
	for _, line := range claimLines(text) {
		for _, c := range line {
			out = append(out, c.claim)
		}
	}
	return out
}

// rawClaim is a claim with its text as drafted, markers included.
type rawClaim struct {
	claim
	raw string
}

// claimLines splits a drafted text into lines of sentences.
func claimLines(text string) [][]rawClaim {
	var out [][]rawClaim
	for _, line := range strings.Split(text, "\n") {
		var cs []rawClaim
		start := 0
		ends := sentenceEnd.FindAllStringIndex(line, -1)
		ends = append(ends, []int{len(line), len(line)})
		for _, e := range ends {
			seg := strings.TrimSpace(line[start:e[1]])
			start = e[1]
			if seg == "" {
				continue
			}
			c := claim{text: stripMarkers(seg)}
			for _, m := range markerRE.FindAllStringSubmatch(seg, -1) {
				k, _ := strconv.Atoi(m[1])
				if !slices.Contains(c.sources, k) {
					c.sources = append(c.sources, k)
				}
			}
			// Markers left alone after the stop, as at the end of a
			// reply ("… year. [1]"), cite the sentence before them.
			if c.text == "" && len(cs) > 0 {
				prev := &cs[len(cs)-1]
				prev.raw += " " + seg
				for _, k := range c.sources {
					if !slices.Contains(prev.sources, k) {
						prev.sources = append(prev.sources, k)
					}
				}
				continue
			}
			cs = append(cs, rawClaim{claim: c, raw: seg})
		}
		out = append(out, cs)
	}
	return out
}

// sourcesFor builds the sources of a cleaned text, one per passage in
// order, each quoting the passage sentences closest to the sentences that
// cite it, and flags sentences that share no content word with any
// passage they cite.
func sourcesFor(text string, order []int, ps []passage) ([]Source, []Flag) {
	byN := map[int]passage{}
	for _, p := range ps {
		byN[p.N] = p
	}
	sources := make([]Source, len(order))
	citing := make([][]claim, len(order))
	var flags []Flag
	for _, c := range claims(text) {
		if len(c.sources) == 0 {
			continue
		}
		words := stemSet(c.text)
		shared := len(words) == 0
		for _, k := range c.sources {
			citing[k-1] = append(citing[k-1], c)
			if overlap(words, stemSet(byN[order[k-1]].Chunk.Text)) > 0 {
				shared = true
			}
		}
		if !shared {
			flags = append(flags, Flag{Sentence: c.text, Sources: c.sources, Reason: "shares no content word with its cited passage"})
		}
	}
	for i, pn := range order {
		p := byN[pn]
		sources[i] = SourceOf(i+1, p.Chunk)
		sources[i].Quote, sources[i].Score = quoteFor(p.Chunk.Text, citing[i]), p.Score
	}
	return sources, flags
}

// quoteFor picks, for each sentence citing a passage, the passage sentence
// sharing most content words with it; the first sentence when none shares
// any. Distinct picks are joined with " … ", at most two.
func quoteFor(passageText string, citing []claim) string {
	spans := corpus.Sentences(passageText)
	if len(spans) == 0 {
		return passageText
	}
	sents := make([]string, len(spans))
	stems := make([]map[string]bool, len(spans))
	for i, sp := range spans {
		sents[i] = passageText[sp.Start:sp.End]
		stems[i] = stemSet(sents[i])
	}
	var picked []int
	for _, c := range citing {
		words := stemSet(c.text)
		best, bestN := 0, 0
		for i := range sents {
			if n := overlap(words, stems[i]); n > bestN {
				best, bestN = i, n
			}
		}
		if !slices.Contains(picked, best) && len(picked) < 2 {
			picked = append(picked, best)
		}
	}
	if len(picked) == 0 {
		picked = []int{0}
	}
	slices.Sort(picked)
	out := make([]string, len(picked))
	for i, k := range picked {
		out[i] = sents[k]
	}
	return strings.Join(out, " … ")
}

func overlap(a, b map[string]bool) int {
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return n
}

// trimToLength cuts text to at most limit bytes at the end of a sentence
// (its citations kept), or at a word when no sentence ends in time.
func trimToLength(text string, limit int) string {
	if len(text) <= limit {
		return text
	}
	cut := 0
	for _, e := range sentenceEnd.FindAllStringIndex(text, -1) {
		end := len(strings.TrimRight(text[:e[1]], " \t\r\n"))
		if end > limit {
			break
		}
		cut = end
	}
	if nl := strings.LastIndexByte(text[:limit], '\n'); nl > cut {
		cut = nl
	}
	if cut > 0 {
		return strings.TrimSpace(text[:cut])
	}
	return corpus.Quote(text, limit)
}
