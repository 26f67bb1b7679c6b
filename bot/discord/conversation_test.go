package discord_test

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/internal/discordtest"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// after stands in for time.After on a clock that moves only by the waits
// asked of it: each passes at once, moving the clock on.
func (c *testClock) after(d time.Duration) <-chan time.Time {
	c.advance(d)
	ch := make(chan time.Time, 1)
	ch <- c.now()
	return ch
}

// newConversations is a store with the default bounds, on clock c (nil for
// the real one), saved at path when set.
func newConversations(t testing.TB, c *testClock, path string, turns int) *bot.ConversationStore {
	t.Helper()
	opt := bot.ConversationOptions{MaxTurns: turns, MaxBytes: 1 << 20, MaxIdle: 30 * time.Minute, Path: path}
	if c != nil {
		opt.Now = c.now
	}
	st, err := bot.NewConversationStore(opt)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// startConversing runs a bot with the real service and a conversation
// store against a fresh fake Discord.
func startConversing(t testing.TB, st *bot.ConversationStore, opt discord.Options) (*harness, *fakeAnswerer) {
	t.Helper()
	return startConversingOn(t, discordtest.New(t), st, opt)
}

func startConversingOn(t testing.TB, fake *discordtest.Server, st *bot.ConversationStore, opt discord.Options) (*harness, *fakeAnswerer) {
	t.Helper()
	svc := realService(t)
	opt.About = about(svc)
	opt.Conversations = st
	if opt.UserBurst == 0 {
		opt.UserBurst = 20
	}
	a := &fakeAnswerer{svc: svc}
	return startBot(t, fake, a, opt), a
}

// askSlash asks /ask with the given options and waits for the answer.
func (h *harness) askSlash(t testing.TB, inv discordtest.Invocation) *discordtest.Interaction {
	t.Helper()
	return h.waitDone(t, h.fake.Interact(inv))
}

// clickFollowUp presses an answer's "Ask a follow-up" button and returns
// the modal the bot opened.
func (h *harness) clickFollowUp(t testing.TB, m *discordtest.Message) *discordtest.Modal {
	t.Helper()
	return h.clickForModal(t, m, "Ask a follow-up")
}

// clickForModal presses an answer's button and returns the modal the bot
// opened.
func (h *harness) clickForModal(t testing.TB, m *discordtest.Message, label string) *discordtest.Modal {
	t.Helper()
	fu := button(t, m, label)
	if len(fu.CustomID) > discordtest.MaxCustomID {
		t.Errorf("custom ID %q over 100 characters", fu.CustomID)
	}
	token := h.fake.Interact(discordtest.ClickOn(fu.CustomID, m))
	var in *discordtest.Interaction
	h.fake.WaitFor(t, "a response to the click", func() bool {
		in = h.fake.Interaction(token)
		return in != nil && len(in.Callbacks) > 0
	})
	if len(in.Callbacks) != 1 || in.Callbacks[0] != discordtest.CallbackModal || in.Modal == nil {
		t.Fatalf("callbacks %v, modal %v: want a modal", in.Callbacks, in.Modal)
	}
	return in.Modal
}

// replyTo posts a reply to message id, pinging the bot as Discord does by
// default, and waits for the bot's reply to it.
func (h *harness) replyTo(t testing.TB, p discordtest.Post, id string) *discordtest.Message {
	t.Helper()
	p.ReplyTo, p.MentionBot = id, true
	if p.ChannelID == "" {
		p.ChannelID = discordtest.ChannelID
	}
	return h.postAndWait(t, p)
}

// postAndWait posts a message and waits for the bot's final reply to it.
func (h *harness) postAndWait(t testing.TB, p discordtest.Post) *discordtest.Message {
	t.Helper()
	if p.ChannelID == "" {
		p.ChannelID = discordtest.ChannelID
	}
	mid := h.fake.PostMessage(p)
	var got *discordtest.Message
	h.fake.WaitFor(t, "the bot's reply to "+mid, func() bool {
		for _, m := range h.fake.ChannelMessages(p.ChannelID) {
			if m.Reference != nil && m.Reference.MessageID == mid && len(m.Buttons()) > 0 {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// waitThread waits for the one thread the bot starts, with its intro
// posted in it.
func (h *harness) waitThread(t testing.TB) discordtest.Thread {
	t.Helper()
	var th discordtest.Thread
	h.fake.WaitFor(t, "a thread with its intro", func() bool {
		ths := h.fake.Threads()
		if len(ths) == 1 {
			th = ths[0]
		}
		return len(ths) == 1 && len(h.fake.ChannelMessages(ths[0].ID)) == 1
	})
	return th
}

func button(t testing.TB, m *discordtest.Message, label string) discordtest.Component {
	t.Helper()
	for _, b := range m.Buttons() {
		if b.Label == label {
			return b
		}
	}
	t.Fatalf("no %q button on %q", label, m.Content)
	return discordtest.Component{}
}

func wantIn(t testing.TB, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

func TestReplyChainOfThreeTurns(t *testing.T) {
	t.Parallel()
	h, ans := startConversing(t, newConversations(t, nil, "", 6), discord.Options{})
	in := h.askSlash(t, discordtest.Slash("ask", discordtest.String("question", troops)))
	wantIn(t, "first answer", in.Original.Content, "15,000")

	second := h.replyTo(t, discordtest.Post{Content: "who reported that?"}, in.Original.ID)
	wantIn(t, "reply to the answer", second.Content, "National Intelligence Service", "[1]")
	third := h.replyTo(t, discordtest.Post{Content: "since when?"}, second.ID)
	wantIn(t, "reply to the reply", third.Content, "October last year", "[1]")

	reqs := ans.requests()
	if len(reqs) != 3 || len(reqs[1].History) != 1 || len(reqs[2].History) != 2 {
		t.Fatalf("histories of %d requests: %d, %d; want 1 and 2 turns", len(reqs), len(reqs[1].History), len(reqs[2].History))
	}
	if reqs[2].History[1].Standalone == "" {
		t.Error("the second turn's standalone question was not kept")
	}
	// A mention that replies to no answer starts afresh.
	h.postAndWait(t, discordtest.Post{Content: "<@" + discordtest.BotUserID + "> since when?", MentionBot: true})
	if reqs := ans.requests(); len(reqs[3].History) != 0 {
		t.Errorf("a fresh mention carried %d turns", len(reqs[3].History))
	}
}

func TestFollowUpButtonAndModal(t *testing.T) {
	t.Parallel()
	for _, private := range []bool{false, true} {
		name := "public"
		if private {
			name = "private"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h, ans := startConversing(t, newConversations(t, nil, "", 6), discord.Options{MaxQuestionLen: 5000})
			in := h.askSlash(t, discordtest.Slash("ask", discordtest.String("question", troops), discordtest.Bool("private", private)))
			orig := in.Original
			if orig.Ephemeral() != private {
				t.Fatalf("answer ephemeral = %v", orig.Ephemeral())
			}
			m := h.clickFollowUp(t, orig)
			if len(m.Inputs) != 1 || m.Inputs[0].MaxLength == nil || *m.Inputs[0].MaxLength != 4000 {
				t.Fatalf("modal inputs = %+v, want one text input of at most 4000 characters", m.Inputs)
			}
			sub := h.askSlash(t, discordtest.ModalSubmit(m.CustomID, orig, map[string]string{m.Inputs[0].CustomID: "who reported that?"}))
			o := sub.Original
			if o.Ephemeral() != private {
				t.Errorf("follow-up ephemeral = %v, want %v", o.Ephemeral(), private)
			}
			wantIn(t, "follow-up answer", o.Content, "National Intelligence Service", "[1]")
			// The follow-up's answer has its own button, continuing further.
			m2 := h.clickFollowUp(t, o)
			sub2 := h.askSlash(t, discordtest.ModalSubmit(m2.CustomID, o, map[string]string{"question": "since when?"}))
			wantIn(t, "second follow-up", sub2.Original.Content, "October last year")
			if reqs := ans.requests(); len(reqs[2].History) != 2 {
				t.Errorf("the second follow-up had %d turns of history, want 2", len(reqs[2].History))
			}
		})
	}
}

// The follow-up form, opened with "Follow up in a thread", answers in the
// channel and starts a public thread on that answer, named for the
// conversation's first question, where the conversation goes on.
func TestFollowUpModalStartsAThread(t *testing.T) {
	t.Parallel()
	h, ans := startConversing(t, newConversations(t, nil, "", 6), discord.Options{})
	in := h.askSlash(t, discordtest.Slash("ask", discordtest.String("question", troops)))
	m := h.clickForModal(t, in.Original, "Follow up in a thread")
	if n := discordtest.Len(m.Title); n == 0 || n > 45 || len(m.CustomID) > discordtest.MaxCustomID {
		t.Errorf("modal title %q, custom ID %q", m.Title, m.CustomID)
	}
	if len(m.Inputs) != 1 {
		t.Fatalf("modal inputs = %+v, want one text input", m.Inputs)
	}
	sub := h.askSlash(t, discordtest.ModalSubmit(m.CustomID, in.Original, map[string]string{m.Inputs[0].CustomID: "who reported that?"}))
	wantIn(t, "follow-up answer", sub.Original.Content, "National Intelligence Service", "[1]")
	if sub.Original.Ephemeral() {
		t.Error("the follow-up that starts a thread was private")
	}
	th := h.waitThread(t)
	if th.MessageID != sub.Original.ID || th.ParentID != discordtest.ChannelID {
		t.Errorf("thread %+v is not on the follow-up's answer %s", th, sub.Original.ID)
	}
	if n := discordtest.Len(th.Name); n > discordtest.MaxThreadName || !strings.HasPrefix(th.Name, "How many troops") {
		t.Errorf("thread name %q, want the conversation's first question", th.Name)
	}
	got := h.postAndWait(t, discordtest.Post{Content: "<@" + discordtest.BotUserID + "> since when?", MentionBot: true, ChannelID: th.ID})
	wantIn(t, "answer in the thread", got.Content, "October last year")
	if reqs := ans.requests(); len(reqs) != 3 || len(reqs[2].History) != 2 {
		t.Errorf("the question in the thread had %d turns of history, want 2", len(reqs[len(reqs)-1].History))
	}
	// No thread is offered where none can start: in the bot's thread, and
	// under a private answer.
	for _, b := range got.Buttons() {
		if b.Label == "Follow up in a thread" {
			t.Error("an answer in a thread offers to start another thread")
		}
	}
	priv := h.askSlash(t, discordtest.Slash("ask", discordtest.String("question", troops), discordtest.Bool("private", true)))
	for _, b := range priv.Original.Buttons() {
		if b.Label == "Follow up in a thread" {
			t.Error("a private answer offers a public thread")
		}
	}
	for _, c := range append(in.Original.Buttons(), sub.Original.Buttons()...) {
		if len(c.CustomID) > discordtest.MaxCustomID {
			t.Errorf("custom ID %q over 100 characters", c.CustomID)
		}
	}
}

func TestPrivateConversationIsItsOwners(t *testing.T) {
	t.Parallel()
	st := newConversations(t, nil, "", 6)
	h, ans := startConversing(t, st, discord.Options{})
	in := h.askSlash(t, discordtest.Slash("ask", discordtest.String("question", troops), discordtest.Bool("private", true)))
	// Someone else submitting the private answer's form (they never see
	// it; a forged submission, say) gets nothing of its conversation.
	other := "600000000000000099"
	inv := discordtest.ModalSubmit("ab:fm:"+in.ID, in.Original, map[string]string{"question": "who reported that?"})
	inv.UserID = other
	sub := h.askSlash(t, inv)
	if reqs := ans.requests(); len(reqs[1].History) != 0 {
		t.Errorf("another user's follow-up saw %d turns of a private conversation", len(reqs[1].History))
	}
	if !sub.Original.Ephemeral() {
		t.Error("a follow-up on a private answer was public")
	}
}

func TestThreadContinuedByMentionAndAsk(t *testing.T) {
	t.Parallel()
	h, ans := startConversing(t, newConversations(t, nil, "", 6), discord.Options{})
	long := troops + " " + strings.Repeat("Please answer with the number of soldiers. ", 5)
	in := h.askSlash(t, discordtest.Slash("ask", discordtest.String("question", long), discordtest.Bool("thread", true)))
	th := h.waitThread(t)
	if th.MessageID != in.Original.ID || th.ParentID != discordtest.ChannelID {
		t.Errorf("thread %+v is not on the answer %s", th, in.Original.ID)
	}
	if n := discordtest.Len(th.Name); n == 0 || n > discordtest.MaxThreadName || !strings.HasPrefix(th.Name, "How many troops") {
		t.Errorf("thread name %q (%d characters)", th.Name, n)
	}
	wantIn(t, "thread intro", h.fake.ChannelMessages(th.ID)[0].Content, "mention me")

	byMention := h.postAndWait(t, discordtest.Post{Content: "<@" + discordtest.BotUserID + "> who reported that?", MentionBot: true, ChannelID: th.ID})
	wantIn(t, "answer in the thread", byMention.Content, "National Intelligence Service")
	inv := discordtest.Slash("ask", discordtest.String("question", "since when?"))
	inv.ChannelID = th.ID
	byAsk := h.askSlash(t, inv)
	wantIn(t, "/ask in the thread", byAsk.Original.Content, "October last year")
	reqs := ans.requests()
	if len(reqs) != 3 || len(reqs[2].History) != 2 {
		t.Errorf("/ask in the thread had %d turns of history, want 2", len(reqs[2].History))
	}
	// Another member of the thread follows up in the same conversation.
	h.postAndWait(t, discordtest.Post{Content: "<@" + discordtest.BotUserID + "> and what did Kim promise?", MentionBot: true, ChannelID: th.ID, UserID: "600000000000000077"})
	if reqs := ans.requests(); len(reqs[3].History) != 3 {
		t.Errorf("another member's question had %d turns of the thread's history, want 3", len(reqs[3].History))
	}
}

func TestThreadNotStartedOnAPrivateAnswer(t *testing.T) {
	t.Parallel()
	h, _ := startConversing(t, newConversations(t, nil, "", 6), discord.Options{})
	token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops), discordtest.Bool("private", true), discordtest.Bool("thread", true)))
	h.fake.WaitFor(t, "the notice", func() bool {
		in := h.fake.Interaction(token)
		return in != nil && len(in.Followups) == 1
	})
	in := h.fake.Interaction(token)
	if len(h.fake.Threads()) != 0 || !in.Followups[0].Ephemeral() || !strings.Contains(in.Followups[0].Content, "thread") {
		t.Errorf("threads %v, notice %+v", h.fake.Threads(), in.Followups[0])
	}
}

func TestTwoUsersConversationsInOneChannel(t *testing.T) {
	t.Parallel()
	st := newConversations(t, nil, "", 6)
	h, ans := startConversing(t, st, discord.Options{})
	const alice, bob = "600000000000000011", "600000000000000022"
	askAs := func(user, q string) *discordtest.Interaction {
		inv := discordtest.Slash("ask", discordtest.String("question", q))
		inv.UserID = user
		return h.askSlash(t, inv)
	}
	a := askAs(alice, troops)
	b := askAs(bob, "When did Kim and Putin have a phone conversation?")
	ra := h.replyTo(t, discordtest.Post{Content: "who reported that?", UserID: alice}, a.Original.ID)
	rb := h.replyTo(t, discordtest.Post{Content: "who reported that?", UserID: bob}, b.Original.ID)
	wantIn(t, "Alice's follow-up", ra.Content, "National Intelligence Service")
	wantIn(t, "Bob's follow-up", rb.Content, "KCNA")
	if ra.Content == rb.Content {
		t.Error("both users got the same answer")
	}
	// Bob replying to Alice's answer gets her conversation as context, in a
	// conversation of his own: hers doesn't change.
	before := len(ans.requests())
	h.replyTo(t, discordtest.Post{Content: "since when?", UserID: bob}, ra.ID)
	reqs := ans.requests()
	if len(reqs) != before+1 || len(reqs[before].History) != 2 {
		t.Fatalf("Bob's reply to Alice's answer had %d turns of history, want her 2", len(reqs[before].History))
	}
	key, _ := st.Lookup(a.ID)
	if n := len(st.History(key)); n != 2 {
		t.Errorf("Alice's conversation has %d turns after Bob's reply, want 2", n)
	}
}

func TestConversationBounds(t *testing.T) {
	t.Parallel()
	clock := &testClock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	h, ans := startConversing(t, newConversations(t, clock, "", 2), discord.Options{})
	in := h.askSlash(t, discordtest.Slash("ask", discordtest.String("question", troops)))
	r1 := h.replyTo(t, discordtest.Post{Content: "who reported that?"}, in.Original.ID)
	r2 := h.replyTo(t, discordtest.Post{Content: "since when?"}, r1.ID)
	h.replyTo(t, discordtest.Post{Content: "what about the weapons?"}, r2.ID)
	reqs := ans.requests()
	if n := len(reqs[3].History); n != 2 {
		t.Errorf("the fourth turn had %d turns of history, want the last 2", n)
	}
	if reqs[3].History[0].Question != "who reported that?" {
		t.Errorf("kept %q first, want the oldest turns dropped", reqs[3].History[0].Question)
	}
	// Idle past 30 minutes, the conversation is gone: a reply starts afresh.
	clock.advance(31 * time.Minute)
	h.replyTo(t, discordtest.Post{Content: "since when?"}, r2.ID)
	if n := len(ans.requests()[4].History); n != 0 {
		t.Errorf("a reply after 31 idle minutes had %d turns of history", n)
	}
}

func TestConversationSurvivesARestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "conversations.json")
	fake := discordtest.New(t)
	h, _ := startConversingOn(t, fake, newConversations(t, nil, path, 6), discord.Options{})
	in := h.askSlash(t, discordtest.Slash("ask", discordtest.String("question", troops)))
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	h2, ans := startConversingOn(t, fake, newConversations(t, nil, path, 6), discord.Options{})
	got := h2.replyTo(t, discordtest.Post{Content: "who reported that?"}, in.Original.ID)
	wantIn(t, "reply after a restart", got.Content, "National Intelligence Service")
	if reqs := ans.requests(); len(reqs) != 1 || len(reqs[0].History) != 1 {
		t.Errorf("after a restart the reply had no history")
	}
}

func TestFollowUpsKeepTheGuards(t *testing.T) {
	t.Parallel()
	h, ans := startConversing(t, newConversations(t, nil, "", 6), discord.Options{UserBurst: 1, UserRate: 0.001})
	in := h.askSlash(t, discordtest.Slash("ask", discordtest.String("question", troops)))
	// The reply is over the user's rate: it gets the rate notice, not an answer.
	mid := h.fake.PostMessage(discordtest.Post{Content: "who reported that?", MentionBot: true, ReplyTo: in.Original.ID})
	h.fake.WaitFor(t, "the rate notice", func() bool {
		for _, m := range h.fake.ChannelMessages(discordtest.ChannelID) {
			if m.Reference != nil && m.Reference.MessageID == mid {
				return strings.Contains(m.Content, "asking quickly")
			}
		}
		return false
	})
	// So is a follow-up through the form.
	m := h.clickFollowUp(t, in.Original)
	sub := h.waitDone(t, h.fake.Interact(discordtest.ModalSubmit(m.CustomID, in.Original, map[string]string{"question": "since when?"})))
	wantIn(t, "form follow-up over the rate", sub.Text(), "asking quickly")
	if n := len(ans.requests()); n != 1 {
		t.Errorf("%d questions answered, want only the first", n)
	}
}

func TestFollowUpInADisallowedChannel(t *testing.T) {
	t.Parallel()
	h, _ := startConversing(t, newConversations(t, nil, "", 6), discord.Options{AllowedChannels: []string{discordtest.ChannelID}})
	in := h.askSlash(t, discordtest.Slash("ask", discordtest.String("question", troops)))
	elsewhere := *in.Original
	elsewhere.ChannelID = "700000000000000099"
	click := h.waitDone(t, h.fake.Interact(discordtest.ClickOn("ab:fu:"+in.ID, &elsewhere)))
	if click.Modal != nil || !strings.Contains(click.Text(), "not set up") {
		t.Errorf("the form opened outside the allowed channels: %q", click.Text())
	}
}

func TestAboutExplainsFollowUps(t *testing.T) {
	t.Parallel()
	h, _ := startConversing(t, newConversations(t, nil, "", 6), discord.Options{})
	in := h.askSlash(t, discordtest.Slash("about"))
	var fields []string
	for _, f := range in.Original.Embeds[0].Fields {
		fields = append(fields, f.Name+": "+f.Value)
	}
	wantIn(t, "/about", strings.Join(fields, "\n"), "Follow-up questions: To follow up on an answer, reply to it and keep the @mention on", "Ask a follow-up", "Follow up in a thread")
}
