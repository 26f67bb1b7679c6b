// Package bot is the answering service: it validates questions, retrieves
// passages and drafts cited answers and summaries. It knows nothing of
// Discord or the terminal; both front ends call it.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/internal/config"
	"github.com/articlebot/articlebot/retrieval"
)

// Answer is a drafted answer with its numbered sources.
type Answer struct {
	Question string `json:"question"`
	// Standalone is the question a follow-up became once its conversation
	// was taken into account, and what was searched and answered; empty
	// when the question stood alone.
	Standalone string `json:"standalone_question,omitempty"`
	// Text carries [n] markers that refer to Sources[n-1].
	Text    string   `json:"answer"`
	Refused bool     `json:"refused"`
	Sources []Source `json:"sources"`
	Drafter string   `json:"drafter"`
	// Usage is the language model tokens the answer cost: zero when it
	// was drafted extractively or came from the cache.
	Usage Usage `json:"usage"`
	// Note, when set, tells the reader that something went wrong, such as
	// the language model being unavailable. Text begins with it too.
	Note string `json:"note,omitempty"`
	// Flags are sentences whose cited passages share no content word with
	// them: citations to check.
	Flags []Flag `json:"flags,omitempty"`
	// Partial is true when the answer says that nothing answers some part
	// of the question ("… don't answer the rest of the question").
	Partial bool `json:"partial,omitempty"`
	// Cached is true when the answer was reused from the answer cache.
	Cached bool `json:"cached,omitempty"`
	// Why, when set, explains the decision to answer or refuse (the
	// features and scores behind it), for `articlebot eval -v`; front ends
	// don't show it.
	Why string `json:"why,omitempty"`

	// retrieval is the time spent finding passages, for Event.
	retrieval time.Duration
	// cause is why the answer is degraded (a fallback, or passages found
	// without the query's embedding), for Event; "" when it is not.
	cause ErrorKind
	// decisions are the answering model's verdicts, for Explanation.
	decisions []decision
}

// Source is a passage an answer cites.
type Source struct {
	N  int    `json:"n"`
	ID string `json:"id"`
	// Article is the story's title; ArticleID, URL and Published are the
	// story's too (URL and Published empty when its front matter has none).
	Article   string  `json:"article"`
	ArticleID string  `json:"article_id"`
	URL       string  `json:"url"`
	Published string  `json:"published"`
	Section   string  `json:"section"`
	Quote     string  `json:"quote"`   // the cited sentences
	Passage   string  `json:"passage"` // the whole chunk
	Score     float64 `json:"score"`
}

// SourceOf is source n for chunk ch, quoting the whole passage; callers
// narrow Quote to the cited sentences and set Score.
func SourceOf(n int, ch corpus.Chunk) Source {
	return Source{
		N: n, ID: ch.ID, Article: ch.ArticleTitle, ArticleID: ch.ArticleID, URL: ch.ArticleURL,
		Published: ch.ArticlePublished, Section: ch.Section, Quote: ch.Text, Passage: ch.Text,
	}
}

// Drafter names, as reported in answers.
const (
	DrafterExtractive = "extractive"
	DrafterLLM        = "llm"
)

// Drafter writes text with a language model: the seam between the service
// and a model API. The service renders the prompts, checks the citations
// and falls back to extractive answers; a Drafter only talks to the model.
// Its errors wrap ErrModelConfig, ErrContextLength or ErrModelUnavailable;
// an error wrapping none of them is a bug.
type Drafter interface {
	// Draft returns the model's reply to p, passing the reply so far to
	// onPartial (when not nil) as it arrives.
	Draft(ctx context.Context, p Prompt, onPartial func(text string)) (Completion, error)
}

// Input errors: the caller asked badly, as opposed to the service failing.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = errors.New("the question is too long")
	ErrUnknownSection  = errors.New("no such section")
	ErrBadLength       = errors.New("unknown summary length")
)

// Language model errors a Drafter returns.
var (
	// ErrModelConfig means the model API refused the configuration (a
	// wrong API key, model or URL): no retry or fallback fixes it.
	ErrModelConfig = errors.New("language model configuration error")
	// ErrContextLength means the prompt was too long for the model.
	ErrContextLength = errors.New("the prompt is longer than the model's context")
	// ErrModelUnavailable means the model API (the chat model's, or the
	// embedding model's behind a Retriever) failed or could not be reached.
	ErrModelUnavailable = errors.New("the language model is unavailable")
)

