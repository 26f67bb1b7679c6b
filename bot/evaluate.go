package bot

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file runs an evaluation set through retrieval and Answer and
// measures what users feel: the facts present and stated by a cited
// passage, refusals where nothing answers, and answers drawing on the wrong
// story.

// RecallDepths are the ranks recall is reported at.
var RecallDepths = []int{1, 4, 10}

// searchDepth is how many passages are ranked per question for recall and
// MRR.
const searchDepth = 50

// EvalResult is what happened to one case.
type EvalResult struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Split    string `json:"split,omitempty"`
	Story    string `json:"story,omitempty"`
	Question string `json:"question"`
	// StoryRank is the rank of the first retrieved passage from the
	// question's story; PassageRank is the least rank by which every part's
	// evidence is inside a retrieved passage. 0 means not within the first
	// 50 (or not applicable).
	StoryRank   int `json:"story_rank"`
	PassageRank int `json:"passage_rank"`
	// SentenceRank is, for an answerable question, the least rank by
	// which every part's candidate sentences, each part ranked by the
	// answering model, hold one stating an expected fact; 0 when some
	// part's don't. Rank 1 with a wrong answer is a failed decision to
	// answer, not a failed ranking.
	SentenceRank int    `json:"sentence_rank"`
	Refused      bool   `json:"refused"`
	Answer       string `json:"answer"`
	// Cited are the articles of the passages the answer cites.
	Cited []string `json:"cited,omitempty"`
	// Correct is, for an answerable question, every part stated and found
	// in a cited passage; otherwise, a refusal.
	Correct bool `json:"correct"`
	// OtherStory is an answer citing an article other than the question's;
	// Mixed, one citing more than one article.
	OtherStory bool `json:"other_story,omitempty"`
	Mixed      bool `json:"mixed,omitempty"`
	// Problem says what went wrong, when something did.
	Problem string `json:"problem,omitempty"`
	// Why is the answering service's explanation of its decision
	// (Answer.Why), for eval -v.
	Why string `json:"why,omitempty"`
}

// Recall is the share of answerable questions whose story, and whose
// evidence passages, are among the first K passages retrieved.
type Recall struct {
	K       int     `json:"k"`
	Story   float64 `json:"story"`
	Passage float64 `json:"passage"`
}

// EvalMetrics summarises a group of results. Rates are between 0 and 1;
// each has its count beside it, and a rate over no questions is 0.
type EvalMetrics struct {
	Cases        int `json:"cases"`
	Answerable   int `json:"answerable"`
	Unanswerable int `json:"unanswerable"`
	OffTopic     int `json:"offtopic"`
	// AnswerAccuracy: answerable questions answered with every part stated
	// by a passage the answer cites.
	AnswerAccuracy float64 `json:"answer_accuracy"`
	// FalseRefusals: answerable questions refused.
	FalseRefusals float64 `json:"false_refusals"`
	// UnanswerableRefused and OffTopicRefused are the refusal accuracies.
	UnanswerableRefused float64 `json:"unanswerable_refused"`
	OffTopicRefused     float64 `json:"offtopic_refused"`
	// Answers counts the answers (not refusals) to questions with a story;
	// OtherStory and Mixed are shares of them.
	Answers    int     `json:"answers"`
	OtherStory float64 `json:"other_story"`
	Mixed      float64 `json:"mixed"`
	// Recall is over the answerable questions with a story (story level)
	// and over all answerable questions (passage level); MRR is the
	// passage level's mean reciprocal rank.
	WithStory int      `json:"with_story"`
	Recall    []Recall `json:"recall"`
	MRR       float64  `json:"mrr"`
	// SentenceAt1 is the share of answerable questions whose every part's
	// best-ranked candidate sentence states an expected fact (see
	// EvalResult.SentenceRank).
	SentenceAt1 float64 `json:"sentence_at_1"`
}

// KindMetrics are the metrics of one kind of question.
type KindMetrics struct {
	Kind string `json:"kind"`
	EvalMetrics
}

// EvalSetReport is the evaluation of one set.
type EvalSetReport struct {
	Name  string `json:"name"`
	Split string `json:"split"`
	EvalMetrics
	Kinds   []KindMetrics `json:"kinds"`
	Results []EvalResult  `json:"results"`
}

