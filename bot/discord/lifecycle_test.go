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

func TestDroppedGatewayResumesAndDeliversMissedInteractions(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{})
	if st := h.fake.Gateway(); st.Identifies != 1 || st.Resumes != 0 {
		t.Fatalf("gateway before the drop: %+v", st)
	}
	h.fake.DropGateway()
	// Dispatched while the bot is away: Discord replays it on resume.
	token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	in := h.waitDone(t, token)
	if !strings.Contains(in.Original.Content, "15,000") {
		t.Errorf("answer after resuming: %q", in.Original.Content)
	}
	st := h.fake.Gateway()
	if st.Resumes != 1 || st.Identifies != 1 || st.Connections != 2 {
		t.Errorf("gateway after the drop: %+v, want one resume on a second connection and no new identify", st)
	}
	// And it keeps answering on the resumed session.
	in = h.waitDone(t, h.fake.Interact(withUser(discordtest.Slash("ask", discordtest.String("question", troops)), "600000000000000090")))
	if !strings.Contains(in.Original.Content, "15,000") {
		t.Errorf("answer on the resumed session: %q", in.Original.Content)
	}
}

func TestFiftyConcurrentAsksAreAllAnswered(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{MaxConcurrent: 64})
	questions := []string{troops, "When did Kim and Putin speak on the phone?", "What did Kim call for?"}
	tokens := make([]string, 50)
	var wg sync.WaitGroup
	for i := range tokens {
		wg.Go(func() {
			inv := discordtest.Slash("ask", discordtest.String("question", questions[i%len(questions)]))
			inv.UserID = fmt.Sprintf("6000000000001%05d", i)
			tokens[i] = h.fake.Interact(inv)
		})
	}
	wg.Wait()
	for i, token := range tokens {
		in := h.waitDone(t, token)
		o := in.Original
		if len(in.Callbacks) != 1 || !strings.Contains(o.Content, "[1]") || len(o.Embeds) == 0 {
			t.Errorf("interaction %d: callbacks %v, answer %q", i, in.Callbacks, o.Content)
		}
	}
	if n := len(h.logs.find("answered")); n != 50 {
		t.Errorf("%d answers logged, want 50", n)
	}
}

func TestSurvivesRateLimitsAndServerErrors(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	fake := discordtest.New(t)
	h := startBot(t, fake, afterAck(fake, svc), discord.Options{About: about(svc)})
	// The callback fails with a 500 once, then the edit is rate limited.
	h.fake.Inject(discordtest.Fault{Method: "POST", PathContains: "/callback", Status: 500})
	h.fake.Inject(discordtest.Fault{Method: "PATCH", PathContains: "/messages/@original", Status: 429, RetryAfter: 0.01})
	token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	in := h.waitDone(t, token)
	if len(in.Callbacks) != 1 || !strings.Contains(in.Original.Content, "15,000") {
		t.Fatalf("answer: %v %q", in.Callbacks, in.Original.Content)
	}
	var statuses []int
	for _, c := range h.fake.Calls() {
		// A slow machine may time out a response that got through, and
		// learn so from a retry's 40060 (or 0: the request timed out).
		if strings.Contains(c.Path, token) && c.Code != discordtest.CodeAlreadyAcknowledged && c.Status != 0 {
			statuses = append(statuses, c.Status)
		}
	}
	if fmt.Sprint(statuses) != "[500 204 429 200]" {
		t.Errorf("statuses = %v, want the 500 and the 429 each followed by a success", statuses)
	}

	// A mention's reply survives a 500 on the channel messages endpoint.
	h.fake.Inject(discordtest.Fault{Method: "POST", PathContains: "/messages", Status: 502, Times: 1})
	h.fake.Inject(discordtest.Fault{Method: "POST", PathContains: "/messages", Status: 500, Times: 1})
	h.fake.PostMessage(discordtest.Post{Content: "<@" + discordtest.BotUserID + "> " + troops, MentionBot: true})
	h.fake.WaitFor(t, "the reply despite errors", func() bool { return len(h.fake.ChannelMessages(discordtest.ChannelID)) == 1 })
}

