package bot

import (
	"slices"
	"strings"

	"github.com/articlebot/articlebot/bot/nountype"
	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// analysis is what the answering model knows of one question part.
type analysis struct {
	text  string // as normalised and corrected
	want  answerType
	terms []qterm
	total float64 // the terms' summed weight
	stems map[string]bool
	// bigrams are the question's pairs of consecutive content stems.
	bigrams map[string]bool
	vec     []float32 // its local embedding
	// matches are the stems of its terms, of their synonyms and
	// derived forms, and of two of them written as one.
	matches map[string]bool
	// focusMatches are those of its terms that are not names.
	focusMatches map[string]bool
	// counted are the words of what a "how many" question counts:
	// "people worldwide" of "How many people worldwide watch it?".
	counted []string
	// kinds are the nouns WordNet makes a kind of an entity question's
	// noun ("cancer", "flu" of "What illness …?"), found once for the
	// question rather than for each word of each sentence.
	kinds map[string]bool
	// phrases are its runs of capitalised words ("Golden Rose"), each a
	// name a text holds only written whole.
	phrases []retrieval.NamePhrase
}

// qterm is one content word of a question.
type qterm struct {
	word, stem string
	// weight is the word's evidence: how rare it is in English.
	weight float64
	name   bool
	// alts are the stems of its WordNet synonyms and derived forms.
	alts []string
	// joins are the stems of it and the question's word before or after
	// it written as one: "Time Warner" is there where a text writes
	// "TimeWarner".
	joins []string
}

// in reports whether a text with the stems has holds the word itself,
// written alone or joined to its neighbour in the question.
func (t qterm) in(has func(string) bool) bool {
	return has(t.stem) || slices.ContainsFunc(t.joins, has)
}

// expansionCredit is how much a synonym or derived form counts for, against
// the word itself.
const expansionCredit = 0.5

// analyze reads a question part: its answer type, its content words with
// their weights, which of them are names.
func (s *Service) analyze(p part) analysis {
	a := analysis{text: p.text, want: p.want, stems: map[string]bool{}, bigrams: map[string]bool{}, matches: map[string]bool{}, focusMatches: map[string]bool{}}
	a.counted = countedPhrase(p.text)
	a.phrases = retrieval.NamePhrases(p.text)
	toks := retrieval.Tokenize(p.text)
	a.vec = sentenceEmbedder.EmbedTokens(toks)
	// Function words the stop list lacks ask nothing of a sentence.
	function := functionStems(p.text)
	kind, kinds := "", []string(nil)
	if p.want == entity {
		kind = focusKind(p.text)
		kinds = nountype.KindsOf(kind)
		a.kinds = kindSet(kinds)
	}
	abbrevs := abbrevJoins(p.text)
	for i := 1; i < len(toks); i++ {
		a.bigrams[toks[i-1].Stem+" "+toks[i].Stem] = true
	}
	for i, t := range toks {
		if a.stems[t.Stem] || function[t.Stem] {
			continue
		}
		a.stems[t.Stem] = true
		qt := qterm{word: t.Word, stem: t.Stem, weight: s.weight(t.Stem), name: t.Capital || !english(t.Word)}
		if i > 0 {
			qt.joins = append(qt.joins, joinStem(toks[i-1], t))
		}
		if i+1 < len(toks) {
			qt.joins = append(qt.joins, joinStem(t, toks[i+1]))
		}
		qt.joins = append(qt.joins, abbrevs[t.Stem]...)
		for _, form := range retrieval.BaseForms(t.Word) {
			for _, w := range retrieval.Expand(form) {
				for _, st := range retrieval.Stems(w) {
					if st != t.Stem && !slices.Contains(qt.alts, st) {
						qt.alts = append(qt.alts, st)
					}
				}
			}
		}
		if kind != "" && slices.Contains(retrieval.BaseForms(strings.ToLower(t.Word)), kind) {
			// A kind of the noun an entity question asks about stands
			// for it, as a synonym does: "skin cancer" for "illness".
			for _, k := range kinds {
				for _, st := range retrieval.Stems(k) {
					if st != t.Stem && !slices.Contains(qt.alts, st) {
						qt.alts = append(qt.alts, st)
					}
				}
			}
		}
		a.terms = append(a.terms, qt)
		a.total += qt.weight
		for _, st := range append(append([]string{qt.stem}, qt.alts...), qt.joins...) {
			a.matches[st] = true
			if !qt.name {
				a.focusMatches[st] = true
			}
		}
	}
	return a
}

// abbrevJoins are, by stem, the abbreviation keys (see abbrevKey) that
// stand for a question's words in a text: "EU" is there where a text
// spells out "European Union", and "European" and "Union" are where it
// writes "EU".
func abbrevJoins(question string) map[string][]string {
	out := map[string][]string{}
	add := func(word, key string) {
		for _, st := range retrieval.Stems(word) {
			if !slices.Contains(out[st], key) {
				out[st] = append(out[st], key)
			}
		}
	}
	eachAbbrev(question, func(ab string) { add(ab, abbrevKey(ab, true)) }, func(in initialism) {
		for _, w := range in.words {
			for _, ab := range in.abbrevs {
				add(w, abbrevKey(ab, false))
			}
		}
	})
	return out
}

// holdsCounted reports whether a text with the stems has holds a word of
// what a "how many" question counts ("how many people worldwide"), itself
// or a synonym or derived form; true for a question that counts nothing.
func (a analysis) holdsCounted(has func(string) bool) bool {
	if len(a.counted) == 0 {
		return true
	}
	asked := false
	for _, t := range a.terms {
		if slices.ContainsFunc(a.counted, func(w string) bool { return strings.EqualFold(t.word, w) }) {
			asked = true
			if t.in(has) || slices.ContainsFunc(t.alts, has) {
				return true
			}
		}
	}
	return !asked
}

// weight is a stem's evidence: how rare it is in English, measured by its
// inverse document frequency in a background news collection rather than
// in the loaded corpus, where a one-story corpus makes "boil" look rare.
func (s *Service) weight(stem string) float64 { return retrieval.BackgroundIDF(stem) }

// coverage is the weighted share of the question's words in a set of
// stems, a synonym or derived form counting for expansionCredit, and the
// heaviest word missing from it, as a share of the total.
func (a analysis) coverage(has func(string) bool) (cov, heaviestMissing float64) {
	if a.total == 0 {
		return 0, 0
	}
	var got, miss float64
	for _, t := range a.terms {
		switch {
		case t.in(has):
			got += t.weight
		case slices.ContainsFunc(t.alts, has):
			got += expansionCredit * t.weight
		default:
			miss = max(miss, t.weight)
		}
	}
	return got / a.total, miss / a.total
}

// focus is the part of the question that is not its names: what it asks
// about them ("chief executive" of "Ask Jeeves").
func (a analysis) focus() analysis {
	f := analysis{text: a.text, want: a.want, stems: a.stems}
	for _, t := range a.terms {
		if !t.name {
			f.terms = append(f.terms, t)
			f.total += t.weight
		}
	}
	return f
}

// coverageOf is coverage's first result; 1 for a question with no words.
func (a analysis) coverageOf(has func(string) bool) float64 {
	if len(a.terms) == 0 {
		return 1
	}
	c, _ := a.coverage(has)
	return c
}

// Features of a candidate sentence. Each is a property any English text
// has; the model's weights say what each is worth.
const (
	fBias = iota
	fCovSent
	fCovCtx
	fCovStory
	fMissStory
	fNameMiss
	fTypeSent
	fTypeNear
	fTypeMiss
	fSim
	fLexical
	fRank
	fStoryTop
	fStoryHits
	fProximity
	fNovelty
	fCoverageRank
	fTypedCoverage
	fFocusCoverage
	fSentenceSim
	fBigrams
	fSlot
	fFocusSentence
	fMissContext
	fSlotFocus
	fSimilarityLead
	nFeatures
)

var featureNames = [nFeatures]string{
	"bias", "coverage_sentence", "coverage_context", "coverage_story", "heaviest_missing_from_story",
	"names_missing_from_story", "type_in_sentence", "type_in_neighbour", "type_missing", "similarity",
	"lexical", "passage_rank", "story_top", "story_hits", "proximity",
	"novelty", "coverage_of_best", "typed_coverage", "focus_coverage", "sentence_similarity", "bigrams",
	"type_near_question_words", "focus_coverage_sentence", "heaviest_missing_from_context",
	"type_near_focus_words", "similarity_lead",
}

type features [nFeatures]float64

// candidate is one sentence of a retrieved passage.
type candidate struct {
	chunk corpus.Chunk
	rank  float64 // the passage's fused retrieval score
	text  string
	terms map[string]bool // stems; shared, never modified
	// near is the neighbouring sentence that states the wanted fact when
	// this one doesn't; empty otherwise. nearFirst puts it before.
	near      string
	nearFirst bool
	f         features
	p         float64 // the model's probability that it answers
	explain   string  // the model's reasons, for the best candidate only
}

// joinedIn is, by story, what the passages of hits write as one word
// ("multi-polar") and the abbreviations they write or spell out: the
// index knows a story's words one by one.
func (s *Service) joinedIn(hits []Hit) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, h := range hits {
		m := out[h.Chunk.ArticleID]
		if m == nil {
			m = map[string]bool{}
			out[h.Chunk.ArticleID] = m
		}
		for _, ps := range s.split.of(h.Chunk) {
			for st := range ps.joined {
				m[st] = true
			}
			for k := range ps.abbrevs {
				m[k] = true
			}
		}
	}
	return out
}

