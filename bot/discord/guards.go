package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/articlebot/articlebot/bot"
)

// What users are told. Short, friendly, and never the raw cause, which goes
// to the log.
const (
	msgNotHere    = "I'm not set up to answer in this channel."
	msgBusy       = "I'm answering a lot of questions right now. Please try again in a minute."
	msgQueued     = "Lots of questions right now: yours is in the queue, and I'll answer it as soon as I can …"
	msgRestarting = "I'm restarting. Please ask again in a minute."
	msgTimeout    = "That took too long to answer. Please try again in a moment."
	msgFailed     = "Sorry, I couldn't answer that just now. Please try again in a moment."
	msgNoText     = "That message has no text I can ask about."
	msgSection    = "I don't know that section. Start typing in the section option to pick one from the list."
	msgLength     = "The length must be short, medium or long."
	msgArticle    = "I don't know that story. Start typing in the article option to pick one from the list."
)

// helpText invites a question, with an example built from the corpus.
func (b *Bot) helpText() string {
	if len(b.opt.About.Titles) == 0 {
		return "Ask me a question about the article."
	}
	return "Ask me a question about the article, for example: What does “" + escapeMarkdown(truncate(b.opt.About.Titles[0], 120)) + "” report?"
}

// userLimits is a token bucket per user.
type userLimits struct {
	mu    sync.Mutex
	limit rate.Limit
	burst int
	now   func() time.Time
	users map[string]*rate.Limiter
}

// maxTrackedUsers bounds the limiter map; full buckets are dropped first,
// which forgets nothing since a new bucket starts full.
const maxTrackedUsers = 10000

func newUserLimits(perMinute float64, burst int, now func() time.Time) *userLimits {
	return &userLimits{limit: rate.Limit(perMinute / 60), burst: burst, now: now, users: map[string]*rate.Limiter{}}
}

// allow takes a token for the user, or reports how long until one is free.
func (u *userLimits) allow(user string) (bool, time.Duration) {
	u.mu.Lock()
	defer u.mu.Unlock()
	now := u.now()
	l, ok := u.users[user]
	if !ok {
		if len(u.users) >= maxTrackedUsers {
			for id, old := range u.users {
				if old.TokensAt(now) >= float64(u.burst) {
					delete(u.users, id)
				}
			}
		}
		l = rate.NewLimiter(u.limit, u.burst)
		u.users[user] = l
	}
	if l.AllowN(now, 1) {
		return true, 0
	}
	r := l.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return false, wait
}

func slowDown(wait time.Duration) string {
	secs := int(math.Ceil(wait.Seconds()))
	if secs <= 1 {
		return "You're asking quickly. Please wait a second and try again."
	}
	return fmt.Sprintf("You're asking quickly. Please wait about %d seconds and try again.", secs)
}

// allowed reports whether the allowlists let the bot answer in a guild
// ("" for a DM) and channel.
func (b *Bot) allowed(guild, channel string) bool {
	if len(b.opt.AllowedGuilds) > 0 && !slices.Contains(b.opt.AllowedGuilds, guild) {
		return false
	}
	if len(b.opt.AllowedChannels) > 0 && !slices.Contains(b.opt.AllowedChannels, channel) {
		return false
	}
	return true
}

// errPanic marks a recovered panic.
var errPanic = errors.New("panic")

// errNoReply marks a handler that returned without a final reply, a bug the
// user should still hear about.
var errNoReply = errors.New("handler ended without a reply")

// friendly maps an error to what the user is told and its kind for the log
// and metrics: the answering service's kind (bot.KindOf), or "busy" for the
// front end's own refusal.
func (b *Bot) friendly(err error) (msg, kind string) {
	kind = string(bot.KindOf(err))
	switch {
	case errors.Is(err, errBusy):
		return msgBusy, "busy"
	case errors.Is(err, bot.ErrQuestionTooLong):
		return fmt.Sprintf("That question is too long. Please keep it under %d characters.", b.opt.MaxQuestionLen), kind
	case errors.Is(err, bot.ErrEmptyQuestion):
		return b.helpText(), kind
	case errors.Is(err, bot.ErrUnknownSection):
		return msgSection, kind
	case errors.Is(err, bot.ErrBadLength):
		return msgLength, kind
	case errors.Is(err, bot.ErrUnknownArticle):
		return msgArticle, kind
	}
	switch bot.ErrorKind(kind) {
	case bot.KindTimeout:
		return msgTimeout, kind
	case bot.KindShutdown:
		return msgRestarting, kind
	default:
		return msgFailed, kind
	}
}

// fail is the one error handler: the log gets the cause and the user a
// short friendly message. The service counts its own failures; only the
// front end's are counted here.
func (b *Bot) fail(ctx context.Context, rp replier, r *request, err error) {
	msg, kind := b.friendly(err)
	level := slog.LevelError
	if k := bot.ErrorKind(kind); k == bot.KindInput || k == bot.KindNotFound || kind == "busy" {
		level = slog.LevelInfo
	}
	b.log.Log(ctx, level, "couldn't answer", append(r.attrs(b), "kind", kind, "err", err)...)
	if errors.Is(err, errPanic) || errors.Is(err, errNoReply) {
		b.opt.Metrics.Error("discord_" + kind)
	} else if kind == "busy" {
		b.opt.Metrics.Error(kind)
	}
	if err := rp.fail(ctx, msg); errors.Is(err, errLost) {
		b.lost(r, err)
	} else if err != nil {
		b.log.Error("couldn't send the error reply", append(r.attrs(b), "err", err)...)
		b.opt.Metrics.Error("discord_send")
	}
}

// lost records an interaction Discord no longer takes replies to: nothing
// more is sent for it.
func (b *Bot) lost(r *request, err error) {
	b.log.Warn("interaction lost: not acknowledged in time", append(r.attrs(b), "err", err)...)
	b.opt.Metrics.Error("discord_lost")
}

// admit runs the guards before any work: the allowlists, the question's
// length, check (the request's own validation, such as a known section,
// when not nil) and the user's rate under lim. When it refuses, it has
// already told the user why, privately.
func (b *Bot) admit(ctx context.Context, rp replier, r *request, lim *userLimits, check func() error) bool {
	refuse := func(msg, why string) bool {
		b.log.Info("refused", append(r.attrs(b), "why", why)...)
		b.opt.Metrics.Error(why)
		if err := rp.notice(ctx, msg); err != nil {
			b.log.Error("couldn't send the refusal", append(r.attrs(b), "err", err)...)
		}
		return false
	}
	if !b.allowed(r.guild, r.channel) {
		return refuse(msgNotHere, "not_allowed")
	}
	if n := len([]rune(r.text)); n > b.opt.MaxQuestionLen {
		return refuse(fmt.Sprintf("That question is too long (%d characters). Please keep it under %d.", n, b.opt.MaxQuestionLen), "too_long")
	}
	if check != nil {
		if err := check(); err != nil {
			msg, _ := b.friendly(err)
			return refuse(msg, "invalid")
		}
	}
	if sc, ok := b.ans.(ArticleScoper); ok && r.article != "" {
		id, err := sc.ResolveArticle(r.article)
		if err != nil {
			msg, _ := b.friendly(err)
			return refuse(msg, "invalid")
		}
		r.article = id
	}
	if ok, wait := lim.allow(r.user); !ok {
		return refuse(slowDown(wait), "rate_limited")
	}
	return true
}
