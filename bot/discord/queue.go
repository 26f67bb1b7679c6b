package discord

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errBusy means the queue for a drafting slot was full, or the wait in it
// ran out.
var errBusy = errors.New("busy: no drafting slot free")

// queue admits a bounded number of drafts at once. Beyond that, requests
// wait in line, a bounded number of them for a bounded time; only a full
// line turns one away at once.
type queue struct {
	slots chan struct{}
	size  int
	wait  time.Duration
	after func(time.Duration) <-chan time.Time

	mu      sync.Mutex
	waiting int
}

func newQueue(slots, size int, wait time.Duration, after func(time.Duration) <-chan time.Time) *queue {
	return &queue{slots: make(chan struct{}, slots), size: size, wait: wait, after: after}
}

// queuedNotice is how long a request waits for a slot before the user is
// told that their question is queued.
const queuedNotice = 2 * time.Second

// enter takes a slot or a place in line without waiting, or returns
// errBusy when the line is full, so that a caller can turn a request away
// before it decides how to reply; wait then waits for the slot (returning
// at once when one was taken) and must be called exactly once.
func (q *queue) enter() (wait func(ctx context.Context, long func()) (release func(), err error), err error) {
	release := func() { <-q.slots }
	select {
	case q.slots <- struct{}{}:
		return func(context.Context, func()) (func(), error) { return release, nil }, nil
	default:
	}
	q.mu.Lock()
	if q.waiting >= q.size {
		q.mu.Unlock()
		return nil, errBusy
	}
	q.waiting++
	q.mu.Unlock()
	return func(ctx context.Context, long func()) (func(), error) {
		defer func() {
			q.mu.Lock()
			q.waiting--
			q.mu.Unlock()
		}()
		notice := q.after(queuedNotice)
		if q.wait <= queuedNotice {
			notice = nil
		}
		timeout := q.after(q.wait)
		for {
			select {
			case q.slots <- struct{}{}:
				return release, nil
			case <-notice:
				notice = nil
				long()
			case <-timeout:
				return nil, errBusy
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}, nil
}