// ErrInternal marks a failure of the service itself, such as a recovered
// panic: a bug, not the caller's input or an upstream API.
var ErrInternal = errors.New("internal error")

// IsInputError reports whether err was caused by the caller's input.
func IsInputError(err error) bool {
	return errors.Is(err, ErrEmptyQuestion) || errors.Is(err, ErrQuestionTooLong) ||
		errors.Is(err, ErrUnknownSection) || errors.Is(err, ErrBadLength) || errors.Is(err, ErrUnknownArticle)
}

// Service answers questions about a corpus.
type Service struct {
	corpus *corpus.Corpus
	index  Retriever
	// sentences embeds sentences for summaries; it depends on no corpus
	// statistics, so making it costs nothing.
	sentences *retrieval.LocalEmbedder
	// split holds retrieved chunks' sentences and their stems, by chunk ID,
	// split on first use rather than every chunk at start.
	split *passageSplits
	vocab *vocabulary
	model *Model
	opt   Options
	// version identifies the corpus's indexed content, for the cache key.
	version string
	cache   *answerCache
	// summaries caches summaries as cache does answers.
	summaries *summaryCache
	// answering and summarizing let identical requests made at once share
	// one drafting.
	answering   flights[*Answer]
	summarizing flights[*Summary]
	log         *slog.Logger
	// stories holds services scoped to one story (see forArticle).
	stories *storyServices
}

// Options tune the service. The settings come from the configuration: a
// zero TopK, MaxQuestionLen, Timeout, SearchTimeout or CacheTTL takes
// config.Default's value, the one place defaults live; nothing here picks
// a number of its own.
type Options struct {
	// TopK is how many passages an answer draws on.
	TopK int
	// MaxQuestionLen limits a question's length in characters.
	MaxQuestionLen int
	// Answering is the calibrated answering model; nil means DefaultModel.
	Answering *Model

	// Drafter drafts answers and summaries with a language model; nil
	// keeps them extractive.
	Drafter Drafter
	// Model names the models behind the answers (the chat model, and the
	// embedding model when remote), for the answer cache's key.
	Model string
	// Timeout bounds one answer or summary, retries and fallback included.
	Timeout time.Duration
	// SearchTimeout bounds finding an answer's passages, a remote query
	// embedding included: past it they are found by BM25 alone, and the
	// model keeps the rest of Timeout.
	SearchTimeout time.Duration
	// CacheSize is how many answers the answer cache keeps; 0 disables it.
	// CacheTTL is how long an answer is reused.
	CacheSize int
	CacheTTL  time.Duration
	// ContextBudget is the most passage text, in characters, one prompt
	// carries; a summary of more is drafted part by part (map-reduce).
	// 0 means DefaultContextBudget.
	ContextBudget int
	// PrepareQueries, when set, is given a compound question's parts before
	// they are searched, so that a remote embedder embeds them in one
	// request.
	PrepareQueries func(ctx context.Context, queries []string) error
	// Now tells the time, for the cache; nil means time.Now.
	Now func() time.Time
	// Logger records fallbacks and flagged citations; nil discards them.
	Logger *slog.Logger
	// Observe, when set, is told of every question handled, for metrics.
	Observe func(Event)
}

// DefaultContextBudget is the passage text one prompt carries when
// Options.ContextBudget is 0: a property of the drafting, not a setting.
const DefaultContextBudget = 24000