// Failures returns the results that went wrong.
func (r *EvalSetReport) Failures() []EvalResult {
	var out []EvalResult
	for _, res := range r.Results {
		if res.Problem != "" {
			out = append(out, res)
		}
	}
	return out
}

// Kind returns the metrics of one kind; zero metrics when the set has none.
func (r *EvalSetReport) Kind(kind string) EvalMetrics {
	for _, k := range r.Kinds {
		if k.Kind == kind {
			return k.EvalMetrics
		}
	}
	return EvalMetrics{}
}

// untimedKey marks an evaluation's context: its answers run without the
// service's answer and search deadlines, which a loaded machine would
// otherwise turn into failed questions, or into fallbacks (a remote query
// embedding cut to BM25 alone) that score the machine's speed rather than
// the answers. A model API's own per-request timeout still bounds a hang.
type untimedKey struct{}

func untimed(ctx context.Context) context.Context { return context.WithValue(ctx, untimedKey{}, true) }

// withTimeout is context.WithTimeout, except in an evaluation's context.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if ctx.Value(untimedKey{}) != nil {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// Evaluate runs every case through search and Answer.
func (s *Service) Evaluate(ctx context.Context, name, split string, cases []EvalCase) (*EvalSetReport, error) {
	return s.evaluate(ctx, name, split, cases, false)
}

// EvaluateAlone is Evaluate with each question asked of its own story
// alone, as `--article` asks it: how the service answers over one story.
// Off-topic questions, of no story, are left out; a set over one story,
// whose questions name none, is asked as Evaluate asks it.
func (s *Service) EvaluateAlone(ctx context.Context, name, split string, cases []EvalCase) (*EvalSetReport, error) {
	return s.evaluate(ctx, name, split, slices.DeleteFunc(slices.Clone(cases), func(c EvalCase) bool { return c.Kind == KindOffTopic }), true)
}

func (s *Service) evaluate(ctx context.Context, name, split string, cases []EvalCase, alone bool) (*EvalSetReport, error) {
	ctx = untimed(ctx)
	if split == "" {
		split = SplitAll
	}
	rep := &EvalSetReport{Name: name, Split: split, Results: make([]EvalResult, len(cases))}
	paths := s.storyPaths()
	owns := make([]map[string]bool, len(cases))
	for i, c := range cases {
		// A set read from a file is checked as it is read; one built in
		// code is checked here.
		if err := c.check(); err != nil {
			return nil, fmt.Errorf("%s: %w", c.ID, err)
		}
		own, err := c.ownStories(paths)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.ID, err)
		}
		owns[i] = own
	}
	// Questions are independent and the service answers concurrently, so
	// a large set is evaluated on every core.
	errs := make([]error, len(cases))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(cases)) {
		wg.Go(func() {
			for i := range next {
				article := ""
				if alone {
					article = paths[cases[i].Story]
				}
				rep.Results[i], errs[i] = s.evalCase(ctx, cases[i], owns[i], article)
			}
		})
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cases[i].ID, err)
		}
	}
	rep.EvalMetrics = summarise(rep.Results, cases)
	for _, kind := range EvalKinds {
		var rs []EvalResult
		var cs []EvalCase
		for i, c := range cases {
			if c.Kind == kind {
				rs, cs = append(rs, rep.Results[i]), append(cs, c)
			}
		}
		if len(rs) > 0 {
			rep.Kinds = append(rep.Kinds, KindMetrics{Kind: kind, EvalMetrics: summarise(rs, cs)})
		}
	}
	return rep, nil
}

func (s *Service) evalCase(ctx context.Context, c EvalCase, own map[string]bool, article string) (EvalResult, error) {
	var storyRank, passageRank, sentenceRank int
	if c.Answerable() {
		res, err := s.index.Find(ctx, Query{Text: c.Question, K: searchDepth, Article: article})
		if err != nil {
			return EvalResult{}, err
		}
		storyRank, passageRank = ranks(c, own, res.Hits)
		if sentenceRank, err = s.sentenceRank(ctx, c, own, article); err != nil {
			return EvalResult{}, err
		}
	}
	ans, err := s.Answer(ctx, Request{Question: c.Question, Article: article}, nil)
	if err != nil {
		return EvalResult{}, err
	}
	r := judge(c, own, ans, s.articleOf)
	r.StoryRank, r.PassageRank, r.SentenceRank = storyRank, passageRank, sentenceRank
	return r, nil
}

