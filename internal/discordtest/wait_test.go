package discordtest

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// WaitFor waits as long as the machine needs, up to the test's deadline: a
// condition that holds only after a minute (on the bubble's clock, which
// starts in 2000, long before -timeout) is waited for, not given up on as a
// fixed 15 s bound did under the race detector on a loaded machine.
func TestWaitForOutlastsASlowMachine(t *testing.T) {
	deadline, _ := t.Deadline() // not callable in the bubble
	synctest.Test(t, func(t *testing.T) {
		s := &Server{changed: make(chan struct{})}
		var done atomic.Bool
		go func() {
			time.Sleep(time.Minute)
			s.mu.Lock()
			done.Store(true)
			s.notify()
			s.mu.Unlock()
		}()
		s.waitUntil(t, deadline, "a slow change", done.Load)
	})
}
