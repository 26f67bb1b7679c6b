package discord_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/internal/discordtest"
)

// progressEdits are the messages sent or edits made to show a partial
// answer, which ends in " …".
func progressEdits(fake *discordtest.Server, pathPart string) []string {
	var out []string
	for _, c := range fake.CallsTo("", pathPart) {
		var body struct {
			Content string `json:"content"`
		}
		if c.Status == 200 && c.Decode(&body) == nil && strings.HasSuffix(body.Content, " …") {
			out = append(out, body.Content)
		}
	}
	return out
}

// editTicks stands in for time.After in the streaming tests, whose
// EditInterval is an hour: a wait for the next edit (the interval less the
// time since the last, however slowly a loaded machine runs) passes when
// the test sends on ticks; any other wait, such as a REST retry's backoff
// after an attempt the machine timed out, passes on the real clock and
// takes no tick meant for the streamer.
func editTicks(ticks <-chan time.Time) func(time.Duration) <-chan time.Time {
	return func(d time.Duration) <-chan time.Time {
		if d > time.Minute {
			return ticks
		}
		return time.After(d)
	}
}

func TestStreamingEditsAreThrottled(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	for _, tc := range []struct {
		name     string
		path     string // of the edits
		dispatch func(fake *discordtest.Server) func() *discordtest.Message
	}{
		{"slash command", "/messages/@original", func(fake *discordtest.Server) func() *discordtest.Message {
			token := fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
			return func() *discordtest.Message {
				if in := fake.Interaction(token); in != nil && in.Original != nil && len(in.Original.Buttons()) > 0 {
					return in.Original
				}
				return nil
			}
		}},
		{"mention", "/channels/" + discordtest.ChannelID + "/messages", func(fake *discordtest.Server) func() *discordtest.Message {
			fake.PostMessage(discordtest.Post{Content: "<@" + discordtest.BotUserID + "> " + troops, MentionBot: true})
			return func() *discordtest.Message {
				if msgs := fake.ChannelMessages(discordtest.ChannelID); len(msgs) == 1 && len(msgs[0].Buttons()) > 0 {
					return msgs[0]
				}
				return nil
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.New(t)
			// The clock: an edit may come only an interval after the
			// acknowledgement or the previous edit, that is on a tick.
			ticks := make(chan time.Time)
			want, err := svc.Ask(context.Background(), troops)
			if err != nil {
				t.Fatal(err)
			}
			words := strings.Fields(want.Text)
			streaming := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, onPartial func(string)) (*bot.Answer, error) {
				edits := func(n int) func() bool { return func() bool { return len(progressEdits(fake, tc.path)) == n } }
				// Tokens before the interval passes make no edit...
				for i := 1; i < len(words)/2; i++ {
					onPartial(strings.Join(words[:i], " "))
				}
				// ...until it does; then one edit shows the latest.
				ticks <- time.Now()
				if err := fake.Await(ctx, edits(1)); err != nil {
					return nil, err
				}
				for i := len(words) / 2; i < len(words); i++ {
					onPartial(strings.Join(words[:i], " "))
				}
				ticks <- time.Now()
				if err := fake.Await(ctx, edits(2)); err != nil {
					return nil, err
				}
				// The last tokens come within the interval: the final reply
				// follows with no progress edit just before it.
				onPartial(want.Text)
				return want, nil
			}}
			h := startBot(t, fake, streaming, discord.Options{About: about(svc), EditInterval: time.Hour, After: editTicks(ticks)})
			var final *discordtest.Message
			done := tc.dispatch(fake)
			fake.WaitFor(t, "the final answer", func() bool { final = done(); return final != nil })

			got := progressEdits(h.fake, tc.path)
			wantEdits := []string{strings.Join(words[:len(words)/2-1], " ") + " …", strings.Join(words[:len(words)-1], " ") + " …"}
			if len(got) != 2 || got[0] != wantEdits[0] || got[1] != wantEdits[1] {
				t.Errorf("progress edits:\n%q\nwant:\n%q", got, wantEdits)
			}
			if final.Content != want.Text || len(final.Embeds) == 0 {
				t.Errorf("final: %q", final.Content)
			}
		})
	}
}

func TestQuickStreamMakesNoProgressEdit(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	fake := discordtest.New(t)
	quick := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, onPartial func(string)) (*bot.Answer, error) {
		partialWords("North Korea has sent about 15,000 troops", onPartial)
		// Deferred by the first token; done before the edit interval ends.
		if err := waitDeferred(ctx, fake); err != nil {
			return nil, err
		}
		return svc.Ask(ctx, q)
	}}
	never := make(chan time.Time)
	h := startBot(t, fake, quick, discord.Options{About: about(svc), EditInterval: time.Hour, After: editTicks(never)})
	token := fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	in := h.waitDone(t, token)
	if fmt.Sprint(in.Callbacks) != "[5]" || !strings.Contains(in.Original.Content, "15,000") {
		t.Fatalf("answer: %v %q", in.Callbacks, in.Original.Content)
	}
	if edits := fake.CallsTo("PATCH", token); len(edits) != 1 {
		t.Errorf("%d edits, want only the final one: %v", len(edits), edits)
	}
}

func TestPanicWhileStreamingStopsTheEdits(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	fake := discordtest.New(t)
	ticks := make(chan time.Time)
	panicky := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, onPartial func(string)) (*bot.Answer, error) {
		onPartial("North Korea")
		ticks <- time.Now()
		if err := fake.Await(ctx, func() bool { return len(progressEdits(fake, "/messages/@original")) == 1 }); err != nil {
			return nil, err
		}
		// A partial waits for the next tick, then the drafter panics.
		onPartial("North Korea has sent")
		panic("stream broke")
	}}
	h := startBot(t, fake, panicky, discord.Options{About: about(svc), EditInterval: time.Hour, After: editTicks(ticks)})
	token := fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops), discordtest.Bool("private", true)))
	fake.WaitFor(t, "the error reply", func() bool {
		in := fake.Interaction(token)
		return in != nil && in.Original != nil && strings.HasPrefix(in.Original.Content, "Sorry")
	})
	// The streamer is gone by the time the error is shown: nobody waits
	// for the clock any more to edit the partial answer over it.
	select {
	case ticks <- time.Now():
		t.Error("the streamer outlived the panicking answer")
	default:
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if o := fake.Interaction(token).Original; !strings.HasPrefix(o.Content, "Sorry") || len(progressEdits(fake, token)) != 1 {
		t.Errorf("the error reply was overwritten: %q", o.Content)
	}
}
