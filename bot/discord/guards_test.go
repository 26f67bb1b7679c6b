package discord_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/internal/discordtest"
)

func TestRateLimitAndAllowlists(t *testing.T) {
	t.Parallel()
	const other = "700000000000000042"
	// A stopped clock: the wait the user is told of doesn't depend on how
	// fast the test runs.
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	h := start(t, discord.Options{UserBurst: 1, UserRate: 1, AllowedChannels: []string{discordtest.ChannelID},
		Now: func() time.Time { return now }})

	first := h.waitDone(t, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops))))
	if !strings.Contains(first.Original.Content, "15,000") {
		t.Fatalf("first question: %q", first.Original.Content)
	}
	in := h.waitDone(t, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops))))
	if in.Callbacks[0] != discordtest.CallbackMessage || !in.Original.Ephemeral() || !strings.Contains(in.Original.Content, "Please wait about 60 seconds") {
		t.Errorf("over the rate: %v %+v", in.Callbacks, in.Original)
	}
	// Another user has their own allowance.
	in = h.waitDone(t, h.fake.Interact(withUser(discordtest.Slash("ask", discordtest.String("question", troops)), "600000000000000077")))
	if !strings.Contains(in.Original.Content, "15,000") {
		t.Errorf("another user was limited: %q", in.Original.Content)
	}

	inv := discordtest.Slash("ask", discordtest.String("question", troops))
	inv.UserID, inv.ChannelID = "600000000000000078", other
	in = h.waitDone(t, h.fake.Interact(inv))
	if !in.Original.Ephemeral() || in.Original.Content != "I'm not set up to answer in this channel." {
		t.Errorf("outside the allowlist: %+v", in.Original)
	}
	// A mention outside the allowlist is ignored, not answered.
	h.fake.PostMessage(discordtest.Post{Content: "<@" + discordtest.BotUserID + "> hi", MentionBot: true, ChannelID: other})
	// The question over the length limit is refused before any work.
	in = h.waitDone(t, h.fake.Interact(withUser(discordtest.Slash("ask", discordtest.String("question", strings.Repeat("why ", 300))), "600000000000000079")))
	if !in.Original.Ephemeral() || !strings.Contains(in.Original.Content, "too long") {
		t.Errorf("long question: %+v", in.Original)
	}
	// Everything above is done; the ignored mention left no message.
	if msgs := h.fake.ChannelMessages(other); len(msgs) != 0 {
		t.Errorf("answered outside the allowlist: %+v", msgs)
	}
	for _, kind := range []string{"rate_limited", "not_allowed", "too_long"} {
		if n := h.metrics.get(h.metrics.errors, kind); n != 1 {
			t.Errorf("%s counted %d times, want 1", kind, n)
		}
	}
}

func withUser(inv discordtest.Invocation, user string) discordtest.Invocation {
	inv.UserID = user
	return inv
}

func TestQuestionsBeyondTheSlotsWaitInLine(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	var once sync.Once
	blocking := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, onPartial func(string)) (*bot.Answer, error) {
		select {
		case started <- struct{}{}:
			<-release
		default:
		}
		return svc.Ask(ctx, q)
	}}
	// The clock of the queue: "you're queued" is shown when notice ticks.
	notice := make(chan time.Time)
	after := func(d time.Duration) <-chan time.Time {
		if d == 2*time.Second {
			return notice
		}
		return time.After(d)
	}
	h := startBot(t, discordtest.New(t), blocking, discord.Options{MaxConcurrent: 1, QueueSize: 1, QueueWait: time.Hour,
		EditInterval: time.Nanosecond, After: after, About: about(svc)})
	defer once.Do(func() { close(release) })

	// The first question takes the one slot; the second waits in line.
	first := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	<-started
	second := h.fake.Interact(withUser(discordtest.Slash("ask", discordtest.String("question", troops)), "600000000000000080"))
	h.fake.WaitFor(t, "the second question to be deferred", func() bool {
		in := h.fake.Interaction(second)
		return in != nil && len(in.Callbacks) == 1
	})
	notice <- time.Now()
	h.fake.WaitFor(t, "the queued notice", func() bool {
		in := h.fake.Interaction(second)
		return in.Original != nil && strings.Contains(in.Original.Content, "in the queue")
	})
	// With the line full, a third is turned away at once, privately.
	in := h.waitDone(t, h.fake.Interact(withUser(discordtest.Slash("ask", discordtest.String("question", troops)), "600000000000000081")))
	if fmt.Sprint(in.Callbacks) != "[4]" || !in.Original.Ephemeral() || !strings.Contains(in.Original.Content, "answering a lot of questions") {
		t.Errorf("busy reply: %v %+v", in.Callbacks, in.Original)
	}
	if n := h.metrics.get(h.metrics.errors, "busy"); n != 1 {
		t.Errorf("busy counted %d times", n)
	}
	once.Do(func() { close(release) })
	for _, token := range []string{first, second} {
		if o := h.waitDone(t, token).Original; !strings.Contains(o.Content, "15,000") {
			t.Errorf("a question that waited: %q", o.Content)
		}
	}
}

