package bot

import (
	"container/list"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/articlebot/articlebot/corpus"
)

// lru keeps recent results, least recently used first out, each for a
// limited time, so that a repeated question or summary costs no tokens. It
// stores and hands out copies, made by clone.
type lru[T any] struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	now   func() time.Time
	clone func(T) T
	order *list.List // of *lruEntry[T], most recently used first
	items map[string]*list.Element
}

type lruEntry[T any] struct {
	key     string
	value   T
	expires time.Time
}

// answerCache keeps answers; summaryCache keeps summaries.
type (
	answerCache  = lru[*Answer]
	summaryCache = lru[*Summary]
)

// newLRU returns a cache of size entries, or nil (which caches nothing)
// when size is not positive.
func newLRU[T any](size int, ttl time.Duration, now func() time.Time, clone func(T) T) *lru[T] {
	if size <= 0 {
		return nil
	}
	return &lru[T]{size: size, ttl: ttl, now: now, clone: clone, order: list.New(), items: map[string]*list.Element{}}
}

func newAnswerCache(size int, ttl time.Duration, now func() time.Time) *answerCache {
	return newLRU(size, ttl, now, func(a *Answer) *Answer {
		a = cloneAnswer(a)
		a.Cached, a.Usage = true, Usage{}
		return a
	})
}

func newSummaryCache(size int, ttl time.Duration, now func() time.Time) *summaryCache {
	return newLRU(size, ttl, now, func(s *Summary) *Summary {
		s = cloneSummary(s)
		s.Usage = Usage{}
		return s
	})
}

// cacheKey identifies an answer: the normalised question, the corpus
// version and the models.
func cacheKey(q, corpusVersion, model string) string {
	return normalizeQuestion(q) + "\x00" + corpusVersion + "\x00" + model
}

// summaryKey identifies a summary: the story (empty for the whole corpus),
// the length, the section, the corpus version and the models.
func summaryKey(story string, length Length, section, corpusVersion, model string) string {
	return strings.Join([]string{story, string(length), section, corpusVersion, model}, "\x00")
}

// normalizeQuestion folds what doesn't change a question's answer:
// typographic punctuation, spacing and closing punctuation. Case stays:
// the offline answerer reads a capitalised word as a name ("Who won the
// World Cup?" asks about a name the article never writes, "who won the
// world cup?" about two words it may), so folding it would hand one the
// other's answer, whichever was asked first.
func normalizeQuestion(q string) string {
	q = corpus.Fold(q)
	q = strings.Join(strings.Fields(q), " ")
	return strings.TrimRight(q, "?!. ")
}

// get returns a copy of the cached value; for answers, marked as cached
// and costing no tokens.
func (c *lru[T]) get(key string) (T, bool) {
	var zero T
	if c == nil {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*lruEntry[T])
	if !c.now().Before(e.expires) {
		c.order.Remove(el)
		delete(c.items, key)
		return zero, false
	}
	c.order.MoveToFront(el)
	return c.clone(e.value), true
}

// put stores a copy of v, evicting the least recently used entry when
// full.
func (c *lru[T]) put(key string, v T) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &lruEntry[T]{key: key, value: c.clone(v), expires: c.now().Add(c.ttl)}
	if el, ok := c.items[key]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(e)
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*lruEntry[T]).key)
	}
}

// len is the number of entries held, expired ones included.
func (c *lru[T]) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func cloneAnswer(a *Answer) *Answer {
	b := *a
	b.Sources = slices.Clone(a.Sources)
	b.Flags = cloneFlags(a.Flags)
	return &b
}

func cloneSummary(s *Summary) *Summary {
	b := *s
	b.Sources = slices.Clone(s.Sources)
	b.Flags = cloneFlags(s.Flags)
	return &b
}

func cloneFlags(flags []Flag) []Flag {
	out := slices.Clone(flags)
	for i := range out {
		out[i].Sources = slices.Clone(flags[i].Sources)
	}
	return out
}

// flights lets identical requests made at once share one drafting: the
// first runs it, the others wait for its result (and see its partial text
// as it streams). The drafting runs detached from any one caller, so a
// caller that gives up doesn't fail the others; it is cancelled only when
// every caller has gone.
type flights[T any] struct {
	// recovered turns a panic in a drafting into the error every caller
	// gets: the drafting runs on a goroutine of its own.
	recovered func(v any) error

	mu sync.Mutex
	m  map[string]*flight[T]
}

type flight[T any] struct {
	done   chan struct{}
	value  T
	err    error
	cancel context.CancelFunc

	mu      sync.Mutex // guards what follows
	waiters int
	partial string
	watch   []func(string) // by caller; nil once the caller left
}

// do runs fn once for key among the callers that ask at once. fn gets a
// context that ends at the first caller's deadline or when every caller
// has gone, and a function to report partial text, which reaches every
// caller's onPartial (which may be nil). Every caller gets its own copy of
// the result, made by share; shared is true for those that got another's.
func (g *flights[T]) do(ctx context.Context, key string, onPartial func(string), share func(v T, shared bool) T,
	fn func(ctx context.Context, onPartial func(string)) (T, error)) (v T, shared bool, err error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*flight[T]{}
	}
	f, joined := g.m[key]
	if !joined {
		f = g.start(ctx, key, fn)
	}
	f.mu.Lock()
	f.waiters++
	me := len(f.watch)
	f.watch = append(f.watch, onPartial)
	if onPartial != nil && f.partial != "" {
		onPartial(f.partial)
	}
	f.mu.Unlock()
	g.mu.Unlock()

	var zero T
	select {
	case <-f.done:
		f.leave(me)
	case <-ctx.Done():
		f.leave(me)
		return zero, joined, ctx.Err()
	}
	if f.err != nil {
		return zero, joined, f.err
	}
	return share(f.value, joined), joined, nil
}

// shareAnswer copies an answer for a caller; one that shared another's
// drafting cost no tokens.
func shareAnswer(a *Answer, shared bool) *Answer {
	a = cloneAnswer(a)
	if shared {
		a.Usage = Usage{}
	}
	return a
}

func shareSummary(s *Summary, shared bool) *Summary {
	s = cloneSummary(s)
	if shared {
		s.Usage = Usage{}
	}
	return s
}

// start runs fn for key on a goroutine of its own. The caller holds g.mu.
func (g *flights[T]) start(ctx context.Context, key string, fn func(ctx context.Context, onPartial func(string)) (T, error)) *flight[T] {
	var fctx context.Context
	var cancel context.CancelFunc
	if d, ok := ctx.Deadline(); ok {
		fctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), d)
	} else {
		fctx, cancel = context.WithCancel(context.WithoutCancel(ctx))
	}
	f := &flight[T]{done: make(chan struct{}), cancel: cancel}
	g.m[key] = f
	go func() {
		defer close(f.done)
		defer cancel()
		defer func() {
			if v := recover(); v != nil {
				f.err = g.recovered(v)
			}
			// Gone before done is closed: a later caller starts afresh
			// (and finds the cache filled by fn).
			g.mu.Lock()
			delete(g.m, key)
			g.mu.Unlock()
		}()
		f.value, f.err = fn(fctx, f.report)
	}()
	return f
}

// report passes partial text to every caller still waiting.
func (f *flight[T]) report(text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.partial = text
	for _, w := range f.watch {
		if w != nil {
			w(text)
		}
	}
}

// leave removes a caller; the last one to go cancels a drafting still
// running.
func (f *flight[T]) leave(me int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.watch[me] = nil
	f.waiters--
	if f.waiters == 0 {
		f.cancel()
	}
}
