package bot

import (
	"fmt"
)

// OffTopicGate decides, from retrieval scores alone, which questions LLM
// mode refuses without asking the model: only those both rankings put far
// off-topic. Its levels are fit on the calibration half (see fitGate), so
// that no answerable question there comes near them.
type OffTopicGate struct {
	// Coverage is the least weighted share of a question's words (each by
	// its rarity in English, a synonym or derived form at a discount)
	// that the retrieved passages hold: the lexical ranking's verdict.
	Coverage float64 `json:"coverage"`
	// Lead is the least lead of the best vector match's cosine similarity
	// over the other retrieved passages' mean: the embedding's verdict. An
	// embedding model that tells passages apart more sharply than the one
	// it was fit with only sends more questions to the language model.
	Lead float64 `json:"lead"`
}

// topicScores are one question part's retrieval scores for the gate.
type topicScores struct {
	Coverage, Lead float64
}

// topicScores measures how on-topic a question part's passages are.
func (s *Service) topicScores(a analysis, res *SearchResult) topicScores {
	var sents []passageSentence
	sims := make([]float64, 0, len(res.Hits))
	for _, h := range res.Hits {
		sents = append(sents, s.split.of(h.Chunk)...)
		sims = append(sims, h.Similarity)
	}
	has := func(st string) bool {
		for _, ps := range sents {
			if ps.stems[st] {
				return true
			}
		}
		return false
	}
	return topicScores{Coverage: a.coverageOf(has), Lead: lead(sims)}
}

// lead is how far the highest of sims lies above the mean of the others;
// 0 with fewer than two.
func lead(sims []float64) float64 {
	if len(sims) < 2 {
		return 0
	}
	best := 0
	for i, x := range sims {
		if x > sims[best] {
			best = i
		}
	}
	var sum float64
	for i, x := range sims {
		if i != best {
			sum += x
		}
	}
	return max(0, sims[best]-sum/float64(len(sims)-1))
}

// onTopic reports whether a question whose parts scored t reaches the
// model: any part that either ranking doesn't put far off-topic is enough.
func (g OffTopicGate) onTopic(t []topicScores) bool {
	for _, p := range t {
		if p.Coverage >= g.Coverage || p.Lead >= g.Lead {
			return true
		}
	}
	return false
}

func (g OffTopicGate) explain(t []topicScores) string {
	verdict := "refused without the model"
	if g.onTopic(t) {
		verdict = "on topic"
	}
	out := "off-topic gate: " + verdict
	for _, p := range t {
		out += fmt.Sprintf("; coverage %.3f (gate %.3f), similarity lead %.3f (gate %.3f)", p.Coverage, g.Coverage, p.Lead, g.Lead)
	}
	return out
}

// fitGate sets each of the gate's levels at half the lowest score any
// answerable calibration question reached on it (its best part's), so that
// only a question much further off-topic than all of them, by both
// rankings, is refused without asking the model.
func fitGate(answerable [][]topicScores) OffTopicGate {
	g := OffTopicGate{Coverage: 1, Lead: 2}
	for _, parts := range answerable {
		var best topicScores
		for _, p := range parts {
			best.Coverage = max(best.Coverage, p.Coverage)
			best.Lead = max(best.Lead, p.Lead)
		}
		g.Coverage = min(g.Coverage, best.Coverage)
		g.Lead = min(g.Lead, best.Lead)
	}
	return OffTopicGate{Coverage: round3(g.Coverage / 2), Lead: round3(g.Lead / 2)}
}
