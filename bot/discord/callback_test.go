package discord_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/internal/discordtest"
)

// startWindowed runs a fake that refuses responses after Discord's three
// seconds with 10062, as Discord does.
func startWindowed(t *testing.T, opt discord.Options) *harness {
	t.Helper()
	svc := realService(t)
	fake := discordtest.New(t)
	fake.CallbackWindow = discordtest.DiscordCallbackWindow
	opt.About = about(svc)
	return startBot(t, fake, &fakeAnswerer{svc: svc}, opt)
}

func TestCallbackRetriesFitDiscordsWindow(t *testing.T) {
	t.Parallel()
	// The default backoff: before, three 500s were retried at +0.5, +1.5
	// and +3.5 s, the last refused as too late. On a clock that moves only
	// by the bot's own waits, whatever the time a loaded machine takes to
	// run them, such a schedule gives up as too late, and the answer is
	// lost.
	clock := &testClock{t: time.Now()}
	h := start(t, discord.Options{RetryBackoff: 500 * time.Millisecond, Now: clock.now, After: clock.after})
	h.fake.Inject(discordtest.Fault{Method: "POST", PathContains: "/callback", Status: 500, Times: 3})
	token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	h.waitLog(t, "answered", "interaction lost: not acknowledged in time")
	if err := h.stop(); err != nil { // Run waits for the reply
		t.Fatal(err)
	}
	in := h.fake.Interaction(token)
	if len(in.Callbacks) != 1 || in.Original == nil || !strings.Contains(in.Original.Content, "15,000") {
		t.Fatalf("answer after three 500s: %v %+v", in.Callbacks, in.Original)
	}
	if n := len(h.logs.find("interaction lost: not acknowledged in time")); n != 0 {
		t.Errorf("%d interactions lost", n)
	}
}

func TestHungCallbackIsRetriedInTime(t *testing.T) {
	t.Parallel()
	// No window here, and the bot's clock moves only by its own waits: the
	// time a loaded machine takes to get to the first response is not the
	// bot's to answer for, only how long it holds on to one that hangs.
	clock := &testClock{t: time.Now()}
	h := start(t, discord.Options{Now: clock.now, After: clock.after})
	// The first response hangs until the bot gives up on it.
	h.fake.Inject(discordtest.Fault{Method: "POST", PathContains: "/callback", Delay: time.Hour})
	token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	in := h.waitDone(t, token)
	if len(in.Callbacks) != 1 || !strings.Contains(in.Original.Content, "15,000") {
		t.Fatalf("answer after a hung response: %v %q", in.Callbacks, in.Original.Content)
	}
	// The fake records the hung request when it sees the client gone,
	// which may be after the retry.
	h.fake.WaitFor(t, "the hung response to be recorded", func() bool {
		return slices.ContainsFunc(h.fake.CallsTo("POST", token), func(c discordtest.Call) bool { return c.Status == 0 })
	})
	calls := h.fake.CallsTo("POST", token)
	// A loaded machine may time out the retry too, and learn from a third
	// response's 40060 that it got through.
	var hung, retry []discordtest.Call
	for _, c := range calls {
		switch {
		case c.Status == 0:
			hung = append(hung, c)
		case c.Status == 204:
			retry = append(retry, c)
		case c.Code != discordtest.CodeAlreadyAcknowledged:
			t.Errorf("response refused: %v", c)
		}
	}
	if len(hung) != 1 || len(retry) != 1 {
		t.Fatalf("responses: %v, want the hung one and one that got through", calls)
	}
	// The bot gave the hung response up on its own per-attempt bound, not
	// the HTTP client's 20 s, and tried again at once: the two arrived
	// well within Discord's window of each other (the bound is a second).
	retries := h.logs.find("Discord REST call failed; retrying")
	if len(retries) == 0 {
		t.Error("no retry logged")
	}
	for _, rec := range retries {
		if !strings.Contains(fmt.Sprint(rec["err"]), "context deadline exceeded") {
			t.Errorf("retry logged after %v, want the attempt's deadline", rec["err"])
		}
	}
	if gap := retry[0].At.Sub(hung[0].At); gap >= discordtest.DiscordCallbackWindow {
		t.Errorf("the retry arrived %v after the hung response, past Discord's window", gap)
	}
}

func TestLostInteractionGetsNoFallbacks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault discordtest.Fault
		// most is how many responses the bot may try: one for an unknown
		// interaction, Discord's final word; a few within the window for
		// server errors.
		most int
	}{
		// Discord says the interaction is gone, to this response and every
		// later one: nothing more is tried.
		{"unknown interaction", discordtest.Fault{Method: "POST", PathContains: "/callback", Status: 404, Code: discordtest.CodeUnknownInteraction, Times: 1000}, 1},
		// Every response fails: a few attempts within the window, and then
		// no edits, followups or error replies to an endpoint known to fail.
		{"always 500", discordtest.Fault{Method: "POST", PathContains: "/callback", Status: 500, Times: 1000}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := startWindowed(t, discord.Options{})
			h.fake.Inject(tc.fault)
			token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
			h.waitLog(t, "interaction lost: not acknowledged in time")
			if err := h.stop(); err != nil {
				t.Fatal(err)
			}
			calls := h.fake.CallsTo("", token)
			// An attempt that a loaded machine times out before Discord's
			// answer arrives is rightly retried: the bot never saw that
			// answer. Every retry is logged with the error that caused it.
			retries := h.logs.find("Discord REST call failed; retrying")
			timedOut := 0
			for _, rec := range retries {
				if err, _ := rec["err"].(string); strings.Contains(err, "deadline exceeded") || strings.Contains(err, "Client.Timeout") {
					timedOut++
				}
			}
			// Four attempts at most, however they fail.
			if most := min(tc.most+timedOut, 4); len(calls) != 1+len(retries) || len(calls) > most {
				t.Errorf("%d calls for the lost interaction after %d retries (%d after a timeout), want at most %d: %v",
					len(calls), len(retries), timedOut, most, calls)
			}
			for _, c := range calls {
				if !strings.HasSuffix(c.Path, "/callback") {
					t.Errorf("sent after the interaction was lost: %v", c)
				}
			}
			if n := h.metrics.get(h.metrics.errors, "discord_lost"); n != 1 {
				t.Errorf("discord_lost counted %d times", n)
			}
		})
	}
}
