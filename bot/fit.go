package bot

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
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
	// L2 is the ridge penalty cross-validation chose, and CrossValidated
	// the worst group's accuracy over its target with it on calibration
	// stories each left out of the fit: a fairer estimate than Score.
	L2             float64 `json:"l2"`
	CrossValidated float64 `json:"cross_validated"`
	// Dropped are the features left out (weight 0) because the model
	// cross-validated as well without them.
	Dropped []string `json:"dropped,omitempty"`
	dropped [nFeatures]bool
	// Grid is what cross-validation found for each penalty tried.
	Grid map[float64]cvResult `json:"grid,omitempty"`
	// Refit and Service compare, on the calibration questions, the fit
	// (weights and thresholds fit without a fold's stories, deciding that
	// fold) with the service's own model as it is: which to embed, chosen
	// on the calibration half alone. The service's model may have been fit
	// on some of these questions; the refit's figures never saw a
	// question's story.
	Refit   *Comparison `json:"refit,omitempty"`
	Service *Comparison `json:"service,omitempty"`
}

// Comparison is how a model decides the calibration questions: the share
// of each group (answerable, unanswerable, offtopic) handled right, asked
// of the collection and, with FitOptions.Alone, of each story alone, and
// the worst group's accuracy over its target on the collection.
type Comparison struct {
	Collection map[string]float64 `json:"collection"`
	Alone      map[string]float64 `json:"alone,omitempty"`
	Worst      float64            `json:"worst"`
}

// String is "answerable 0.70, unanswerable 0.82, offtopic 0.82 (alone:
// answerable 0.74, unanswerable 0.82); worst over target 0.819".
func (c *Comparison) String() string {
	groups := func(m map[string]float64) string {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(m)) {
			parts = append(parts, fmt.Sprintf("%s %.3f", k, m[k]))
		}
		return strings.Join(parts, ", ")
	}
	out := groups(c.Collection)
	if c.Alone != nil {
		out += " (alone: " + groups(c.Alone) + ")"
	}
	return out + fmt.Sprintf("; worst over target %.3f", c.Worst)
}

func comparison(whole, alone tally) *Comparison {
	c := &Comparison{Collection: map[string]float64{}, Worst: whole.worst()}
	for k, n := range whole.total {
		c.Collection[k] = whole.right[k] / n
	}
	if len(alone.total) > 0 {
		c.Alone = map[string]float64{}
		for k, n := range alone.total {
			c.Alone[strings.TrimSuffix(k, aloneGroup)] = alone.right[k] / n
		}
		c.Worst = min(c.Worst, alone.worst())
	}
	return c
}

// compare fills rep.Refit by nested cross-validation by story, the weights
// fit with penalty l2 and the thresholds fit on the other folds' questions
// asked of the collection, and rep.Service with the service's model m.
func (d fitData) compare(rep *FitReport, l2 float64, m *Model, storyHas func(story, stem string) bool) {
	fold := d.folds()
	var models [cvFolds]*Model
	var cuts [cvFolds]Cutoffs
	for k := range cvFolds {
		train := d.subset(func(i int) bool { return fold[i] != k })
		models[k] = train.weights(l2)
		cuts[k], _ = thresholds(train.cases, same(models[k], len(train.cases)), storyHas)
	}
	rep.Refit = decideEach(d.cases, func(i int) (*Model, Cutoffs) {
		k := fold[i]
		return models[k], cuts[k]
	}, storyHas)
	rep.Service = decideEach(d.cases, func(int) (*Model, Cutoffs) { return m, m.Cutoffs }, storyHas)
}

// decideEach decides case i of fcs with the model and the cutoffs decide
// gives it, and tallies the cases asked of the collection and those asked
// of their story alone apart.
func decideEach(fcs []fitCase, decide func(i int) (*Model, Cutoffs), storyHas func(story, stem string) bool) *Comparison {
	var whole, alone tally
	for i, fc := range fcs {
		t := &whole
		if fc.alone {
			t = &alone
		}
		m, cut := decide(i)
		t.add([]fitCase{fc}, []*Model{m}, cut, storyHas)
	}
	return comparison(whole, alone)
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
	alone bool // asked of its story alone (FitOptions.Alone)
}