// partialWords streams the answer word by word, as an LLM would.
func partialWords(text string, onPartial func(string)) {
	words := strings.Fields(text)
	for i := range words {
		onPartial(strings.Join(words[:i+1], " "))
	}
}

func TestLLMFailure(t *testing.T) {
	t.Parallel()
	svc := realService(t)

	t.Run("fallback answer replaces the partial one", func(t *testing.T) {
		t.Parallel()
		fallback := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, onPartial func(string)) (*bot.Answer, error) {
			// The model streams a little, then fails; the service falls back
			// to the extractive answer, with a note at its head.
			partialWords("North Korea has sent roughly", onPartial)
			a, err := svc.Ask(ctx, q)
			if err != nil {
				return nil, err
			}
			a.Note = bot.NoteModelUnavailable
			a.Text = bot.NoteModelUnavailable + "\n\n" + a.Text
			return a, nil
		}}
		h := startBot(t, discordtest.New(t), fallback, discord.Options{About: about(svc)})
		o := h.waitDone(t, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))).Original
		if strings.Contains(o.Content, "roughly") || !strings.HasPrefix(o.Content, bot.NoteModelUnavailable) ||
			!strings.Contains(o.Content, "15,000") || len(o.Embeds) == 0 {
			t.Errorf("final answer:\n%s", o.Content)
		}
		if recs := h.logs.find("answered"); len(recs) != 1 || recs[0]["fallback"] != true {
			t.Errorf("the log doesn't mark the fallback: %v", recs)
		}
	})

	t.Run("an error gets a friendly private message", func(t *testing.T) {
		t.Parallel()
		fake := discordtest.New(t)
		failing := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, onPartial func(string)) (*bot.Answer, error) {
			partialWords("North Korea has sent", onPartial)
			if err := waitDeferred(ctx, fake); err != nil {
				return nil, err
			}
			return nil, errors.New("chat completion: 503 Service Unavailable from upstream")
		}}
		h := startBot(t, fake, failing, discord.Options{About: about(svc)})
		token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
		in := h.waitDone(t, token)
		// The partial answer forced a deferred response, whose "thinking…"
		// becomes the error: no delete, no followup.
		if fmt.Sprint(in.Callbacks) != "[5]" || in.Original.Deleted || len(in.Followups) != 0 ||
			in.Original.Content != "Sorry, I couldn't answer that just now. Please try again in a moment." {
			t.Fatalf("want the original edited into the error: %v %+v, %d followups", in.Callbacks, in.Original, len(in.Followups))
		}
		if calls := h.fake.CallsTo("DELETE", token); len(calls) != 0 {
			t.Errorf("deleted the response: %v", calls)
		}
		recs := h.logs.find("couldn't answer")
		if len(recs) != 1 || !strings.Contains(fmt.Sprint(recs[0]["err"]), "503 Service Unavailable") {
			t.Errorf("the log lacks the cause: %v", recs)
		}
	})

	t.Run("a private question's error stays private", func(t *testing.T) {
		t.Parallel()
		failing := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, onPartial func(string)) (*bot.Answer, error) {
			return nil, errors.New("connection refused")
		}}
		h := startBot(t, discordtest.New(t), failing, discord.Options{About: about(svc)})
		in := h.waitDone(t, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops), discordtest.Bool("private", true))))
		if in.Original.Deleted || !in.Original.Ephemeral() || !strings.HasPrefix(in.Original.Content, "Sorry") || strings.Contains(in.Original.Content, "refused") {
			t.Errorf("private error: %+v", in.Original)
		}
	})
}

