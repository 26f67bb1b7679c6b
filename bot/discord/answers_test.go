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

const troops = "How many troops has North Korea sent to Russia?"

func TestSlowAnswerIsDeferredThenEdited(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	fake := discordtest.New(t)
	h := startBot(t, fake, afterAck(fake, svc), discord.Options{About: about(svc)})
	token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	in := h.waitDone(t, token)
	if len(in.Callbacks) != 1 || in.Callbacks[0] != discordtest.CallbackDeferred {
		t.Fatalf("callbacks = %v, want one deferred response (5)", in.Callbacks)
	}
	// The acknowledgement came before the edit, and nothing else was sent.
	var order []string
	for _, c := range h.fake.Calls() {
		if strings.Contains(c.Path, token) {
			order = append(order, c.Method)
		}
	}
	if fmt.Sprint(order) != "[POST PATCH]" {
		t.Errorf("calls for the interaction: %v, want the callback POST, then one PATCH", order)
	}
	if o := in.Original; !strings.Contains(o.Content, "15,000") || len(o.Embeds) != 1 || len(o.Buttons()) != 3 {
		t.Errorf("edited answer: %q, %d embeds, %d buttons", o.Content, len(o.Embeds), len(o.Buttons()))
	}
}

func TestInstantAnswerIsOneResponseWithCitations(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{InstantWait: time.Minute})
	token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	in := h.waitDone(t, token)

	if len(in.Callbacks) != 1 || in.Callbacks[0] != discordtest.CallbackMessage {
		t.Fatalf("callbacks = %v, want one message response (4)", in.Callbacks)
	}
	if calls := h.fake.CallsTo("", token); len(calls) != 1 {
		t.Errorf("%d calls for an instant answer, want its one response: %v", len(calls), calls)
	}
	o := in.Original
	if o.Ephemeral() {
		t.Error("a public /ask was ephemeral")
	}
	if !strings.Contains(o.Content, "15,000") || !strings.Contains(o.Content, "[1]") {
		t.Errorf("answer lacks the fact or its citation:\n%s", o.Content)
	}
	if len(o.Embeds) != 1 || o.Embeds[0].Title != "Sources" || len(o.Embeds[0].Fields) == 0 {
		t.Fatalf("embeds = %+v, want a Sources embed", o.Embeds)
	}
	f := o.Embeds[0].Fields[0]
	if f.Name != "[1] Growing Military Cooperation" || !strings.Contains(f.Value, "15,000") {
		t.Errorf("first source = %q: %q", f.Name, f.Value)
	}
	var labels []string
	for _, b := range o.Buttons() {
		labels = append(labels, b.Label)
	}
	if strings.Join(labels, ",") != "Show sources,Helpful,Not helpful" {
		t.Errorf("buttons = %v", labels)
	}
	if !discordtest.NoMentions(o.AllowedMentions) {
		t.Errorf("allowed_mentions = %s", o.AllowedMentions)
	}
	recs := h.logs.find("answered")
	if len(recs) != 1 {
		t.Fatalf("%d 'answered' log records", len(recs))
	}
	if recs[0]["user"] == discordtest.UserID || strings.Contains(h.logs.String(), discordtest.UserID) {
		t.Error("the log holds a raw user ID")
	}
	for _, key := range []string{"question_id", "guild", "channel", "user", "latency", "drafter"} {
		if _, ok := recs[0][key]; !ok {
			t.Errorf("log record lacks %q: %v", key, recs[0])
		}
	}
}

func TestPrivateAskIsEphemeral(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	for _, tc := range []struct {
		name     string
		callback int
		wait     time.Duration
		a        func(fake *discordtest.Server) discord.Answerer
	}{
		{"instant", discordtest.CallbackMessage, time.Minute, func(*discordtest.Server) discord.Answerer { return &fakeAnswerer{svc: svc} }},
		{"deferred", discordtest.CallbackDeferred, 0, func(fake *discordtest.Server) discord.Answerer { return afterAck(fake, svc) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.New(t)
			h := startBot(t, fake, tc.a(fake), discord.Options{About: about(svc), InstantWait: tc.wait})
			token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops), discordtest.Bool("private", true)))
			in := h.waitDone(t, token)
			if in.Callbacks[0] != tc.callback || !in.Original.Ephemeral() {
				t.Errorf("callbacks %v, ephemeral %v: want an ephemeral response (%d)", in.Callbacks, in.Original.Ephemeral(), tc.callback)
			}
			if !strings.Contains(in.Original.Content, "15,000") {
				t.Errorf("answer = %q", in.Original.Content)
			}
		})
	}
}

// afterAck answers with the real service once the bot has acknowledged an
// interaction, so the answer always follows a deferred response.
func afterAck(fake *discordtest.Server, svc *bot.Service) *fakeAnswerer {
	return &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, _ func(string)) (*bot.Answer, error) {
		if err := waitDeferred(ctx, fake); err != nil {
			return nil, err
		}
		return svc.Ask(ctx, q)
	}}
}

// waitDeferred waits until the fake has taken a deferred response.
func waitDeferred(ctx context.Context, fake *discordtest.Server) error {
	return fake.Await(ctx, func() bool {
		for _, c := range fake.CallsTo("POST", "/callback") {
			if c.Status == 204 && strings.Contains(string(c.Body), `"type":5`) {
				return true
			}
		}
		return false
	})
}