// FitOptions say how Fit chooses what it doesn't learn by regression.
type FitOptions struct {
	// CrossValidate chooses the ridge penalty, the features and the
	// thresholds by cross-validation over the calibration stories (see
	// fitData.choose) instead of fixing the penalty at fitL2 and fitting
	// the thresholds on the questions the weights were fit on.
	// Measured on 2026-12-02 it did worse on the held-out half (answers
	// 0.574, unanswerable refused 0.609, against 0.603 and 0.739), so it
	// is not the default.
	CrossValidate bool
	// Alone also asks each calibration question of its story alone (the
	// search restricted to it, as `--article` restricts it), so that the
	// model learns from a one-story corpus as well as from the whole
	// collection: a feature such as story_hits or story_top takes other
	// values when every passage is of one story, as with the built-in
	// article or one asked about by name.
	Alone bool
	// Thresholds keeps the service's own model (its weights, off-topic
	// gate and support level) and fits only the answer and follow
	// thresholds: the features have changed since the weights were fit,
	// and the probabilities they give with them sit elsewhere.
	Thresholds bool
}

// Fit fits the answering model on calibration cases: a logistic
// regression from the features of every candidate sentence to whether it
// states an expected answer, then the thresholds that handle the most
// questions right, each kind of question counting alike. Only calibration
// cases may be given: the held-out half must not be seen.
func (s *Service) Fit(ctx context.Context, cases []EvalCase, opt FitOptions) (*Model, *FitReport, error) {
	ctx = untimed(ctx)
	d, rep, err := s.fitData(ctx, cases, opt.Alone)
	if err != nil {
		return nil, nil, err
	}
	fcs := d.cases
	if opt.Thresholds {
		m := *s.model
		m.Weights = slices.Clone(s.model.Weights)
		m.Cutoffs, rep.Score = thresholds(fcs, same(&m, len(fcs)), s.index.StoryHas)
		m.Fit = fmt.Sprintf("%s; answer and follow thresholds refit with these weights on %d candidate sentences of %d calibration questions, worst group's accuracy over its target there %.3f",
			strings.SplitN(s.model.Fit, "; answer and follow thresholds refit", 2)[0], rep.Sentences, rep.Questions, rep.Score)
		return &m, rep, nil
	}
	l2 := fitL2
	var m *Model
	if opt.CrossValidate {
		var cv cvResult
		l2, cv = d.choose(rep, s.index.StoryHas)
		// The weights are fit on every calibration question; the
		// thresholds are cross-validation's.
		m = d.without(rep.dropped).weights(l2)
		m.Cutoffs = cv.Cutoffs
		rep.Score = score(fcs, same(m, len(fcs)), m.Cutoffs, s.index.StoryHas)
	} else {
		m = d.weights(l2)
		m.Cutoffs, rep.Score = thresholds(fcs, same(m, len(fcs)), s.index.StoryHas)
		d.compare(rep, l2, s.model, s.index.StoryHas)
	}
	m.Features = featureNames[:]
	m.Gate = gate(fcs)
	m.Support = s.fitSupport(collectionCases(fcs))
	m.Support = round3(m.Support)
	how := fmt.Sprintf("L2 %g", l2)
	if opt.CrossValidate {
		how = fmt.Sprintf("L2, features and thresholds chosen by %d-fold cross-validation by story: L2 %g, %d features left out, worst group's accuracy over its target on the left-out folds %.3f",
			cvFolds, l2, len(rep.Dropped), rep.CrossValidated)
	}
	m.Fit = fmt.Sprintf("logistic regression (%s) on %d candidate sentences (%d answering) of %d calibration questions; worst group's accuracy over its target there %.3f",
		how, rep.Sentences, rep.Positives, rep.Questions, rep.Score)
	return m, rep, nil
}