func TestPanicIsRecoveredAndAnswered(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	panicky := &fakeAnswerer{svc: svc, ask: func(context.Context, string, func(string)) (*bot.Answer, error) {
		panic("nil map write")
	}}
	// Answered at once, so privately whether or not the question was.
	h := startBot(t, discordtest.New(t), panicky, discord.Options{About: about(svc), InstantWait: time.Minute})
	for _, private := range []bool{false, true} {
		in := h.waitDone(t, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops), discordtest.Bool("private", private))))
		msgs := in.Messages()
		if len(msgs) != 1 || !msgs[0].Ephemeral() || !strings.HasPrefix(msgs[0].Content, "Sorry") {
			t.Errorf("private=%v: %+v", private, msgs)
		}
	}
	// The process survives: a mention still gets a reply, and the log has
	// each panic.
	h.fake.PostMessage(discordtest.Post{Content: "<@" + discordtest.BotUserID + "> " + troops, MentionBot: true})
	h.fake.WaitFor(t, "a reply after the panics", func() bool { return len(h.fake.ChannelMessages(discordtest.ChannelID)) == 1 })
	if recs := h.logs.find("couldn't answer"); len(recs) != 3 || recs[0]["kind"] != "internal" || !strings.Contains(fmt.Sprint(recs[0]["err"]), "nil map write") {
		t.Errorf("log: %v", recs)
	}
	if n := h.metrics.get(h.metrics.errors, "discord_internal"); n != 3 {
		t.Errorf("panics counted: %d", n)
	}
}

func TestEveryCommandOnceInARowWithTheDefaults(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{})
	slow := func(text string) bool { return strings.Contains(text, "asking quickly") }
	answer := h.waitDone(t, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))).Original
	for _, inv := range []discordtest.Invocation{
		discordtest.Slash("summary"),
		discordtest.Slash("sources", discordtest.String("query", "troops")),
		discordtest.Slash("about"),
		discordtest.MessageCommand("Ask the article", h.fake.NewID(), "What did Kim call for?"),
		discordtest.Click(answer.Buttons()[0].CustomID, answer.ID),
		discordtest.Click(answer.Buttons()[1].CustomID, answer.ID),
		discordtest.Click(answer.Buttons()[2].CustomID, answer.ID),
	} {
		if in := h.waitDone(t, h.fake.Interact(inv)); slow(in.Text()) {
			t.Errorf("%v: %q", inv.Data, in.Text())
		}
	}
	h.fake.PostMessage(discordtest.Post{Content: "<@" + discordtest.BotUserID + "> " + troops, MentionBot: true})
	h.fake.PostMessage(discordtest.Post{Content: "What did Kim call for?", DM: true, ChannelID: "710000000000000009"})
	h.fake.WaitFor(t, "the mention and DM replies", func() bool {
		return len(h.fake.ChannelMessages(discordtest.ChannelID)) == 1 && len(h.fake.ChannelMessages("710000000000000009")) == 1
	})
	for _, m := range append(h.fake.ChannelMessages(discordtest.ChannelID), h.fake.ChannelMessages("710000000000000009")...) {
		if slow(m.Content) {
			t.Errorf("reply: %q", m.Content)
		}
	}
}

func TestLookupsDontSpendTheQuestionBudget(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	h := start(t, discord.Options{UserBurst: 1, CommandBurst: 4, Now: func() time.Time { return now }})
	answer := h.waitDone(t, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))).Original
	// Look-ups have their own budget...
	for _, inv := range []discordtest.Invocation{
		discordtest.Slash("sources", discordtest.String("query", "troops")),
		discordtest.Slash("about"),
		discordtest.Click(answer.Buttons()[0].CustomID, answer.ID),
		discordtest.Click(answer.Buttons()[1].CustomID, answer.ID),
	} {
		if in := h.waitDone(t, h.fake.Interact(inv)); strings.Contains(in.Text(), "asking quickly") {
			t.Errorf("%v was limited: %q", inv.Data, in.Text())
		}
	}
	// ...and it runs out too, buttons included.
	if in := h.waitDone(t, h.fake.Interact(discordtest.Click(answer.Buttons()[2].CustomID, answer.ID))); !strings.Contains(in.Text(), "asking quickly") {
		t.Errorf("a fifth look-up: %q", in.Text())
	}
	// The question budget is spent by the one question.
	if in := h.waitDone(t, h.fake.Interact(discordtest.Slash("summary"))); !strings.Contains(in.Text(), "asking quickly") {
		t.Errorf("a second question: %q", in.Text())
	}
}

func TestButtonsKeepToTheAllowlists(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{AllowedChannels: []string{discordtest.ChannelID}})
	answer := h.waitDone(t, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))).Original
	click := discordtest.Click(answer.Buttons()[1].CustomID, answer.ID)
	click.ChannelID = "700000000000000042"
	in := h.waitDone(t, h.fake.Interact(click))
	if !in.Original.Ephemeral() || in.Original.Content != "I'm not set up to answer in this channel." {
		t.Errorf("a button outside the allowlist: %+v", in.Original)
	}
	if n := h.metrics.get(h.metrics.feedback, "up"); n != 0 {
		t.Errorf("a vote from outside the allowlist was counted")
	}
}
