package retrieval

import "slices"

// queryTerms weights the question's stems at 1, and so the stems of two
// consecutive words joined when the corpus writes them as one, the stems
// of their synonyms, where the corpus has them, at expansionWeight, and
// those of their neighbours in meaning at less (see Neighbours).
func (ix *Index) queryTerms(toks []Token) map[string]float64 {
	terms, _ := ix.queryTermsNear(toks)
	return terms
}

// queryTermsNear is queryTerms with the question's words' neighbours in
// meaning (see Neighbours) added, and near mapping each neighbour's stem
// to the stem of the word it is near.
func (ix *Index) queryTermsNear(toks []Token) (terms map[string]float64, near map[string]string) {
	terms = map[string]float64{}
	for _, t := range toks {
		terms[t.Stem] = 1
	}
	// Two words the corpus writes as one ("golden eye", "GoldenEye";
	// "time warner", "TimeWarner") are that word too.
	for i := 1; i < len(toks); i++ {
		if st := Stem(toks[i-1].Word + toks[i].Word); terms[st] == 0 && ix.df(st) > 0 {
			terms[st] = 1
		}
	}
	if ix.expand != nil {
		for _, t := range toks {
			for _, syn := range ix.synonyms(t) {
				if _, ok := terms[syn]; !ok && ix.df(syn) > 0 {
					terms[syn] = expansionWeight
				}
			}
		}
	}
	return terms, ix.neighbours(toks, terms)
}

const expansionWeight = 0.5

// synonyms returns the stems of a token's synonyms, trying the word itself
// and then simple base forms, since the lexicon lists base forms only.
// They are a function of the word (whose stem t.Stem is, as Tokenize
// gives it): a search and its coverage ask for them twice, and the bot
// once more for each sentence it weighs, so they are memoised.
func (ix *Index) synonyms(t Token) []string {
	return ix.synonymMemo.get(t.Word, func(string) []string { return ix.lookUpSynonyms(t) })
}

func (ix *Index) lookUpSynonyms(t Token) []string {
	var out []string
	for _, form := range BaseForms(t.Word) {
		for _, s := range ix.expand(form) {
			for _, st := range Stems(s) {
				if st != t.Stem && !slices.Contains(out, st) {
					out = append(out, st)
				}
			}
		}
	}
	return out
}

// BaseForms returns a word and the base forms simple English suffix rules
// give it ("invaded": "invad", "invade"), for looking it up in a lexicon of
// base forms.
func BaseForms(w string) []string {
	forms := []string{w}
	for _, suf := range []string{"ies", "es", "s", "ed", "ing"} {
		if len(w) > len(suf)+2 && w[len(w)-len(suf):] == suf {
			base := w[:len(w)-len(suf)]
			if suf == "ies" {
				base += "y"
			}
			forms = append(forms, base)
			if suf == "ed" || suf == "ing" {
				forms = append(forms, base+"e")
			}
		}
	}
	return forms
}

// coverage is the IDF-weighted share of the question's stems that appear in
// the top hits, a synonym counting for expansionWeight of its word.
func (ix *Index) coverage(toks []Token, top []Hit) (float64, []string) {
	return ix.coverageBy(toks, func(stem string) bool { return ix.inHits(stem, top) })
}

// SentenceCoverage is the IDF-weighted share of the query's words, or their
// synonyms at a discount, among a sentence's stems: how well one sentence
// covers a question.
func (ix *Index) SentenceCoverage(query string, stems map[string]bool) float64 {
	c, _ := ix.coverageBy(Tokenize(query), func(stem string) bool { return stems[stem] })
	return c
}

func (ix *Index) coverageBy(toks []Token, has func(stem string) bool) (float64, []string) {
	var have, total float64
	var missing []string
	seen := map[string]bool{}
	for _, t := range toks {
		if seen[t.Stem] {
			continue
		}
		seen[t.Stem] = true
		w := ix.IDF(t.Stem)
		total += w
		switch {
		case has(t.Stem):
			have += w
		case ix.expand != nil && slices.ContainsFunc(ix.synonyms(t), has):
			have += w * expansionWeight
		default:
			missing = append(missing, t.Word)
		}
	}
	if total == 0 {
		return 0, missing
	}
	return have / total, missing
}

func (ix *Index) inHits(stem string, hits []Hit) bool {
	for _, h := range hits {
		if ix.hasStem(ix.pos[h.Chunk.ID], stem) {
			return true
		}
	}
	return false
}

// Relevance is the calibrated rule for "the corpus covers this question".
type Relevance struct {
	// TopN is how many of the best hits the question's words are looked for in.
	TopN int
	// MinCoverage is the least IDF-weighted share of the question's words
	// the top hits must contain.
	MinCoverage float64
	// RejectUnknownNames refuses questions naming something, such as
	// "China", that appears nowhere in the corpus.
	RejectUnknownNames bool
}

// DefaultRelevance was calibrated on testdata/qa.jsonl (see the eval command).
var DefaultRelevance = Relevance{TopN: 3, MinCoverage: 0.25, RejectUnknownNames: true}

func (r Relevance) covers(res *Result, toks []Token) bool {
	if len(toks) == 0 || len(res.Hits) == 0 || res.Coverage < r.MinCoverage {
		return false
	}
	if r.RejectUnknownNames {
		for _, t := range toks {
			if t.Capital && slices.Contains(res.Missing, t.Word) {
				return false
			}
		}
	}
	return true
}

// DF is the number of chunks holding stem.
func (ix *Index) DF(stem string) int { return ix.df(stem) }

// StoryHas reports whether any chunk of the story with the given ID holds
// stem: whether the story could speak of a question's word at all.
func (ix *Index) StoryHas(story, stem string) bool {
	si, ok := ix.byID[story]
	if !ok {
		return false
	}
	s := ix.stories[si]
	return ix.holds(s.First, s.First+s.N, stem)
}

// StoryIDF is stem's BM25 inverse document frequency among the chunks of
// the story with the given ID alone: how well the word tells that story's
// passages apart. A word every passage of the story holds (its title's,
// its subject) is near 0 there however rare it is in the collection; in a
// collection of one story it is IDF. 0 for an unknown story.
func (ix *Index) StoryIDF(story, stem string) float64 {
	si, ok := ix.byID[story]
	if !ok {
		return 0
	}
	st := ix.stories[si]
	df := 0
	if id, ok := ix.lex.ids[stem]; ok {
		ix.lexical()
		df = ix.bm.countIn(id, st.First, st.First+st.N)
	}
	return bm25IDF(float64(st.N), float64(df))
}