// storyHas reports whether a story holds a stem, in the index or, joined
// or abbreviated, in its retrieved passages (joinedIn): "EU" is there
// where the story spells out "European Union".
func (s *Service) storyHas(story string, joined map[string]map[string]bool) func(string) bool {
	return func(st string) bool { return s.index.StoryHas(story, st) || joined[story][st] }
}

// candidates scores every sentence of the retrieved passages.
func (s *Service) candidates(a analysis, res *SearchResult) []candidate {
	hits := res.Hits
	maxLex := 0.0
	for _, h := range hits {
		maxLex = max(maxLex, h.BM25)
	}
	topStory := ""
	if len(hits) > 0 {
		topStory = hits[0].Chunk.ArticleID
	}
	// How far the best vector match leads the other passages: an
	// off-topic question's everyday words match every passage alike.
	sims := make([]float64, len(hits))
	for i, h := range hits {
		sims[i] = h.Similarity
	}
	simLead := lead(sims)
	storyHits := map[string]float64{}
	for _, h := range hits {
		storyHits[h.Chunk.ArticleID] += 1 / float64(len(hits))
	}
	storyJoined := s.joinedIn(hits)
	storyCov := map[string][2]float64{}
	nameMiss := map[string]float64{}
	var out []candidate
	for hi, h := range hits {
		story := h.Chunk.ArticleID
		sc, ok := storyCov[story]
		if !ok {
			has := s.storyHas(story, storyJoined)
			c, m := a.coverage(has)
			sc = [2]float64{c, m}
			storyCov[story] = sc
			names, missing := 0, 0
			written := s.storyWrites(story)
			for _, t := range a.terms {
				if t.name {
					names++
					if !a.holdsName(t, has, written) {
						missing++
					}
				}
			}
			if names > 0 {
				nameMiss[story] = float64(missing) / float64(names)
			}
		}
		sents := s.split.of(h.Chunk)
		// typed is where sentence j states a fact of the wanted type,
		// found once though each sentence is its neighbours' neighbour.
		var found [][][2]int
		if a.want.typed() {
			found = make([][][2]int, len(sents))
		}
		typed := func(j int) [][2]int {
			if found[j] == nil {
				found[j] = typeSpans(a.want, sents[j].text, a.text, a.kinds)
				if found[j] == nil {
					found[j] = [][2]int{}
				}
			}
			return found[j]
		}
		for si, ps := range sents {
			c := candidate{chunk: h.Chunk, rank: h.Score, text: ps.text, terms: ps.stems}
			f := &c.f
			f[fBias] = 1
			has := ps.has
			f[fCovSent], _ = a.coverage(has)
			inContext := func(st string) bool {
				return ps.has(st) || si > 0 && sents[si-1].has(st) || si+1 < len(sents) && sents[si+1].has(st)
			}
			f[fCovCtx], f[fMissContext] = a.coverage(inContext)
			f[fCovStory], f[fMissStory] = sc[0], sc[1]
			f[fNameMiss] = nameMiss[story]
			if a.want.typed() {
				// Where the sentence and its neighbours never say what a
				// "how many" question counts, only a count of something of
				// its kind answers: "a 25-man squad" counts players.
				spans := typed
				switch {
				case !a.holdsCounted(inContext):
					spans = func(j int) [][2]int { return sameKindCounts(slices.Clone(typed(j)), sents[j].text, a.counted) }
				case a.want == quantity && howMuchQ.MatchString(a.text):
					spans = func(j int) [][2]int { return a.amounts(slices.Clone(typed(j)), sents[j].text) }
				}
				if sp := spans(si); len(sp) > 0 {
					f[fTypeSent] = 1
					// A kind of an entity question's noun stands where the
					// noun would: "skin cancer" is next to "illness".
					inside := a.want == entity
					f[fSlot] = slot(a.matches, ps.words, sp, inside)
					f[fSlotFocus] = slot(a.focusMatches, ps.words, sp, inside)
				} else if pro := proForms(a.want, ps.text); len(pro) > 0 && si > 0 && len(spans(si-1)) > 0 {
					// A pro-form stands for the fact its previous sentence
					// states: the two are read as one, the fact where the
					// pro-form is.
					f[fTypeSent] = 1
					f[fSlot] = slot(a.matches, ps.words, pro, false)
					f[fSlotFocus] = slot(a.focusMatches, ps.words, pro, false)
					c.near, c.nearFirst = sents[si-1].text, true
				} else if si+1 < len(sents) && len(spans(si+1)) > 0 {
					f[fTypeNear] = 1
					c.near = sents[si+1].text
				} else if si > 0 && len(spans(si-1)) > 0 {
					f[fTypeNear] = 1
					c.near, c.nearFirst = sents[si-1].text, true
				} else {
					f[fTypeMiss] = 1
				}
			}
			f[fSim] = h.Similarity
			if maxLex > 0 {
				f[fLexical] = h.BM25 / maxLex
			}
			f[fRank] = 1 / float64(hi+1)
			if story == topStory {
				f[fStoryTop] = 1
			}
			f[fStoryHits] = storyHits[story]
			f[fSimilarityLead] = simLead
			f[fProximity] = proximity(a, ps.seq)
			f[fNovelty] = novelty(a, ps.stems)
			f[fSentenceSim] = cosine(a.vec, ps.vec)
			f[fBigrams] = bigramShare(a, ps.seq)
			// Coverage counts in full only where the wanted kind of fact is.
			switch {
			case !a.want.typed() || f[fTypeSent] == 1:
				f[fTypedCoverage] = f[fCovCtx]
			case f[fTypeNear] == 1:
				f[fTypedCoverage] = f[fCovCtx] / 2
			}
			focus := a.focus()
			f[fFocusCoverage] = focus.coverageOf(inContext)
			f[fFocusSentence] = focus.coverageOf(has)
			out = append(out, c)
		}
	}
	// How the sentence's coverage compares with the best covering
	// candidate's: the best covering sentence is likelier the answer than
	// one that merely covers much, in a passage about the question.
	// Sentences that cover alike score alike.
	most := 0.0
	for _, c := range out {
		most = max(most, c.f[fFocusSentence])
	}
	if most > 0 {
		for i := range out {
			out[i].f[fCoverageRank] = out[i].f[fFocusSentence] / most
		}
	}
	return out
}