// New makes a service over an indexed corpus.
func New(c *corpus.Corpus, ix Retriever, opt Options) *Service {
	d := config.Default().Answer
	if opt.TopK <= 0 {
		opt.TopK = d.TopK
	}
	if opt.MaxQuestionLen <= 0 {
		opt.MaxQuestionLen = d.MaxQuestionLength
	}
	if opt.Timeout <= 0 {
		opt.Timeout = time.Duration(d.Timeout)
	}
	if opt.SearchTimeout <= 0 {
		opt.SearchTimeout = time.Duration(d.SearchTimeout)
	}
	if opt.CacheTTL <= 0 {
		opt.CacheTTL = time.Duration(d.CacheTTL)
	}
	if opt.Answering == nil {
		opt.Answering = DefaultModel
	}
	if opt.ContextBudget <= 0 {
		opt.ContextBudget = DefaultContextBudget
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Model == "" {
		opt.Model = DrafterExtractive
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		corpus: c, index: ix, sentences: retrieval.NewLocalEmbedder(0), split: newPassageSplits(), opt: opt,
		vocab: &vocabulary{ix}, model: opt.Answering,
		version: ix.Version(), cache: newAnswerCache(opt.CacheSize, opt.CacheTTL, opt.Now), log: log, stories: &storyServices{},
		summaries: newSummaryCache(opt.CacheSize, opt.CacheTTL, opt.Now),
	}
	s.answering.recovered, s.summarizing.recovered = s.recovered, s.recovered
	return s
}

// Corpus returns the corpus the service answers from.
func (s *Service) Corpus() *corpus.Corpus { return s.corpus }

// Index returns the service's retrieval index.
func (s *Service) Index() Retriever { return s.index }

// CleanQuestion trims a question and checks it: not empty, not over the
// length limit. Terminal escape sequences go whole and control characters
// other than line breaks and tabs go (corpus.StripControl); what is left
// of them becomes spaces.
func (s *Service) CleanQuestion(q string) (string, error) {
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, corpus.StripControl(q))
	q = strings.Join(strings.Fields(q), " ")
	if q == "" {
		return "", ErrEmptyQuestion
	}
	if n := utf8.RuneCountInString(q); n > s.opt.MaxQuestionLen {
		return "", fmt.Errorf("%w: %d characters, the limit is %d", ErrQuestionTooLong, n, s.opt.MaxQuestionLen)
	}
	return q, nil
}

// Ask answers a question from the corpus, citing the passages it used, or
// says that the corpus doesn't answer it. A compound question ("When …, and
// which …?") is searched part by part.
func (s *Service) Ask(ctx context.Context, question string) (*Answer, error) {
	return s.AskStream(ctx, question, nil)
}

// AskStream is Ask that passes the answer text drafted so far to onPartial
// as it grows, so a front end can show it arriving. onPartial may be nil.
// Extractive and cached answers come at once and never call it; the
// returned answer is final and may differ from the last partial text (a
// fallback, say).
func (s *Service) AskStream(ctx context.Context, question string, onPartial func(text string)) (*Answer, error) {
	return s.Answer(ctx, Request{Question: question}, onPartial)
}

// Request is one question put to the service, with what scopes it. Front
// ends fill what they know; the zero value of every field but Question
// means "no constraint".
type Request struct {
	Question string
	// Article, when set, restricts the answer to one story of the corpus
	// (its ID).
	Article string
	// User is an opaque, keyed hash of the asker, for the model API's
	// end-user field; empty when unknown.
	User string
	// History is the conversation so far, oldest turn first: a follow-up
	// ("who reported that?") is rewritten into a standalone question from
	// it before retrieval. Empty for a question that starts a conversation.
	History []Turn
}

// Answer answers req, passing the text drafted so far to onPartial (which
// may be nil) as AskStream does.
func (s *Service) Answer(ctx context.Context, req Request, onPartial func(text string)) (a *Answer, err error) {
	start := s.opt.Now()
	defer func() {
		if v := recover(); v != nil {
			a, err = nil, s.recovered(v)
		}
		s.observe(start, a, err)
	}()
	q, err := s.CleanQuestion(req.Question)
	if err != nil {
		return nil, err
	}
	if req.Article != "" {
		if req.Article, err = s.ResolveArticle(req.Article); err != nil {
			return nil, err
		}
	}
	if isSummaryRequest(q) {
		return s.summaryAnswer(ctx, q, req.Article)
	}
	if len(req.History) == 0 && namesNothing(q) {
		return s.needsSubject(q), nil
	}
	ctx, cancel := withTimeout(ctx, s.opt.Timeout)
	defer cancel()
	fu := s.rewrite(ctx, q, req)
	key := cacheKey(fu.key(), s.version, s.opt.Model) + "\x00" + req.Article
	if a, ok := s.cache.get(key); ok {
		a.Question, a.Standalone, a.Usage = q, fu.shown(q), fu.usage
		return a, nil
	}
	req.Question = fu.standalone
	// The same question asked again while it is drafted waits for that
	// drafting instead of paying for another.
	a, _, err = s.answering.do(ctx, key, onPartial, shareAnswer, func(ctx context.Context, onPartial func(string)) (*Answer, error) {
		a, err := s.answer(ctx, req, fu, onPartial)
		// A fallback, or an answer found without the query's embedding,
		// is not cached: the model may be back next time.
		if err == nil && a.Note == "" && a.cause == "" {
			s.cache.put(key, a)
		}
		return a, err
	})
	if err != nil {
		return nil, err
	}
	a.Question, a.Standalone = q, fu.shown(q)
	a.Usage = a.Usage.Add(fu.usage)
	s.log.Debug("answered", "drafter", a.Drafter, "refused", a.Refused, "prompt_tokens", a.Usage.PromptTokens,
		"completion_tokens", a.Usage.CompletionTokens, "fallback", a.Note != "")
	return a, nil
}

