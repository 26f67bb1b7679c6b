package bot

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// FitReport says how a model was fit.
type FitReport struct {
	Questions  int `json:"questions"`
	Answerable int `json:"answerable"`
	Sentences  int `json:"sentences"`
	Positives  int `json:"positives"`
	// Score is the worst group's accuracy over its target (see score) on
	// the calibration questions themselves. It flatters; the held-out half
	// says how good the model is.
	Score float64 `json:"score"`
}

// fitPart is one question part's scored candidates, for the threshold
// search.
type fitPart struct {
	a     analysis
	cands []candidate
	topic topicScores
}

type fitCase struct {
	c     EvalCase
	own   map[string]bool // the IDs of the case's story and its duplicates
	parts []fitPart
}

// Fit fits the answering model on calibration cases: a logistic
// regression from the features of every candidate sentence to whether it
// states an expected answer, then the thresholds that handle the most
// questions right, each kind of question counting alike. Only calibration
// cases may be given: the held-out half must not be seen.
func (s *Service) Fit(ctx context.Context, cases []EvalCase) (*Model, *FitReport, error) {
	rep := &FitReport{Questions: len(cases)}
	var fcs []fitCase
	var xs []features
	var ys []float64
	var groups []fitGroup
	paths := s.storyPaths()
	for _, c := range cases {
		own, err := c.ownStories(paths)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", c.ID, err)
		}
		fc := fitCase{c: c, own: own}
		if c.Answerable() {
			rep.Answerable++
		}
		for _, p := range s.partsOf(c.Question) {
			a := s.analyze(p)
			res, err := s.index.Find(ctx, Query{Text: p.text, K: max(s.opt.TopK, candidatePassages)})
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", c.ID, err)
			}
			cands := s.candidates(a, res)
			g := fitGroup{first: len(xs)}
			for _, cd := range cands {
				y := 0.0
				if c.Answerable() && answersCase(fc, cd) {
					y = 1
					rep.Positives++
				}
				xs = append(xs, cd.f)
				ys = append(ys, y)
				g.positives += int(y)
			}
			g.end = len(xs)
			if g.positives > 0 {
				groups = append(groups, g)
			}
			fc.parts = append(fc.parts, fitPart{a: a, cands: cands, topic: s.topicScores(a, res)})
		}
		fcs = append(fcs, fc)
	}
	rep.Sentences = len(xs)
	if rep.Positives == 0 || rep.Positives == len(xs) {
		return nil, nil, fmt.Errorf("can't fit: %d of %d candidate sentences answer", rep.Positives, len(xs))
	}
	m := &Model{Features: featureNames[:], Weights: logistic(xs, ys, groups, fitL2)}
	best := -1.0
	for answer := 0.02; answer < 0.99; answer += 0.02 {
		for follow := answer; follow < 0.99; follow += 0.04 {
			if sc := score(fcs, m, answer, follow, s.index.StoryHas); sc > best+1e-9 {
				best, m.Answer, m.Follow = sc, answer, follow
			}
		}
	}
	rep.Score = best
	m.Gate = gate(fcs)
	m.Support = s.fitSupport(fcs)
	m.Answer, m.Follow, m.Support = round3(m.Answer), round3(m.Follow), round3(m.Support)
	for i := range m.Weights {
		m.Weights[i] = round3(m.Weights[i])
	}
	m.Fit = fmt.Sprintf("logistic regression (L2 %g) on %d candidate sentences (%d answering) of %d calibration questions; worst group's accuracy over its target there %.3f",
		fitL2, rep.Sentences, rep.Positives, rep.Questions, rep.Score)
	return m, rep, nil
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// fitL2 is the ridge penalty: enough to keep weights finite when a
// feature separates the calibration set perfectly.
const fitL2 = 1.0

