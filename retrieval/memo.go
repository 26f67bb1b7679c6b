package retrieval

import (
	"strings"
	"sync"
	"sync/atomic"
)

// memo caches a pure function of a word, safe for concurrent use, keeping
// the results of the first max words it is asked about: a few thousand
// words make up most of any English text, and a server answering
// questions for months must not keep every word it was ever asked.
type memo[V any] struct {
	m   sync.Map // string → V
	n   atomic.Int32
	max int32
}

// get returns f(key), computed by f at most once while the memo has room.
// Its callers must not modify what it returns.
func (c *memo[V]) get(key string, f func(string) V) V {
	if v, ok := c.m.Load(key); ok {
		return v.(V)
	}
	v := f(key)
	if c.n.Load() < c.max {
		// key may be part of a longer text: the memo keeps a copy.
		if _, loaded := c.m.LoadOrStore(strings.Clone(key), v); !loaded {
			c.n.Add(1)
		}
	}
	return v
}