// fitData scores every candidate sentence of the cases' question parts and
// labels it by whether it states an expected answer.
func (s *Service) fitData(ctx context.Context, cases []EvalCase, alone bool) (fitData, *FitReport, error) {
	rep := &FitReport{Questions: len(cases)}
	var fcs []fitCase
	var xs []features
	var ys []float64
	var groups []fitGroup
	var rows [][2]int // each case's candidates, xs[first:end]
	paths := s.storyPaths()
	type asked struct {
		c     EvalCase
		story string // the story the search is restricted to; "" for all
	}
	var all []asked
	for _, c := range cases {
		all = append(all, asked{c: c})
	}
	if alone {
		for _, c := range cases {
			if c.Story != "" {
				all = append(all, asked{c: c, story: paths[c.Story]})
			}
		}
	}
	for _, q := range all {
		c := q.c
		own, err := c.ownStories(paths)
		if err != nil {
			return fitData{}, nil, fmt.Errorf("%s: %w", c.ID, err)
		}
		fc := fitCase{c: c, own: own, alone: q.story != ""}
		first := len(xs)
		if c.Answerable() && !fc.alone {
			rep.Answerable++
		}
		parts, err := s.searchParts(ctx, c.Question, q.story)
		if err != nil {
			return fitData{}, nil, fmt.Errorf("%s: %w", c.ID, err)
		}
		for _, sp := range parts {
			a, res, cands := sp.a, sp.res, sp.cands
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
		rows = append(rows, [2]int{first, len(xs)})
	}
	rep.Sentences = len(xs)
	if rep.Positives == 0 || rep.Positives == len(xs) {
		return fitData{}, nil, fmt.Errorf("can't fit: %d of %d candidate sentences answer", rep.Positives, len(xs))
	}
	return fitData{cases: fcs, xs: xs, ys: ys, groups: groups, rows: rows}, rep, nil
}

// searchedPart is one part of a question searched as Answer searches it:
// its analysis, the passages found and their candidate sentences.
type searchedPart struct {
	a     analysis
	res   *SearchResult
	cands []candidate
}

// searchParts searches each part of a question as Answer does, first in
// the stories the whole question is about, in article alone when it is
// not empty.
func (s *Service) searchParts(ctx context.Context, question, article string) ([]searchedPart, error) {
	parts := s.partsOf(question)
	about := ""
	if len(parts) > 1 {
		about = question
	}
	out := make([]searchedPart, 0, len(parts))
	for _, p := range parts {
		a := s.analyze(p)
		res, err := s.index.Find(ctx, Query{Text: p.text, K: max(s.opt.TopK, candidatePassages), About: about, Article: article})
		if err != nil {
			return nil, err
		}
		out = append(out, searchedPart{a: a, res: res, cands: s.candidates(a, res)})
	}
	return out, nil
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// weights fits the model's weights on the data (see logistic) with ridge
// penalty l2, rounded as model.json keeps them, so that the thresholds are
// fit on the model that is written.
func (d fitData) weights(l2 float64) *Model {
	m := &Model{Weights: logistic(d.xs, d.ys, d.groups, l2)}
	for i := range m.Weights {
		m.Weights[i] = round3(m.Weights[i])
	}
	return m
}

// fitL2 is the ridge penalty without cross-validation: enough to keep
// weights finite when a feature separates the calibration set perfectly.
const fitL2 = 1.0

// l2Grid are the ridge penalties cross-validation chooses from: from
// barely enough to keep weights finite when a feature separates the
// calibration set perfectly, to enough to shrink every weight far.
var l2Grid = []float64{0.3, 1, 3, 10, 30, 100}

// cvFolds is how many folds cross-validation splits the calibration
// stories into.
const cvFolds = 5

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

// thresholds finds the cutoffs that score best (see score) on fcs, case i
// decided with models[i].
func thresholds(fcs []fitCase, models []*Model, storyHas func(story, stem string) bool) (best Cutoffs, score float64) {
	score = -1.0
	// The ranking of a part's candidates doesn't depend on the thresholds,
	// only on what earlier parts picked: rank each once.
	ranked := map[rankKey][]candidate{}
	for a := 0.02; a < 0.99; a += 0.02 {
		for f := a; f < 0.99; f += 0.04 {
			for _, lead := range marginGrid {
				cut := Cutoffs{Answer: round3(a), Follow: round3(f), Margin: lead}
				t := tally{ranked: ranked}
				t.add(fcs, models, cut, storyHas)
				if sc := t.worst(); sc > score+1e-9 {
					score, best = sc, cut
				}
			}
		}
	}
	return best, score
}

// marginGrid are the margins (Cutoffs.Margin) the threshold search tries,
// none first: a margin is kept only where it decides better.
var marginGrid = []float64{0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2}

// score rates models with the given cutoffs: answerable questions must be
// answered with every expected substring from their own story, the rest
// refused; the score is the worst of the three groups' accuracies
// (answerable, unanswerable, off-topic), each over its target.
func score(fcs []fitCase, models []*Model, cut Cutoffs, storyHas func(story, stem string) bool) float64 {
	var t tally
	t.add(fcs, models, cut, storyHas)
	return t.worst()
}

// same is n copies of one model.
func same(m *Model, n int) []*Model {
	out := make([]*Model, n)
	for i := range out {
		out[i] = m
	}
	return out
}

// tally counts questions handled right by kind: "answerable",
// "unanswerable" and "offtopic".
type tally struct {
	right, total map[string]float64
	// ranked, when set, keeps each part's ranked candidates for another
	// add with the same cases and models.
	ranked map[rankKey][]candidate
}

// rankKey is a case's part and what earlier parts picked, by text.
type rankKey struct {
	fc, part int
	picked   string
}

// add decides fcs, case i with models[i], and counts the outcomes.
func (t *tally) add(fcs []fitCase, models []*Model, cut Cutoffs, storyHas func(story, stem string) bool) {
	if t.total == nil {
		t.right, t.total = map[string]float64{}, map[string]float64{}
	}
	for i, fc := range fcs {
		m := models[i]
		var text strings.Builder
		var picked []candidate
		unanswered := false
		for j, p := range fc.parts {
			var cands []candidate
			key := rankKey{fc: i, part: j}
			if t.ranked != nil {
				for _, c := range picked {
					key.picked += c.text + "\x00"
				}
				cands = t.ranked[key]
			}
			if cands == nil {
				cands = rank(m, p.cands, picked, storyHas, p.a)
				if t.ranked != nil {
					t.ranked[key] = cands
				}
			}
			d := pick(p.a, cands, cut, storyHas)
			for _, c := range d.picked {
				text.WriteString(c.shown() + " ")
			}
			picked = append(picked, d.picked...)
			// pick alone decides here: the service's rule that an
			// earlier part's sentence may answer this one too
			// (extractFrom) is not modelled in the fit.
			unanswered = unanswered || len(d.picked) == 0
		}
		// The targets are per group: answers, refusals of unanswerable
		// questions and of off-topic ones; each weighs the same.
		kind := fc.c.Kind
		if fc.c.Answerable() {
			kind = "answerable"
		}
		if fc.alone {
			kind += aloneGroup
		}
		t.total[kind]++
		if len(picked) == 0 {
			if !fc.c.Answerable() {
				t.right[kind]++
			}
			continue
		}
		// A partial question's answer says that nothing answers a part.
		if fc.c.Answerable() && ownStory(fc.own, picked) && statesAll(text.String(), fc.c.Answer) &&
			(fc.c.Kind != KindPartial || unanswered) {
			t.right[kind]++
		}
	}
}

// aloneGroup marks the groups of the cases asked of their story alone
// (FitOptions.Alone): the thresholds serve a question asked of one story
// (the built-in article, `--article`) as well as one asked of a
// collection, so each group there counts as one of its own.
const aloneGroup = " alone"

// worst is the worst group's accuracy over its target: the thresholds
// meet every target as nearly as they can rather than trading one away.
func (t tally) worst() float64 {
	worst := math.Inf(1)
	for k, n := range t.total {
		target := refusalTarget
		if strings.TrimSuffix(k, aloneGroup) == "answerable" {
			target = answerTarget
		}
		worst = min(worst, t.right[k]/n/target)
	}
	return worst
}

// fitData is what a fit learns from: the calibration cases, and every
// candidate sentence's features and label, rows[i] being case i's.
type fitData struct {
	cases  []fitCase
	xs     []features
	ys     []float64
	groups []fitGroup
	rows   [][2]int
}

// without is the data with the features drop marks zeroed, so that their
// weights stay 0.
func (d fitData) without(drop [nFeatures]bool) fitData {
	out := d
	out.xs = make([]features, len(d.xs))
	for n, x := range d.xs {
		for j := range x {
			if drop[j] {
				x[j] = 0
			}
		}
		out.xs[n] = x
	}
	return out
}

// subset is the data of the cases keep allows, renumbered.
func (d fitData) subset(keep func(i int) bool) fitData {
	var out fitData
	for i, fc := range d.cases {
		if !keep(i) {
			continue
		}
		r := d.rows[i]
		shift := len(out.xs) - r[0]
		out.cases = append(out.cases, fc)
		out.xs = append(out.xs, d.xs[r[0]:r[1]]...)
		out.ys = append(out.ys, d.ys[r[0]:r[1]]...)
		out.rows = append(out.rows, [2]int{r[0] + shift, r[1] + shift})
		for _, g := range d.groups {
			if g.first >= r[0] && g.end <= r[1] {
				out.groups = append(out.groups, fitGroup{first: g.first + shift, end: g.end + shift, positives: g.positives})
			}
		}
	}
	return out
}

// fold is the cross-validation fold of case i: a story's questions share
// one, so that a fold's stories are unseen by the fit that is scored on
// them, as the held-out half's are. Questions of no story (off-topic)
// are dealt out in turn.
func (d fitData) folds() []int {
	out := make([]int, len(d.cases))
	story := map[string]int{}
	loose := 0
	for i, fc := range d.cases {
		if fc.c.Story == "" {
			out[i] = loose % cvFolds
			loose++
			continue
		}
		f, ok := story[fc.c.Story]
		if !ok {
			f = len(story) % cvFolds
			story[fc.c.Story] = f
		}
		out[i] = f
	}
	return out
}

// cvResult is what cross-validation found for one penalty: the thresholds
// that decide the calibration questions best when each is decided by a
// model fit without its story, and the score they reach.
type cvResult struct {
	Cutoffs
	Score float64
	// First is how many of the answerable question parts with an
	// answering sentence among their candidates (Rankable) rank one first
	// with the models fit without their story: ranking, apart from the
	// thresholds.
	First    int `json:"first"`
	Rankable int `json:"rankable"`
}

// crossValidate fits the weights on all folds but one for each fold, so
// that every calibration question has a probability from a model that
// never saw its story, as a held-out question has; then finds the
// thresholds that decide those questions best. In-sample probabilities
// flatter the answering sentences, so thresholds fit on them answer too
// readily on unseen stories.
func (d fitData) crossValidate(l2 float64, storyHas func(story, stem string) bool) cvResult {
	fold := d.folds()
	models := make([]*Model, len(d.cases))
	for k := 0; k < cvFolds; k++ {
		train := d.subset(func(i int) bool { return fold[i] != k })
		m := train.weights(l2)
		for i := range d.cases {
			if fold[i] == k {
				models[i] = m
			}
		}
	}
	var r cvResult
	r.Cutoffs, r.Score = thresholds(d.cases, models, storyHas)
	r.First, r.Rankable = rankedFirst(d.cases, models, storyHas)
	return r
}

// rankedFirst counts the answerable question parts of fcs with an
// answering sentence among their candidates, and those of them whose best
// ranked candidate (case i ranked by models[i], each part on its own)
// answers.
func rankedFirst(fcs []fitCase, models []*Model, storyHas func(story, stem string) bool) (first, rankable int) {
	for i, fc := range fcs {
		if !fc.c.Answerable() {
			continue
		}
		for _, p := range fc.parts {
			answers := func(c candidate) bool { return answersCase(fc, c) }
			cands := rank(models[i], p.cands, nil, storyHas, p.a)
			if !slices.ContainsFunc(cands, answers) {
				continue
			}
			rankable++
			if answers(cands[0]) {
				first++
			}
		}
	}
	return first, rankable
}

// choose picks by cross-validation the penalty of l2Grid, then the
// features to leave out (each in turn, for good, if the model
// cross-validates as well without it), recording both in rep; it returns
// the penalty and what cross-validation found with it.
func (d fitData) choose(rep *FitReport, storyHas func(story, stem string) bool) (float64, cvResult) {
	rep.Grid = map[float64]cvResult{}
	for _, x := range l2Grid {
		rep.Grid[x] = d.crossValidate(x, storyHas)
	}
	l2 := chooseL2(rep.Grid)
	cv := rep.Grid[l2]
	for j := 1; j < nFeatures; j++ {
		try := rep.dropped
		try[j] = true
		if r := d.without(try).crossValidate(l2, storyHas); r.Score >= cv.Score-1e-9 {
			rep.dropped, cv = try, r
			rep.Dropped = append(rep.Dropped, featureNames[j])
		}
	}
	rep.L2, rep.CrossValidated = l2, cv.Score
	return l2, cv
}

// chooseL2 is the penalty of l2Grid that cross-validated best, the
// larger on a tie.
func chooseL2(grid map[float64]cvResult) float64 {
	best, l2 := -1.0, 0.0
	for _, x := range l2Grid {
		if sc := grid[x].Score; sc >= best-1e-9 {
			l2, best = x, sc
		}
	}
	return l2
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

// collectionCases are the cases asked of the whole collection.
func collectionCases(fcs []fitCase) []fitCase {
	return slices.DeleteFunc(slices.Clone(fcs), func(fc fitCase) bool { return fc.alone })
}

// gate fits the off-topic gate on the answerable calibration questions'
// retrieval scores (see fitGate), asked of the whole collection: a search
// restricted to the question's story scores it as no search of a
// collection would.
func gate(fcs []fitCase) OffTopicGate {
	var scores [][]topicScores
	for _, fc := range fcs {
		if !fc.c.Answerable() || fc.alone {
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
		// A full Newton step can overshoot where the loss is far from
		// quadratic: halve it until the loss falls. (Without this, a
		// conditional logit alone over the calibration parts with a
		// penalty of 3 ran off to weights that ranked the answering
		// sentence first for 11 of 82 parts, against 65 with it.)
		before := fitLoss(w, xs, ys, groups, l2)
		next := make([]float64, nFeatures)
		for t := 1.0; t > 1e-6; t /= 2 {
			for i := range w {
				next[i] = w[i] - t*step[i]
			}
			if fitLoss(next, xs, ys, groups, l2) <= before+1e-12 {
				break
			}
		}
		change := 0.0
		for i := range w {
			change = max(change, math.Abs(next[i]-w[i]))
		}
		copy(w, next)
		if change < 1e-8 {
			break
		}
	}
	return w
}

// fitLoss is what logistic minimises, at weights w.
func fitLoss(w []float64, xs []features, ys []float64, groups []fitGroup, l2 float64) float64 {
	z := make([]float64, len(xs))
	loss := 0.0
	for n, x := range xs {
		for i := range w {
			z[n] += w[i] * x[i]
		}
		// log(1+e^z) − y z, computed without overflow.
		loss += max(z[n], 0) + math.Log1p(math.Exp(-math.Abs(z[n]))) - ys[n]*z[n]
	}
	for _, g := range groups {
		for _, sign := range []float64{1, -1} {
			top := math.Inf(-1)
			for n := g.first; n < g.end; n++ {
				if sign > 0 || ys[n] == 1 {
					top = max(top, z[n])
				}
			}
			sum := 0.0
			for n := g.first; n < g.end; n++ {
				if sign > 0 || ys[n] == 1 {
					sum += math.Exp(z[n] - top)
				}
			}
			loss += sign * (top + math.Log(sum))
		}
	}
	for i := 1; i < len(w); i++ {
		loss += l2 / 2 * w[i] * w[i]
	}
	return loss
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