// answersCase reports whether a candidate sentence itself, from the case's
// story, states one of the facts the case expects.
func answersCase(fc fitCase, cd candidate) bool {
	if len(fc.own) > 0 && !fc.own[cd.chunk.ArticleID] {
		return false
	}
	for _, g := range fc.c.Answer {
		if containsAny(cd.text, g) {
			return true
		}
	}
	return false
}

// score rates the model with the given thresholds: answerable questions
// must be answered with every expected substring from their own story, the
// rest refused; the score is the worst of the three groups' accuracies
// (answerable, unanswerable, off-topic), each over its target.
func score(fcs []fitCase, m *Model, answer, follow float64, storyHas func(story, stem string) bool) float64 {
	right, total := map[string]float64{}, map[string]float64{}
	for _, fc := range fcs {
		var text strings.Builder
		var picked []candidate
		for _, p := range fc.parts {
			cands := rank(m, p.cands, picked, storyHas, p.a)
			d := pick(p.a, cands, answer, follow, storyHas)
			for _, c := range d.picked {
				text.WriteString(c.shown() + " ")
			}
			picked = append(picked, d.picked...)
		}
		// The targets are per group: answers, refusals of unanswerable
		// questions and of off-topic ones; each weighs the same.
		kind := fc.c.Kind
		if fc.c.Answerable() {
			kind = "answerable"
		}
		total[kind]++
		if len(picked) == 0 {
			if !fc.c.Answerable() {
				right[kind]++
			}
			continue
		}
		if fc.c.Answerable() && ownStory(fc.own, picked) && statesAll(text.String(), fc.c.Answer) {
			right[kind]++
		}
	}
	// The worst group, against its target, decides: the thresholds meet
	// every target as nearly as they can rather than trading one away.
	worst := math.Inf(1)
	for k, n := range total {
		target := refusalTarget
		if k == "answerable" {
			target = answerTarget
		}
		worst = min(worst, right[k]/n/target)
	}
	return worst
}

// The targets of issue 10: answer accuracy, and refusal accuracy for
// unanswerable and for off-topic questions.
const (
	answerTarget  = 0.85
	refusalTarget = 0.90
)

// ownStory reports whether every picked sentence comes from the case's
// story (any story when it names none).
func ownStory(own map[string]bool, picked []candidate) bool {
	if len(own) == 0 {
		return true
	}
	for _, p := range picked {
		if !own[p.chunk.ArticleID] {
			return false
		}
	}
	return true
}

// statesAll reports whether text states every group's fact.
func statesAll(text string, groups AnswerGroups) bool {
	for _, g := range groups {
		if !containsAny(text, g) {
			return false
		}
	}
	return true
}

// gate fits the off-topic gate on the answerable calibration questions'
// retrieval scores (see fitGate).
func gate(fcs []fitCase) OffTopicGate {
	var scores [][]topicScores
	for _, fc := range fcs {
		if !fc.c.Answerable() {
			continue
		}
		var parts []topicScores
		for _, p := range fc.parts {
			parts = append(parts, p.topic)
		}
		scores = append(scores, parts)
	}
	return fitGate(scores)
}

// fitSupport is the least support a sentence needs from the passages it
// cites: the level that best tells answering sentences cited to their own
// passage from the same sentences cited to another passage retrieved for
// the same question that doesn't answer it.
func (s *Service) fitSupport(fcs []fitCase) float64 {
	var pos, neg []float64
	for _, fc := range fcs {
		if !fc.c.Answerable() {
			continue
		}
		for _, p := range fc.parts {
			for _, c := range p.cands {
				if !answersCase(fc, c) {
					continue
				}
				pos = append(pos, s.support(c.text, []string{c.chunk.Text}))
				for _, o := range p.cands {
					if o.chunk.ID != c.chunk.ID && !answersCase(fc, o) {
						neg = append(neg, s.support(c.text, []string{o.chunk.Text}))
						break
					}
				}
			}
		}
	}
	best, at := -1.0, 0.5
	for t := 0.05; t < 1; t += 0.05 {
		acc := 0.0
		if len(pos) > 0 {
			acc += shareOf(pos, func(x float64) bool { return x >= t })
		}
		if len(neg) > 0 {
			acc += shareOf(neg, func(x float64) bool { return x < t })
		}
		if acc > best+1e-9 {
			best, at = acc, t
		}
	}
	return at
}