// answer retrieves passages for each part of the (cleaned) question and
// drafts the answer: with the language model when there is one,
// extractively when there is none or it fails.
func (s *Service) answer(ctx context.Context, req Request, fu followUp, onPartial func(string)) (*Answer, error) {
	q := req.Question
	if s.opt.Drafter == nil && !s.vocab.readable(q) {
		return s.needsEnglish(q), nil
	}
	// A remote query embedding that hangs must leave time to answer.
	dctx, dcancel := draftContext(ctx)
	defer dcancel()
	sctx, cancel := withTimeout(dctx, s.opt.SearchTimeout)
	defer cancel()
	parts := s.partsOf(q)
	if len(parts) > 1 && s.opt.PrepareQueries != nil {
		texts := make([]string, len(parts))
		for i, p := range parts {
			texts[i] = p.text
		}
		// A failure shows again, and is handled, in the searches.
		_ = s.opt.PrepareQueries(sctx, texts)
	}
	var picked []candidate
	var answers [][]candidate
	answered := 0 // parts answered, some perhaps by an earlier part's sentence
	var decisions []decision
	var results []*SearchResult
	var topics []topicScores
	var embedErr error
	var searching time.Duration
	// The parts of one question look first in the stories the whole of it
	// is about.
	about := ""
	if len(parts) > 1 {
		about = q
	}
	for _, p := range parts {
		an := fu.weigh(s.analyze(p))
		d, res, took, err := s.searchAndPick(sctx, p.text, about, an, fu, req.Article, picked)
		searching += took
		if err != nil {
			return nil, modelError("couldn't search the article", err)
		}
		if res.EmbedErr != nil {
			embedErr = res.EmbedErr
		}
		decisions = append(decisions, d)
		if d.earlier {
			answered++
		}
		if len(d.picked) > 0 {
			answered++
			picked = append(picked, d.picked...)
			answers = append(answers, d.picked)
		}
		results = append(results, res)
		if s.opt.Drafter != nil {
			topics = append(topics, s.topicScores(an, res))
		}
	}
	extractive := func() *Answer {
		if !s.vocab.readable(q) {
			// Offline, in place of a model that failed, as without one.
			return s.needsEnglish(q)
		}
		if len(answers) == 0 {
			a := s.refusalIn(q, req.Article)
			a.Text = withClosest(a.Text, s.closestStory(req.Article, decisions, results))
			return a
		}
		a := compose(q, answers)
		if answered < len(parts) {
			a.Text += "\n\n" + s.articlesDont(req.Article) + " answer the rest of the question."
			a.Partial = true
		}
		return a
	}
	var a *Answer
	var err error
	switch {
	case s.opt.Drafter == nil:
		a = extractive()
	case !s.model.Gate.onTopic(topics):
		// Refused without asking the model when retrieval puts the
		// question far off-topic: cheap, and instructions smuggled into
		// an off-topic question never reach it.
		a = s.refusalIn(q, req.Article)
		if !s.vocab.readable(q) {
			// Retrieval may not read the question's language (the local
			// embedder reads English only), so its scores don't show
			// that the article doesn't say.
			a.Text = NoteNoMatchInLanguage
		}
	default:
		// Every part's passages go to the model, whatever the answering
		// model made of them: it decides. Passages found by BM25 alone,
		// when the query's embedding failed, are still worth its answer.
		a, err = s.draftAnswer(ctx, req, results, extractive, onPartial)
		if err == nil && a != nil && a.Refused && a.Drafter == DrafterLLM && s.vocab.readable(q) {
			// The model's refusal is in the question's language; an
			// English one names the closest story as an offline one does.
			a.Text = withClosest(a.Text, s.closestStory(req.Article, decisions, results))
		}
	}
	if a != nil {
		a.retrieval = searching
		a.decisions = decisions
		a.Why = a.Explanation()
		if len(topics) > 0 {
			a.Why += "\n" + s.model.Gate.explain(topics)
		}
		if a.cause == "" && embedErr != nil {
			a.cause = s.logFallback(embedErr, "found passages by their words alone")
		}
	}
	return a, err
}