// sentenceRank is EvalResult.SentenceRank: each part searched as Answer
// searches it and its candidates ranked by the model, alone (Answer ranks
// a later part's against what earlier parts picked).
func (s *Service) sentenceRank(ctx context.Context, c EvalCase, own map[string]bool, article string) (int, error) {
	parts, err := s.searchParts(ctx, c.Question, article)
	if err != nil {
		return 0, err
	}
	fc := fitCase{c: c, own: own}
	worst, best := 0, 0
	for _, sp := range parts {
		ranked := rank(s.model, sp.cands, nil, s.index.StoryHas, sp.a)
		at := slices.IndexFunc(ranked, func(cd candidate) bool { return answersCase(fc, cd) })
		if at < 0 {
			if c.Kind == KindPartial {
				continue
			}
			return 0, nil
		}
		worst = max(worst, at+1)
		if best == 0 || at+1 < best {
			best = at + 1
		}
	}
	if c.Kind == KindPartial {
		// Its answered part is the one whose sentences state its fact
		// soonest; the unanswered part has none to rank.
		return best, nil
	}
	return worst, nil
}

// judge decides whether ans is right for c, whose story and its duplicates
// have the article IDs own. articleOf names the article a cited source is
// from.
func judge(c EvalCase, own map[string]bool, ans *Answer, articleOf func(Source) string) EvalResult {
	r := EvalResult{ID: c.ID, Kind: c.Kind, Split: c.Split, Story: c.Story, Question: c.Question,
		Refused: ans.Refused, Answer: ans.Text, Why: ans.Why}
	cited := citedSources(ans)
	stories := map[string]bool{}
	for _, src := range cited {
		id := articleOf(src)
		if !slices.Contains(r.Cited, id) {
			r.Cited = append(r.Cited, id)
		}
		key := id
		if own[id] {
			key = "" // a story's duplicate is the story
		} else if c.Story != "" {
			r.OtherStory = true
		}
		stories[key] = true
	}
	r.Mixed = len(stories) > 1
	if !c.Answerable() {
		r.Correct = ans.Refused
		if !ans.Refused {
			r.Problem = "answered a question the corpus doesn't answer"
		}
		return r
	}
	if ans.Refused {
		r.Problem = "refused an answerable question"
		return r
	}
	var missing, unsupported []string
	for _, g := range c.Answer {
		switch {
		case !containsAny(ans.Text, g):
			missing = append(missing, strconv.Quote(g[0]))
		case !supported(g, cited):
			unsupported = append(unsupported, strconv.Quote(g[0]))
		}
	}
	r.Correct = len(missing) == 0 && len(unsupported) == 0
	switch {
	case len(missing) > 0:
		r.Problem = "the answer lacks " + strings.Join(missing, ", ")
	case len(unsupported) > 0:
		r.Problem = "no cited passage states " + strings.Join(unsupported, ", ")
	case c.Kind == KindPartial && !ans.Partial:
		r.Correct = false
		r.Problem = "doesn't say that nothing answers " + strconv.Quote(c.Unanswered)
	case c.Kind != KindPartial && ans.Partial:
		// Every part stated, and yet "… don't answer the rest".
		r.Correct = false
		r.Problem = "states every part, but says nothing answers the rest"
	case r.OtherStory:
		r.Problem = "right, but cites another story"
	}
	return r
}

// storyPaths maps the path of every article of the corpus, and of the
// duplicates folded into it, to the article's ID.
func (s *Service) storyPaths() map[string]string {
	paths := map[string]string{}
	for _, a := range s.corpus.Articles {
		paths[a.Path] = a.ID
		for _, al := range a.Aliases {
			paths[al.Path] = a.ID
		}
	}
	return paths
}

