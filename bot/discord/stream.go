package discord

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// streamer shows a request's progress by editing its reply: the answer as
// it streams in, or that the question is queued. Edits come at most once
// per EditInterval, the first an interval after the acknowledgement:
// Discord allows about five edits in five seconds, and an answer that is
// done within the interval needs no progress edit just before its final
// one. Texts that arrive between edits are coalesced, so a fast stream
// never queues edits or slows the answer down.
type streamer struct {
	b  *Bot
	rp replier
	r  *request

	mu   sync.Mutex
	text string
	wake chan struct{}
	// first is closed by the first partial answer: the request can't be
	// answered with one response any more and must be acknowledged.
	first     chan struct{}
	firstOnce sync.Once
	started   bool
	stopped   chan struct{}
	finished  chan struct{}
}

func (b *Bot) newStreamer(rp replier, r *request) *streamer {
	return &streamer{
		b: b, rp: rp, r: r,
		wake: make(chan struct{}, 1), first: make(chan struct{}),
		stopped: make(chan struct{}), finished: make(chan struct{}),
	}
}

// start begins the edits, once the request is acknowledged; stop them
// before the final reply.
func (st *streamer) start(ctx context.Context) {
	st.mu.Lock()
	st.started = true
	st.mu.Unlock()
	b, r := st.b, st.r
	go func() {
		defer close(st.finished)
		defer func() {
			if v := recover(); v != nil {
				b.log.Error("panic while streaming an answer", append(r.attrs(b), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))...)
			}
		}()
		last := b.opt.Now()
		for {
			select {
			case <-st.wake:
			case <-st.stopped:
				return
			}
			if since := b.opt.Now().Sub(last); since < b.opt.EditInterval {
				select {
				case <-b.opt.After(b.opt.EditInterval - since):
				case <-st.stopped:
					return
				}
			}
			st.mu.Lock()
			text := st.text
			st.mu.Unlock()
			if err := st.rp.progress(ctx, text); err != nil {
				b.log.Warn("couldn't show progress", append(r.attrs(b), "err", err)...)
			}
			last = b.opt.Now()
		}
	}()
}

// partial records the answer drafted so far; it never blocks.
func (st *streamer) partial(text string) {
	st.show(progressText(text))
	st.firstOnce.Do(func() { close(st.first) })
}

// show records a text to show next; it never blocks.
func (st *streamer) show(text string) {
	st.mu.Lock()
	st.text = text
	st.mu.Unlock()
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

// stop ends the edits and waits for one in progress, so none can land on
// top of the final reply.
func (st *streamer) stop() {
	st.mu.Lock()
	started := st.started
	st.mu.Unlock()
	close(st.stopped)
	if started {
		<-st.finished
	}
}
