// Package discord is articlebot's Discord front end: slash commands, an
// "Ask the article" message command, mentions and DMs, each answered through
// the answering service with cited replies that fit Discord's limits.
package discord

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/internal/config"
)

// Answerer is the answering service the bot fronts; *bot.Service is one.
type Answerer interface {
	// Answer answers a question, passing the text drafted so far to
	// onPartial as it grows (an extractive drafter never calls it).
	Answer(ctx context.Context, req bot.Request, onPartial func(text string)) (*bot.Answer, error)
	Summarize(ctx context.Context, length bot.Length, section string) (*bot.Summary, error)
	Search(ctx context.Context, query string, k int) (*bot.SearchResult, error)
	// CleanQuestion and Section check a question and a section name
	// before any work, so that bad input is refused at once.
	CleanQuestion(q string) (string, error)
	Section(name string) (string, error)
}

var _ Answerer = (*bot.Service)(nil)

// Metrics records what only the Discord front end sees: feedback votes and
// its own failures, such as rate-limited users. Questions, latencies and
// tokens are the answering service's to report. *telemetry.Metrics is one.
type Metrics interface {
	Error(kind string)
	Feedback(vote string)
}

// About describes what the bot answers from, for /about and for the section
// autocomplete of /summary.
type About struct {
	Titles   []string
	Sections []string
	Chunks   int
	// Drafter says how answers are written, e.g. "extractive".
	Drafter string
	// Models names the models in use, e.g. "local embedder".
	Models  string
	Version string
}

// Options configure a Bot. The settings come from the configuration: a
// zero UserRate, UserBurst, MaxConcurrent, MaxQuestionLen, AnswerTimeout or
// ShutdownTimeout takes config.Default's value, the one place defaults
// live. The other zero values are documented.
type Options struct {
	// GuildID registers the commands to one guild (instant, for
	// development); empty registers them globally.
	GuildID string
	// AllowedGuilds and AllowedChannels, when set, are the only places the
	// bot answers. A DM is in no guild, so a guild allowlist refuses DMs.
	AllowedGuilds   []string
	AllowedChannels []string
	// UserRate is how many questions (anything drafted: /ask, /summary,
	// the message command, mentions, DMs) a user may ask per minute,
	// UserBurst how many at once.
	UserRate  float64
	UserBurst int
	// CommandRate and CommandBurst limit, apart from questions, what only
	// looks things up: /about, /sources and the answer buttons.
	CommandRate  float64
	CommandBurst int
	// MaxConcurrent caps the answers drafted at once.
	MaxConcurrent int
	// QueueSize is how many questions may wait for a drafting slot, each
	// for at most QueueWait; beyond them users get a "busy" reply.
	QueueSize int
	QueueWait time.Duration
	// InstantWait is how long a reply may take to be sent as the
	// interaction's response itself, with no "thinking…" first.
	InstantWait time.Duration
	// MaxQuestionLen is the longest question accepted, in characters.
	MaxQuestionLen int
	// AnswerTimeout bounds one answer.
	AnswerTimeout time.Duration
	// ShutdownTimeout bounds how long Run waits for answers in flight once
	// its context ends.
	ShutdownTimeout time.Duration
	// EditInterval is the least time between two edits of a streaming
	// answer. Default 1.2s, under Discord's rate of five edits in five
	// seconds.
	EditInterval time.Duration
	About        About
	// Conversations, when set, keeps conversations so that replies to
	// answers, the "Ask a follow-up" button and threads started with /ask
	// thread:true continue them; nil answers every question alone.
	Conversations Conversations
	Logger        *slog.Logger
	Metrics       Metrics
	// OnConnected is told when the gateway connects and disconnects, for a
	// readiness check.
	OnConnected func(connected bool)
	// UserKey keys the hash of user IDs in logs, so raw IDs never appear.
	// Default: random, so hashes match within one run only.
	UserKey []byte

	// After and Now stand in for the clock in tests.
	After func(time.Duration) <-chan time.Time
	Now   func() time.Time
	// RetryBackoff is the first wait before retrying a REST call that
	// failed with a 5xx; it doubles each time. Default 500ms.
	RetryBackoff time.Duration
}

