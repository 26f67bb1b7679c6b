package discord

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// streamer shows an answer as it streams in by editing the reply, at most
// once per EditInterval: Discord allows about five edits in five seconds.
// Partial texts that arrive between edits are coalesced, so a fast stream
// never queues edits or slows the answer down.
type streamer struct {
	mu       sync.Mutex
	text     string
	wake     chan struct{}
	stopped  chan struct{}
	finished chan struct{}
}

// stream starts showing partial answers through rp; stop it before the
// final reply.
func (b *Bot) stream(ctx context.Context, rp replier, r *request) *streamer {
	st := &streamer{wake: make(chan struct{}, 1), stopped: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(st.finished)
		defer func() {
			if v := recover(); v != nil {
				b.log.Error("panic while streaming an answer", append(r.attrs(b), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))...)
			}
		}()
		for {
			select {
			case <-st.wake:
			case <-st.stopped:
				return
			}
			st.mu.Lock()
			text := st.text
			st.mu.Unlock()
			if err := rp.progress(ctx, progressText(text)); err != nil {
				b.log.Warn("couldn't show a partial answer", append(r.attrs(b), "err", err)...)
			}
			select {
			case <-b.opt.After(b.opt.EditInterval):
			case <-st.stopped:
				return
			}
		}
	}()
	return st
}

// partial records the answer drafted so far; it never blocks.
func (st *streamer) partial(text string) {
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
	close(st.stopped)
	<-st.finished
}