// partsOf normalises a question's chat spellings and typos and splits it
// into the questions it asks. Both are English's: a question in another
// language is searched as it is written ("Corea del Norte" is no typo of
// "Korea del North").
func (s *Service) partsOf(q string) []part {
	q = questionSentences(q)
	if !s.vocab.readable(q) {
		return splitQuestion(q)
	}
	return splitQuestion(s.vocab.restoreNames(s.vocab.correctTypos(normalizeChat(q))))
}

// questionSentences keeps, of a message of several sentences, those that
// ask ("… sent to Russia? Please answer with a number." asks the first),
// dropping the statements and commands beside them: they instruct or chat,
// and their words would count as the question's. A message that asks
// nothing with a question mark is kept whole.
func questionSentences(q string) string {
	spans := corpus.Sentences(q)
	if len(spans) < 2 {
		return q
	}
	var keep []string
	asks := false
	for _, sp := range spans {
		t := strings.TrimSpace(q[sp.Start:sp.End])
		end := strings.TrimRight(t, ")\"'”’ ")
		switch {
		case strings.HasSuffix(end, "?"):
			asks = true
			keep = append(keep, t)
		case !strings.HasSuffix(end, ".") && !strings.HasSuffix(end, "!"):
			keep = append(keep, t) // a fragment, such as carried words in brackets
		}
	}
	if !asks {
		return q
	}
	return strings.Join(keep, " ")
}

// NoteNeedsEnglish is the reply to a question the offline drafter can't
// read.
const NoteNeedsEnglish = "I can only answer questions in English when I answer offline, without a language model. Please ask in English."

// NoteNoMatchInLanguage is LLM mode's reply to a question in a language
// other than English that retrieval matched to nothing.
const NoteNoMatchInLanguage = "I couldn't match this question to anything I can search. I may not be able to search in languages other than English: please ask in English."

// needsEnglish answers a question in a language the offline drafter can't
// read. It never repeats the question.
func (s *Service) needsEnglish(q string) *Answer {
	return &Answer{Question: q, Text: NoteNeedsEnglish, Refused: true, Sources: []Source{}, Drafter: DrafterExtractive}
}

// Explanation says why the answering model answered or refused: for each
// part of the question, its answer type and the best sentence's features
// times their weights. Empty for answers the model had no part in.
func (a *Answer) Explanation() string {
	var b strings.Builder
	for i, d := range a.decisions {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "part %q (wants %s)", d.a.text, d.a.want)
		if d.best == nil {
			b.WriteString(": no candidate sentence")
			continue
		}
		fmt.Fprintf(&b, ": best %q from %s\n  %s", corpus.Quote(d.best.text, 120), d.best.chunk.ArticleID, d.best.explain)
	}
	return b.String()
}

// summaryAnswer answers "what is this article about?" with a short summary
// of the story asked about, or of the only story; over several stories,
// with what the collection holds.
func (s *Service) summaryAnswer(ctx context.Context, q, article string) (*Answer, error) {
	sum, err := s.SummarizeArticle(ctx, Short, "", article)
	if err != nil {
		return nil, err
	}
	return &Answer{
		Question: q, Text: sum.Text, Sources: sum.Sources, Drafter: sum.Drafter,
		Usage: sum.Usage, Note: sum.Note, Flags: sum.Flags, cause: sum.cause,
	}, nil
}

// Search returns the top passages for a query, for showing sources.
func (s *Service) Search(ctx context.Context, query string, k int) (*SearchResult, error) {
	return s.SearchArticle(ctx, query, k, "")
}

// SearchArticle is Search within one story (by ID or title) when article
// is set.
func (s *Service) SearchArticle(ctx context.Context, query string, k int, article string) (*SearchResult, error) {
	q, err := s.CleanQuestion(query)
	if err != nil {
		return nil, err
	}
	if article != "" {
		if article, err = s.ResolveArticle(article); err != nil {
			return nil, err
		}
	}
	return s.index.Find(ctx, Query{Text: q, K: k, Article: article})
}

// refusal says plainly that the corpus doesn't answer. It never repeats the
// question, so instructions smuggled into one are not echoed back.
func (s *Service) refusal(q string) *Answer { return s.refusalIn(q, "") }