func (o *Options) defaults() {
	d := config.Default()
	if o.UserRate <= 0 {
		o.UserRate = d.Discord.UserRate
	}
	if o.UserBurst <= 0 {
		o.UserBurst = d.Discord.UserBurst
	}
	if o.CommandRate <= 0 {
		o.CommandRate = d.Discord.CommandRate
	}
	if o.CommandBurst <= 0 {
		o.CommandBurst = d.Discord.CommandBurst
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = d.Discord.MaxConcurrent
	}
	if o.QueueSize <= 0 {
		o.QueueSize = d.Discord.QueueSize
	}
	if o.QueueWait <= 0 {
		o.QueueWait = time.Duration(d.Discord.QueueWait)
	}
	if o.InstantWait <= 0 {
		o.InstantWait = time.Duration(d.Discord.InstantReplyWait)
	}
	if o.MaxQuestionLen <= 0 {
		o.MaxQuestionLen = d.Answer.MaxQuestionLength
	}
	if o.AnswerTimeout <= 0 {
		o.AnswerTimeout = time.Duration(d.Answer.Timeout)
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = time.Duration(d.Discord.ShutdownTimeout)
	}
	if o.EditInterval <= 0 {
		o.EditInterval = 1200 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = nopMetrics{}
	}
	if o.OnConnected == nil {
		o.OnConnected = func(bool) {}
	}
	if len(o.UserKey) == 0 {
		o.UserKey = make([]byte, 32)
		_, _ = rand.Read(o.UserKey)
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 500 * time.Millisecond
	}
}

type nopMetrics struct{}

func (nopMetrics) Error(string)    {}
func (nopMetrics) Feedback(string) {}

// Bot answers questions on Discord through an Answerer.
type Bot struct {
	s   *discordgo.Session
	ans Answerer
	opt Options
	log *slog.Logger

	// questionLimits rate what is drafted, commandLimits what is only
	// looked up.
	questionLimits *userLimits
	commandLimits  *userLimits
	queue          *queue
	work           tracker
	answers        *answerStore

	mu    sync.Mutex
	appID string
	botID string
}

// New makes a bot on a session made by NewSession (or any session whose
// intents include Intents).
func New(s *discordgo.Session, a Answerer, opt Options) *Bot {
	opt.defaults()
	return &Bot{
		s:              s,
		ans:            a,
		opt:            opt,
		log:            opt.Logger,
		questionLimits: newUserLimits(opt.UserRate, opt.UserBurst, opt.Now),
		commandLimits:  newUserLimits(opt.CommandRate, opt.CommandBurst, opt.Now),
		queue:          newQueue(opt.MaxConcurrent, opt.QueueSize, opt.QueueWait, opt.After),
		answers:        newAnswerStore(2048),
	}
}

// readyTimeout bounds the wait for READY once the gateway is open; discordgo
// has read it by then, so this only guards against a broken gateway.
const readyTimeout = 30 * time.Second

// graceAfterCancel is how long Run waits, after cancelling the answers
// still running at the shutdown deadline, for them to send their replies.
const graceAfterCancel = 2 * time.Second