// ownStories are the IDs of the case's story and its duplicates.
func (c EvalCase) ownStories(paths map[string]string) (map[string]bool, error) {
	own := map[string]bool{}
	for _, p := range append([]string{c.Story}, c.Also...) {
		if p == "" {
			continue
		}
		id, ok := paths[p]
		if !ok {
			return nil, fmt.Errorf("story %s is not in the corpus", p)
		}
		own[id] = true
	}
	return own, nil
}

// ranks returns the rank of the first hit from the case's story and the
// rank by which every part's evidence has been retrieved.
func ranks(c EvalCase, own map[string]bool, hits []Hit) (story, passage int) {
	need := map[string]bool{}
	for i := range c.Answer {
		need[fold(c.evidenceFor(i))] = true
	}
	for i, h := range hits {
		if story == 0 && own[h.Chunk.ArticleID] {
			story = i + 1
		}
		text := fold(h.Chunk.Text)
		for ev := range need {
			if strings.Contains(text, ev) {
				delete(need, ev)
			}
		}
		if passage == 0 && len(need) == 0 {
			passage = i + 1
		}
	}
	return story, passage
}

// citedSources returns the sources the answer's text cites by number.
func citedSources(a *Answer) []Source {
	var out []Source
	seen := map[int]bool{}
	for _, m := range markerRE.FindAllStringSubmatch(a.Text, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil || seen[n] || n < 1 || n > len(a.Sources) {
			continue
		}
		seen[n] = true
		out = append(out, a.Sources[n-1])
	}
	return out
}

// supported reports whether a cited passage states one of the group's
// alternatives.
func supported(group []string, cited []Source) bool {
	for _, src := range cited {
		text := src.Passage
		if text == "" {
			text = src.Quote
		}
		if containsAny(text, group) {
			return true
		}
	}
	return false
}

// articleOf returns the ID of the article a source's passage is from.
func (s *Service) articleOf(src Source) string {
	if ch, ok := s.index.Chunk(src.ID); ok {
		return ch.ArticleID
	}
	return src.Article
}

func summarise(rs []EvalResult, cs []EvalCase) EvalMetrics {
	m := EvalMetrics{Cases: len(rs)}
	var correct, falseRefusals, unRefused, offRefused, other, mixed, mrr, sentence1 float64
	storyAt := make([]float64, len(RecallDepths))
	passageAt := make([]float64, len(RecallDepths))
	for i, r := range rs {
		c := cs[i]
		switch c.Kind {
		case KindUnanswerable:
			m.Unanswerable++
			if r.Refused {
				unRefused++
			}
		case KindOffTopic:
			m.OffTopic++
			if r.Refused {
				offRefused++
			}
		default:
			m.Answerable++
			if r.Correct {
				correct++
			}
			if r.Refused {
				falseRefusals++
			}
			if c.Story != "" {
				m.WithStory++
			}
			for j, k := range RecallDepths {
				if r.StoryRank > 0 && r.StoryRank <= k {
					storyAt[j]++
				}
				if r.PassageRank > 0 && r.PassageRank <= k {
					passageAt[j]++
				}
			}
			if r.PassageRank > 0 {
				mrr += 1 / float64(r.PassageRank)
			}
			if r.SentenceRank == 1 {
				sentence1++
			}
		}
		if !r.Refused && c.Story != "" {
			m.Answers++
			if r.OtherStory {
				other++
			}
			if r.Mixed {
				mixed++
			}
		}
	}
	m.AnswerAccuracy = share(correct, m.Answerable)
	m.FalseRefusals = share(falseRefusals, m.Answerable)
	m.UnanswerableRefused = share(unRefused, m.Unanswerable)
	m.OffTopicRefused = share(offRefused, m.OffTopic)
	m.OtherStory = share(other, m.Answers)
	m.Mixed = share(mixed, m.Answers)
	m.MRR = share(mrr, m.Answerable)
	m.SentenceAt1 = share(sentence1, m.Answerable)
	if m.Answerable > 0 {
		for j, k := range RecallDepths {
			m.Recall = append(m.Recall, Recall{K: k, Story: share(storyAt[j], m.WithStory), Passage: share(passageAt[j], m.Answerable)})
		}
	}
	return m
}

func share(x float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return x / float64(n)
}
