package bot

import (
	"container/list"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/articlebot/articlebot/corpus"
)

// answerCache keeps recent answers, least recently used first out, each for
// a limited time, so that a repeated question costs no tokens.
type answerCache struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // of *cacheEntry, most recently used first
	items map[string]*list.Element
}

type cacheEntry struct {
	key     string
	answer  *Answer
	expires time.Time
}

// newAnswerCache returns a cache of size answers, or nil (which caches
// nothing) when size is not positive.
func newAnswerCache(size int, ttl time.Duration, now func() time.Time) *answerCache {
	if size <= 0 {
		return nil
	}
	return &answerCache{size: size, ttl: ttl, now: now, order: list.New(), items: map[string]*list.Element{}}
}

// cacheKey identifies an answer: the normalised question, the corpus
// version and the models.
func cacheKey(q, corpusVersion, model string) string {
	return normalizeQuestion(q) + "\x00" + corpusVersion + "\x00" + model
}

// normalizeQuestion folds what doesn't change a question's meaning: case,
// typographic punctuation, spacing and closing punctuation.
func normalizeQuestion(q string) string {
	q = strings.ToLower(corpus.Fold(q))
	q = strings.Join(strings.Fields(q), " ")
	return strings.TrimRight(q, "?!. ")
}

// get returns a copy of the cached answer, marked as cached and costing no
// tokens.
func (c *answerCache) get(key string) (*Answer, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cacheEntry)
	if !c.now().Before(e.expires) {
		c.order.Remove(el)
		delete(c.items, key)
		return nil, false
	}
	c.order.MoveToFront(el)
	a := cloneAnswer(e.answer)
	a.Cached = true
	a.Usage = Usage{}
	return a, true
}

// put stores a copy of a, evicting the least recently used answer when
// full.
func (c *answerCache) put(key string, a *Answer) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &cacheEntry{key: key, answer: cloneAnswer(a), expires: c.now().Add(c.ttl)}
	if el, ok := c.items[key]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(e)
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}

// len is the number of answers held, expired ones included.
func (c *answerCache) len() int {
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
	b.Flags = slices.Clone(a.Flags)
	for i := range b.Flags {
		b.Flags[i].Sources = slices.Clone(a.Flags[i].Sources)
	}
	return &b
}