func TestRegistrationSurvivesAServerError(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	fake := discordtest.New(t)
	fake.Inject(discordtest.Fault{Method: "PUT", PathContains: "/commands", Status: 500})
	fake.Inject(discordtest.Fault{Method: "GET", PathContains: "/commands", Status: 429, RetryAfter: 0.01})
	startBot(t, fake, &fakeAnswerer{svc: svc}, discord.Options{About: about(svc)})
	if got := len(fake.Commands("")); got != 5 {
		t.Errorf("%d commands registered, want 5", got)
	}
}

func TestRejectedTokenStopsRun(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s, err := discord.NewSession("not-the-token", fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	err = discord.New(s, &fakeAnswerer{svc: realService(t)}, discord.Options{}).Run(context.Background())
	if !errors.Is(err, discord.ErrTokenRejected) || !strings.Contains(err.Error(), "DISCORD_TOKEN") {
		t.Errorf("Run = %v, want ErrTokenRejected naming DISCORD_TOKEN", err)
	}
	if st := fake.Gateway(); st.Connections != 0 {
		t.Errorf("connected to the gateway with a rejected token: %+v", st)
	}
}

func TestShutdownFinishesAnswersInFlight(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	blocking := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, _ func(string)) (*bot.Answer, error) {
		started <- struct{}{}
		<-release
		return svc.Ask(ctx, q)
	}}
	h := startBot(t, discordtest.New(t), blocking, discord.Options{About: about(svc)})
	var once sync.Once
	defer once.Do(func() { close(release) }) // on failure, let the cleanup stop the bot
	inflight := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	<-started

	stopped := make(chan error, 1)
	go func() { stopped <- h.stop() }()
	h.waitLog(t, "shutting down: no new questions; waiting for answers in flight")

	// New work is turned away politely; the answer in flight completes.
	late := h.waitDone(t, h.fake.Interact(withUser(discordtest.Slash("ask", discordtest.String("question", troops)), "600000000000000091")))
	if !late.Original.Ephemeral() || late.Original.Content != "I'm restarting. Please ask again in a minute." {
		t.Errorf("question during shutdown: %+v", late.Original)
	}
	once.Do(func() { close(release) })
	if err := <-stopped; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if in := h.fake.Interaction(inflight); in.Original == nil || !strings.Contains(in.Original.Content, "15,000") {
		t.Errorf("the answer in flight was not delivered: %+v", in.Original)
	}
}

func TestShutdownTimeoutCancelsAndStillReplies(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	started := make(chan struct{}, 1)
	stuck := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, _ func(string)) (*bot.Answer, error) {
		started <- struct{}{}
		<-ctx.Done()
		return nil, fmt.Errorf("waiting for the model: %w", ctx.Err())
	}}
	h := startBot(t, discordtest.New(t), stuck, discord.Options{About: about(svc), ShutdownTimeout: time.Millisecond})
	token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	<-started
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(h.logs.find("shutdown timeout: cancelling answers still in flight")) != 1 {
		t.Errorf("the answer in flight was not cancelled at the shutdown timeout; logs:\n%s", h.logs)
	}
	// Run waits a short grace for the cancelled answer's reply; a loaded
	// machine may take longer to send it, and it still goes out.
	if in := h.waitDone(t, token); in.Text() != "I'm restarting. Please ask again in a minute." || len(in.Followups) != 0 {
		t.Errorf("cancelled answer: %q, %d followups", in.Text(), len(in.Followups))
	}
}

func TestAnswerTimeout(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	slow := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, _ func(string)) (*bot.Answer, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	h := startBot(t, discordtest.New(t), slow, discord.Options{About: about(svc), AnswerTimeout: time.Millisecond})
	in := h.waitDone(t, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops))))
	if !strings.HasPrefix(in.Text(), "That took too long") || len(in.Followups) != 0 {
		t.Errorf("timed-out answer: %q, %d followups", in.Text(), len(in.Followups))
	}
}