// Run checks the token, connects to the gateway, registers the commands
// when they changed and answers until ctx ends. Then it stops taking new
// work, lets answers in flight finish for up to ShutdownTimeout, and closes
// the session. Reconnecting and resuming are left to discordgo.
func (b *Bot) Run(ctx context.Context) error {
	rest := context.WithoutCancel(ctx)
	v, err := b.callValue(rest, func(o ...discordgo.RequestOption) (any, error) { return b.s.User("@me", o...) })
	if err != nil {
		if isStatus(err, 401) {
			return fmt.Errorf("%w (401 Unauthorized): check DISCORD_TOKEN", ErrTokenRejected)
		}
		return fmt.Errorf("couldn't reach Discord: %w", err)
	}
	// Knowing the bot's own ID before the gateway opens means no early
	// mention is mistaken for someone else's.
	me := v.(*discordgo.User)
	b.mu.Lock()
	b.botID, b.appID = me.ID, me.ID
	b.mu.Unlock()

	// Answers run under work, which outlives ctx by the shutdown timeout.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	ready := make(chan struct{})
	var readyOnce sync.Once
	removers := []func(){
		b.s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
			// Most bots' application ID is their user ID, but not all.
			if r.Application != nil && r.Application.ID != "" {
				b.mu.Lock()
				b.appID = r.Application.ID
				b.mu.Unlock()
			}
			readyOnce.Do(func() { close(ready) })
		}),
		b.s.AddHandler(func(*discordgo.Session, *discordgo.Connect) { b.opt.OnConnected(true) }),
		b.s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { b.opt.OnConnected(false) }),
		b.s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) { b.onInteraction(work, s, ic.Interaction) }),
		b.s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) { b.onMessage(work, s, m.Message) }),
	}
	defer func() {
		for _, remove := range removers {
			remove()
		}
	}()

	if err := b.s.Open(); err != nil {
		var ce *websocket.CloseError
		if errors.As(err, &ce) && ce.Code == 4004 {
			return fmt.Errorf("%w (gateway close 4004): check DISCORD_TOKEN", ErrTokenRejected)
		}
		return fmt.Errorf("couldn't connect to the Discord gateway: %w", err)
	}
	select {
	case <-ready:
	case <-ctx.Done():
		b.s.Close()
		return nil
	case <-time.After(readyTimeout):
		b.s.Close()
		return errors.New("the Discord gateway sent no READY")
	}
	// Connected now, before the commands are registered: discordgo runs the
	// Connect handler on a goroutine of its own, which a loaded machine can
	// run after registration, leaving /readyz at 503 for a bot that answers.
	b.opt.OnConnected(true)
	if err := b.syncCommands(rest); err != nil {
		b.s.Close()
		return err
	}
	b.log.Info("discord bot ready", "app", b.app(), "guild_commands", b.opt.GuildID != "")

	<-ctx.Done()
	b.log.Info("shutting down: no new questions; waiting for answers in flight", "timeout", b.opt.ShutdownTimeout)
	idle := b.work.close()
	select {
	case <-idle:
	case <-time.After(b.opt.ShutdownTimeout):
		b.log.Warn("shutdown timeout: cancelling answers still in flight", "in_flight", b.work.count())
		stopWork()
		select {
		case <-idle:
		case <-time.After(graceAfterCancel):
		}
	}
	err = b.s.Close()
	b.opt.OnConnected(false)
	if err != nil {
		return fmt.Errorf("couldn't close the Discord session: %w", err)
	}
	return nil
}

func (b *Bot) app() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.appID
}

func (b *Bot) botUser() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.botID
}

// question is the request put to the service for r's asker: the model API
// is told who asks only by the keyed hash, never by their Discord ID.
func (b *Bot) question(r *request, q string) bot.Request {
	return bot.Request{Question: q, User: b.userHash(r.user), History: r.history, Article: r.article}
}

// ArticleScoper is what an Answerer offers, besides Answer's Request.Article,
// to scope /summary and /sources to one story and complete story titles.
// An Answerer without it serves the whole corpus.
type ArticleScoper interface {
	SummarizeArticle(ctx context.Context, length bot.Length, section, article string) (*bot.Summary, error)
	SearchArticle(ctx context.Context, query string, k int, article string) (*bot.SearchResult, error)
	ArticleChoices(query string, n int) []bot.ArticleChoice
	// ResolveArticle returns the ID of the story ref names, or an error
	// wrapping bot.ErrUnknownArticle. The front end resolves the option
	// before any work, so that an unknown story is refused at once,
	// privately, rather than after a public acknowledgement.
	ResolveArticle(ref string) (string, error)
}

// userHash identifies a user in logs, and to the model API, without their
// ID.
func (b *Bot) userHash(id string) string {
	m := hmac.New(sha256.New, b.opt.UserKey)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// tracker counts work in flight and, once closed, admits no more.
type tracker struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{}
}

// begin admits one unit of work; false once closed.
func (t *tracker) begin() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.n++
	return true
}

func (t *tracker) end() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.closed && t.n == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
}

func (t *tracker) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// close stops admitting work and returns a channel closed when none is left.
func (t *tracker) close() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	ch := make(chan struct{})
	if t.n == 0 {
		close(ch)
	} else {
		t.idle = ch
	}
	return ch
}