// proximity is how close together the question's words sit in a
// sentence: the matched words over the span they take, 0 with fewer than
// two matched.
func proximity(a analysis, seq []string) float64 {
	first, last, n := -1, -1, 0
	seen := map[string]bool{}
	for i, st := range seq {
		if a.stems[st] {
			if first < 0 {
				first = i
			}
			last = i
			if !seen[st] {
				seen[st] = true
				n++
			}
		}
	}
	if n < 2 {
		return 0
	}
	return float64(n) / float64(last-first+1)
}

// slot is how near a fact of the wanted type sits to the question's words
// in a sentence: 1 over the fewest words between one of spans and a word
// of the question (or its synonym) among matches, 0 when none is beside
// one. The answer to "how many listeners voted" is the number next to
// "listeners", not a number elsewhere in a sentence that restates the
// question. With inside, a match within a span is as near as can be: a
// kind of the noun asked about stands where the noun would ("what
// illness" of "a long battle with skin cancer").
func slot(matches map[string]bool, words []sentenceWord, spans [][2]int, inside bool) float64 {
	best := 0.0
	for _, sp := range spans {
		first, last := -1, -1
		for i, w := range words {
			if w.end > sp[0] && w.start < sp[1] {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first < 0 {
			continue
		}
		for i, w := range words {
			if !slices.ContainsFunc(w.stems, func(st string) bool { return matches[st] }) {
				continue
			}
			if i >= first && i <= last {
				if inside {
					best = 1
				}
				continue
			}
			d := i - last
			if i < first {
				d = first - i
			}
			best = max(best, 1/float64(d))
		}
	}
	return best
}

// bigramShare is the share of the question's pairs of consecutive content
// words that a sentence holds in the same order.
func bigramShare(a analysis, seq []string) float64 {
	if len(a.bigrams) == 0 {
		return 0
	}
	n := 0
	seen := map[string]bool{}
	for i := 1; i < len(seq); i++ {
		b := seq[i-1] + " " + seq[i]
		if a.bigrams[b] && !seen[b] {
			seen[b] = true
			n++
		}
	}
	return float64(n) / float64(len(a.bigrams))
}

// novelty is the share of a sentence's words that the question doesn't
// hold: a sentence that only restates the question answers nothing.
func novelty(a analysis, stems map[string]bool) float64 {
	if len(stems) == 0 {
		return 0
	}
	n := 0
	for st := range stems {
		if !a.stems[st] {
			n++
		}
	}
	return float64(n) / float64(len(stems))
}