// BenchmarkAskRoundTrip measures one /ask from the gateway event to the
// final edit: discordgo, the bot, the extractive service and the fake's
// REST on loopback.
func BenchmarkAskRoundTrip(b *testing.B) {
	h := start(b, discord.Options{UserRate: 1e9, UserBurst: 1 << 30})
	for b.Loop() {
		in := h.waitDone(b, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops))))
		if !strings.Contains(in.Original.Content, "15,000") {
			b.Fatalf("answer: %q", in.Original.Content)
		}
	}
}

func TestLostAcknowledgementStillGetsTheAnswer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ask  func(ctx context.Context, q string, onPartial func(string)) (*bot.Answer, error)
		want string
	}{
		{"answer", nil, "15,000"},
		{"error", func(context.Context, string, func(string)) (*bot.Answer, error) {
			return nil, errors.New("upstream down")
		}, "Sorry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc := realService(t)
			h := startBot(t, discordtest.New(t), &fakeAnswerer{svc: svc, ask: tc.ask}, discord.Options{About: about(svc)})
			// Discord takes the deferred response, but its reply never
			// arrives: the bot sees the acknowledgement fail.
			h.fake.Inject(discordtest.Fault{Method: "POST", PathContains: "/callback", Lost: true})
			token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
			h.fake.WaitFor(t, "the reply after a lost acknowledgement", func() bool {
				in := h.fake.Interaction(token)
				return in != nil && strings.Contains(in.Text(), tc.want)
			})
			if in := h.fake.Interaction(token); len(in.Callbacks) != 1 {
				t.Errorf("callbacks = %v, want the one response", in.Callbacks)
			}
		})
	}
}

func TestLateUnansweredResponseDeliversTheAnswer(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	for _, tc := range []struct {
		name  string
		fault discordtest.Fault
	}{
		// The response arrives, but its reply is lost: an edit delivers the
		// answer again, not an error in its place.
		{"arrived", discordtest.Fault{Method: "POST", PathContains: "/callback", Lost: true}},
		// The response hangs until the bot gives up and never arrives: the
		// edit finds no message, and the answer is the response after all.
		{"never arrived", discordtest.Fault{Method: "POST", PathContains: "/callback", Delay: time.Hour}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The bot's clock jumps to the end of the interaction's window
			// once the answer is ready, as when a loaded machine drafts it
			// slowly: the response is tried once, and gets no answer.
			var mu sync.Mutex
			var ahead time.Duration
			now := func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				return time.Now().Add(ahead)
			}
			slow := &fakeAnswerer{svc: svc, ask: func(ctx context.Context, q string, _ func(string)) (*bot.Answer, error) {
				mu.Lock()
				ahead = discordtest.DiscordCallbackWindow
				mu.Unlock()
				return svc.Ask(ctx, q)
			}}
			h := startBot(t, discordtest.New(t), slow, discord.Options{About: about(svc), InstantWait: time.Minute, Now: now})
			h.fake.Inject(tc.fault)
			token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops), discordtest.Bool("private", true)))
			h.waitLog(t, "answered", "interaction lost: not acknowledged in time")
			if err := h.stop(); err != nil { // Run waits for the reply
				t.Fatal(err)
			}
			in := h.fake.Interaction(token)
			if len(in.Callbacks) != 1 || in.Callbacks[0] != discordtest.CallbackMessage || !in.Original.Ephemeral() ||
				!strings.Contains(in.Original.Content, "15,000") {
				t.Errorf("callbacks %v, ephemeral %v, answer %q: want the private answer", in.Callbacks, in.Original.Ephemeral(), in.Original.Content)
			}
			if n := len(h.logs.find("couldn't send the answer")); n != 0 {
				t.Errorf("%d answers not sent; logs:\n%s", n, h.logs)
			}
		})
	}
}

func TestLogsHoldNoInteractionToken(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{})
	// A lost response makes the client quote the request URL in its error.
	h.fake.Inject(discordtest.Fault{Method: "POST", PathContains: "/callback", Lost: true})
	token := h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", troops)))
	h.waitLog(t, "Discord REST call failed; retrying")
	h.waitDone(t, token)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if logs := h.logs.String(); strings.Contains(logs, token) || !strings.Contains(logs, "<token>") {
		t.Errorf("the logs should name the request without its interaction token:\n%s", logs)
	}
}