// refusalIn is the refusal of a question asked of one story (article, an
// ID) or, when article is empty, of the whole corpus: a question scoped to
// one story of a collection is refused by naming that story.
func (s *Service) refusalIn(q, article string) *Answer {
	text := "The article doesn't say. I couldn't find anything in it that answers this question."
	titles := s.corpus.Titles()
	if a, ok := s.corpus.Article(article); ok {
		titles = []string{a.Title}
	}
	if len(titles) == 1 {
		text = "The article doesn't say. I couldn't find anything in the article “" + titles[0] + "” that answers this question."
	} else if len(titles) > 1 {
		text = "These articles don't say. I couldn't find anything in them that answers this question."
	}
	return &Answer{
		Question: q,
		Text:     text,
		Refused:  true,
		Sources:  []Source{},
		Drafter:  DrafterExtractive,
	}
}

// withClosest is a refusal that names the closest story (see
// closestStory), when there is one.
func withClosest(refusal, title string) string {
	if title == "" {
		return refusal
	}
	refusal = strings.TrimSpace(refusal)
	if end := strings.TrimRight(refusal, `"”’')`); !strings.HasSuffix(end, ".") && !strings.HasSuffix(end, "!") && !strings.HasSuffix(end, "?") {
		// A model's refusal may end without a stop.
		refusal += "."
	}
	return refusal + " The closest story, “" + title + "”, doesn't answer it either."
}

// closestStory is the title of the story a refused question over a
// collection is plainly about, for the refusal to name: the story of the
// sentence the answering model found likeliest for any part whose story
// holds every name the part gives ("Lufthansa", "Bush"), as the answering
// model reads a story's names, abbreviations too. A question scoped to one
// story, one that names nothing, or one whose names no story holds together
// gets "": the refusal names no story it only guessed at. results are the
// parts' passages, one for each decision.
func (s *Service) closestStory(article string, decisions []decision, results []*SearchResult) string {
	if article != "" || len(s.corpus.Articles) < 2 {
		return ""
	}
	var best *candidate
	for i, d := range decisions {
		if d.best == nil || best != nil && d.best.p <= best.p || i >= len(results) || results[i] == nil {
			continue
		}
		has := s.storyHas(d.best.chunk.ArticleID, s.joinedIn(results[i].Hits))
		written := s.storyWrites(d.best.chunk.ArticleID)
		// Names as the asker wrote them, capitalised: a word the offline
		// reader doesn't know ("unblock") is no sign of what a story is
		// about.
		capital := map[string]bool{}
		for _, tok := range retrieval.Tokenize(d.a.text) {
			capital[tok.Stem] = capital[tok.Stem] || tok.Capital
		}
		names := 0
		for _, t := range d.a.terms {
			if t.name && capital[t.stem] {
				if !d.a.holdsName(t, has, written) {
					names = -1
					break
				}
				names++
			}
		}
		if names > 0 {
			best = d.best
		}
	}
	if best == nil {
		return ""
	}
	a, ok := s.corpus.Article(best.chunk.ArticleID)
	if !ok {
		return ""
	}
	return a.Title
}

// articlesDont begins a sentence saying the corpus lacks something: "The
// article doesn't" or, for several stories, "These articles don't".
// A question scoped to one story (article, an ID) gets "The article
// doesn't".
func (s *Service) articlesDont(article string) string {
	if _, ok := s.corpus.Article(article); !ok && len(s.corpus.Titles()) > 1 {
		return "These articles don't"
	}
	return "The article doesn't"
}

// recovered turns a panic while answering into an ErrInternal error, logged
// with where it happened: a bug in drafting costs one answer, not the
// process, and front ends report it like any other error. The stack goes to
// the debug log, so a terminal shows one line, not a trace.
func (s *Service) recovered(v any) error {
	at := ""
	pc := make([]uintptr, 16)
	frames := runtime.CallersFrames(pc[:runtime.Callers(3, pc)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			at = fmt.Sprintf("%s (%s:%d)", f.Function, filepath.Base(f.File), f.Line)
			break
		}
		if !more {
			break
		}
	}
	s.log.Error("answering panicked; the question got an internal error", "panic", fmt.Sprint(v), "at", at)
	s.log.Debug("panic stack", "stack", string(debug.Stack()))
	return fmt.Errorf("%w: %v", ErrInternal, v)
}