func TestMentionGetsAReplyAndDMGetsAnAnswer(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{})

	// Neither a message without a mention nor another bot's gets an answer.
	h.fake.PostMessage(discordtest.Post{Content: troops})
	h.fake.PostMessage(discordtest.Post{Content: "<@" + discordtest.BotUserID + "> " + troops, MentionBot: true, Bot: true})

	id := h.fake.PostMessage(discordtest.Post{Content: "<@" + discordtest.BotUserID + "> " + troops, MentionBot: true})
	var msgs []*discordtest.Message
	h.fake.WaitFor(t, "a reply to the mention", func() bool {
		msgs = h.fake.ChannelMessages(discordtest.ChannelID)
		return len(msgs) > 0 && len(msgs[0].Buttons()) > 0
	})
	m := msgs[0]
	if len(msgs) != 1 || m.Reference == nil || m.Reference.MessageID != id {
		t.Fatalf("replies = %d, reference %+v, want one reply to %s", len(msgs), m.Reference, id)
	}
	if !strings.Contains(m.Content, "15,000") || len(m.Embeds) == 0 || !discordtest.NoMentions(m.AllowedMentions) {
		t.Errorf("reply: %q %d embeds, allowed_mentions %s", m.Content, len(m.Embeds), m.AllowedMentions)
	}
	if typing := h.fake.CallsTo("POST", "/typing"); len(typing) > 1 {
		t.Errorf("%d typing indicators, want at most 1", len(typing))
	}

	const dm = "710000000000000009"
	h.fake.PostMessage(discordtest.Post{Content: "What kind of world order did Kim call for?", DM: true, ChannelID: dm})
	h.fake.WaitFor(t, "an answer in the DM", func() bool {
		msgs = h.fake.ChannelMessages(dm)
		return len(msgs) > 0 && len(msgs[0].Buttons()) > 0
	})
	if !strings.Contains(msgs[0].Content, "[1]") || !strings.Contains(msgs[0].Content, "multi-polar world order") {
		t.Errorf("DM answer: %q", msgs[0].Content)
	}
	if got := len(h.fake.ChannelMessages(discordtest.ChannelID)); got != 1 {
		t.Errorf("%d messages in the channel, want only the reply to the mention", got)
	}

	// A bare mention gets a hint rather than silence.
	h.fake.PostMessage(discordtest.Post{Content: "<@" + discordtest.BotUserID + ">", MentionBot: true})
	h.fake.WaitFor(t, "a hint", func() bool { return len(h.fake.ChannelMessages(discordtest.ChannelID)) == 2 })
	if hint := h.fake.ChannelMessages(discordtest.ChannelID)[1].Content; !strings.HasPrefix(hint, "Ask me a question") {
		t.Errorf("hint = %q", hint)
	}
}

func TestButtons(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{})
	token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	o := h.waitDone(t, token).Original
	ids := map[string]string{}
	for _, b := range o.Buttons() {
		ids[b.Label] = b.CustomID
	}

	// Show sources: the whole passages, privately.
	in := h.waitDone(t, h.fake.Interact(discordtest.Click(ids["Show sources"], o.ID)))
	p := in.Original
	if in.Callbacks[0] != discordtest.CallbackMessage || !p.Ephemeral() || len(p.Embeds) == 0 {
		t.Fatalf("show sources: %v %+v", in.Callbacks, p)
	}
	svc := realService(t)
	a, _ := svc.Ask(context.Background(), troops)
	if p.Embeds[0].Title != "[1] Growing Military Cooperation" || p.Embeds[0].Description != a.Sources[0].Passage {
		t.Errorf("passage embed = %q %q\nwant the passage %q", p.Embeds[0].Title, p.Embeds[0].Description, a.Sources[0].Passage)
	}

	// Feedback: one counted vote per user and answer, acknowledged
	// privately; a changed vote is recorded but not counted again.
	for i, click := range []struct {
		label, vote string
		counted     bool
	}{{"Helpful", "up", true}, {"Helpful", "up", false}, {"Not helpful", "down", false}} {
		in := h.waitDone(t, h.fake.Interact(discordtest.Click(ids[click.label], o.ID)))
		if !in.Original.Ephemeral() || !strings.HasPrefix(in.Original.Content, "Thanks for the feedback") {
			t.Errorf("click %d: %+v", i, in.Original)
		}
		recs := h.logs.find("feedback")
		if len(recs) != i+1 || recs[i]["vote"] != click.vote || recs[i]["counted"] != click.counted || recs[i]["drafter"] != "extractive" {
			t.Errorf("click %d: feedback log %v", i, recs)
		}
	}
	// Another user's vote on the same answer counts.
	in = h.waitDone(t, h.fake.Interact(withUser(discordtest.Click(ids["Not helpful"], o.ID), "600000000000000055")))
	if !strings.HasPrefix(in.Original.Content, "Thanks for the feedback") {
		t.Errorf("another user's vote: %+v", in.Original)
	}
	// A vote for an answer the bot doesn't know is not counted.
	in = h.waitDone(t, h.fake.Interact(discordtest.Click("ab:up:12345", o.ID)))
	if !in.Original.Ephemeral() || !strings.Contains(in.Original.Content, "no longer have that answer") {
		t.Errorf("vote for an unknown answer: %+v", in.Original)
	}
	if recs := h.logs.find("feedback"); len(recs) != 5 || recs[4]["counted"] != false {
		t.Errorf("feedback log: %v", recs)
	}
	if up, down := h.metrics.get(h.metrics.feedback, "up"), h.metrics.get(h.metrics.feedback, "down"); up != 1 || down != 1 {
		t.Errorf("feedback counters up=%d down=%d, want 1 and 1", up, down)
	}

	// An answer the bot no longer remembers says so.
	in = h.waitDone(t, h.fake.Interact(discordtest.Click("ab:src:12345", o.ID)))
	if !in.Original.Ephemeral() || !strings.Contains(in.Original.Content, "no longer have the sources") {
		t.Errorf("unknown answer: %+v", in.Original)
	}
}