func shareOf(xs []float64, ok func(float64) bool) float64 {
	n := 0
	for _, x := range xs {
		if ok(x) {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}

// fitGroup is the candidate sentences of one answerable question part,
// xs[first:end], of which positives answer it.
type fitGroup struct{ first, end, positives int }

// logistic fits the model's weights by Newton's method, minimising two
// log losses together, with an L2 penalty on every weight but the bias
// (feature 0): each sentence's, for whether it answers (which sets how
// likely an answer is at all, and so refusals), and each answerable
// question part's, for which of its sentences answers (a conditional logit
// over the part's sentences: what ranks the answering sentence first).
func logistic(xs []features, ys []float64, groups []fitGroup, l2 float64) []float64 {
	w := make([]float64, nFeatures)
	for iter := 0; iter < 100; iter++ {
		var grad [nFeatures]float64
		var hess [nFeatures][nFeatures]float64
		z := make([]float64, len(xs))
		for n, x := range xs {
			for i := range w {
				z[n] += w[i] * x[i]
			}
			p := sigmoid(z[n])
			r := p * (1 - p)
			for i := range w {
				grad[i] += (p - ys[n]) * x[i]
				for j := range w {
					hess[i][j] += r * x[i] * x[j]
				}
			}
		}
		for _, g := range groups {
			// The loss is log Σ_all e^z − log Σ_answering e^z; each term's
			// gradient is its softmax mean of x, its Hessian the covariance.
			for _, sign := range []float64{1, -1} {
				keep := func(n int) bool { return sign > 0 || ys[n] == 1 }
				top := math.Inf(-1)
				for n := g.first; n < g.end; n++ {
					if keep(n) {
						top = max(top, z[n])
					}
				}
				var sum float64
				var mean [nFeatures]float64
				var second [nFeatures][nFeatures]float64
				for n := g.first; n < g.end; n++ {
					if !keep(n) {
						continue
					}
					e := math.Exp(z[n] - top)
					sum += e
					for i := range w {
						mean[i] += e * xs[n][i]
						for j := range w {
							second[i][j] += e * xs[n][i] * xs[n][j]
						}
					}
				}
				for i := range w {
					mean[i] /= sum
				}
				for i := range w {
					grad[i] += sign * mean[i]
					for j := range w {
						hess[i][j] += sign * (second[i][j]/sum - mean[i]*mean[j])
					}
				}
			}
		}
		for i := 1; i < nFeatures; i++ {
			grad[i] += l2 * w[i]
			hess[i][i] += l2
		}
		hess[0][0] += 1e-6
		step := solve(hess, grad)
		change := 0.0
		for i := range w {
			w[i] -= step[i]
			change = max(change, math.Abs(step[i]))
		}
		if change < 1e-8 {
			break
		}
	}
	return w
}

// solve solves a x = b by Gaussian elimination with partial pivoting.
func solve(a [nFeatures][nFeatures]float64, b [nFeatures]float64) [nFeatures]float64 {
	const n = nFeatures
	for col := 0; col < n; col++ {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		a[col], a[piv] = a[piv], a[col]
		b[col], b[piv] = b[piv], b[col]
		if math.Abs(a[col][col]) < 1e-12 {
			continue
		}
		for r := col + 1; r < n; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < n; c++ {
				a[r][c] -= f * a[col][c]
			}
			b[r] -= f * b[col]
		}
	}
	var x [n]float64
	for r := n - 1; r >= 0; r-- {
		if math.Abs(a[r][r]) < 1e-12 {
			continue
		}
		sum := b[r]
		for c := r + 1; c < n; c++ {
			sum -= a[r][c] * x[c]
		}
		x[r] = sum / a[r][r]
	}
	return x
}
