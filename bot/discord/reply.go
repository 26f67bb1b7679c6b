package discord

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/articlebot/articlebot/bot"
)

// request is one question or command, as the guards and the log see it.
type request struct {
	// id is the interaction or message ID: the question ID in logs and in
	// the custom IDs of the answer's buttons.
	id        string
	kind      string
	user      string
	guild     string
	channel   string
	text      string // the question or query, checked against the length limit
	article   string // the story the request is scoped to (its ID or title); "" for all
	ephemeral bool
	start     time.Time
	// conv is the key of the conversation the question belongs to, history
	// its turns so far; seed means history is another's conversation,
	// copied into conv when the answer is remembered. Empty without
	// conversations.
	conv    string
	history []bot.Turn
	seed    bool
}

func (r *request) attrs(b *Bot) []any {
	return []any{"question_id", r.id, "command", r.kind, "guild", r.guild, "channel", r.channel, "user", b.userHash(r.user)}
}

// replier delivers one request's replies, to an interaction or to a message
// that mentioned the bot or came in a DM.
type replier interface {
	// notice answers at once with a short notice (ephemeral for interactions)
	// instead of doing the work.
	notice(ctx context.Context, text string) error
	// ack acknowledges the request: the answer follows.
	ack(ctx context.Context) error
	// progress shows a partial answer.
	progress(ctx context.Context, text string) error
	// send delivers the final reply, which may take several messages.
	send(ctx context.Context, msgs []reply) error
	// fail delivers a short friendly error as the final reply.
	fail(ctx context.Context, text string) error
	// done reports whether a final reply went out, or none can.
	done() bool
}

// noMentions lets a message ping nobody. Parse must be an empty list, not
// nil: discordgo sends a nil list as null, which Discord reads as "default".
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func (m reply) embedList() []*discordgo.MessageEmbed {
	if m.embeds == nil {
		return []*discordgo.MessageEmbed{}
	}
	return m.embeds
}

func (m reply) rows() []discordgo.MessageComponent {
	if m.components == nil {
		return []discordgo.MessageComponent{}
	}
	return m.components
}

// interactionReplier replies to an interaction: a response within three
// seconds, then edits of the original response and followups.
type interactionReplier struct {
	b *Bot
	s *discordgo.Session
	i *discordgo.Interaction
	// deadline is when Discord stops taking the interaction's response.
	deadline  time.Time
	ephemeral bool
	acked     bool
	// maybeAcked means a response got no answer at all before the
	// deadline: it may have arrived, and only an edit can tell.
	maybeAcked bool
	// lost means Discord will take nothing more for the interaction.
	lost  bool
	final bool
	// ids are the answer's message IDs, as far as Discord told them.
	ids []string
	// failing are the endpoints that failed even when retried: fallbacks
	// don't try them again.
	failing map[string]bool
}

// Discord's window for an interaction's response, and the share of it the
// bot keeps for the last attempt's round trip.
const (
	callbackWindow = 3 * time.Second
	callbackMargin = 250 * time.Millisecond
	// callbackAttempt bounds one attempt at the response, so that a hung
	// request leaves time to try again within the window.
	callbackAttempt = 1 * time.Second
	// callbackBackoff caps the first wait between attempts at the response.
	callbackBackoff = 100 * time.Millisecond
)

// responseDeadline is when the bot stops trying to respond to an
// interaction received at received: three seconds after Discord created it,
// less a margin. The creation time in its ID counts when it is plausible;
// a clock that disagrees with Discord's falls back to the time received.
func responseDeadline(id string, received time.Time) time.Time {
	start := received
	if created, err := discordgo.SnowflakeTimestamp(id); err == nil && !created.After(received) && received.Sub(created) < callbackWindow {
		start = created
	}
	return start.Add(callbackWindow - callbackMargin)
}

func (r *interactionReplier) flags() discordgo.MessageFlags {
	if r.ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// errAcknowledged means an earlier response got through although the bot
// saw it fail (its reply was lost), so this one was refused: the message to
// change now is the original response.
var errAcknowledged = errors.New("the interaction was already acknowledged")

// errLost means Discord no longer takes replies to the interaction: it
// wasn't acknowledged within its three seconds.
var errLost = errors.New("the interaction expired before it was acknowledged")

// errFailing means an endpoint that already failed after retries was not
// tried again.
var errFailing = errors.New("not retried: the endpoint was failing")

func (r *interactionReplier) respond(ctx context.Context, typ discordgo.InteractionResponseType, data *discordgo.InteractionResponseData) error {
	if r.lost {
		return errLost
	}
	p := r.b.restPolicy()
	if !r.deadline.IsZero() {
		p = retryPolicy{attempts: restAttempts, backoff: min(p.backoff, callbackBackoff), deadline: r.deadline, perAttempt: callbackAttempt, transport: true}
	}
	unanswered := false
	_, attempts, err := r.b.retry(ctx, p, func(o ...discordgo.RequestOption) (any, error) {
		err := r.s.InteractionRespond(r.i, &discordgo.InteractionResponse{Type: typ, Data: data}, o...)
		unanswered = unanswered || (err != nil && restStatus(err) == 0)
		return nil, err
	})
	switch {
	case err == nil:
		r.acked = true
		return nil
	case isAlreadyAcknowledged(err):
		r.acked = true
		if attempts == 1 && !unanswered {
			return fmt.Errorf("%w: %w", errAcknowledged, err)
		}
		// A retried response whose first attempt got through.
		return nil
	case isUnknownInteraction(err):
		r.lost = true
		return fmt.Errorf("%w: %w", errLost, err)
	case unanswered && (restStatus(err) == 0 || isServerError(err)):
		// Some attempt may have got through: only an edit can tell.
		r.maybeAcked = true
		return err
	case isServerError(err) || (!r.deadline.IsZero() && !r.b.opt.Now().Before(r.deadline)):
		// Discord refused every attempt, and the retries are spent or the
		// window is over: trying again would only be refused too.
		r.lost = true
		return fmt.Errorf("%w: %w", errLost, err)
	}
	return err
}

// webhook runs a call to one of the interaction's webhook endpoints, unless
// the interaction is lost or the endpoint already failed after retries.
func (r *interactionReplier) webhook(ctx context.Context, endpoint string, do func(o ...discordgo.RequestOption) error) error {
	if r.lost {
		return errLost
	}
	if r.failing[endpoint] {
		return errFailing
	}
	err := r.b.call(ctx, do)
	if err != nil && (isServerError(err) || restStatus(err) == 0) {
		if r.failing == nil {
			r.failing = map[string]bool{}
		}
		r.failing[endpoint] = true
	}
	if err == nil && r.maybeAcked {
		r.acked = true
	}
	return err
}

func (r *interactionReplier) notice(ctx context.Context, text string) error {
	err := r.respond(ctx, discordgo.InteractionResponseChannelMessageWithSource, &discordgo.InteractionResponseData{
		Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
	})
	r.final = err == nil
	return err
}

func (r *interactionReplier) ack(ctx context.Context) error {
	return r.respond(ctx, discordgo.InteractionResponseDeferredChannelMessageWithSource, &discordgo.InteractionResponseData{
		Flags: r.flags(), AllowedMentions: noMentions(),
	})
}

func (r *interactionReplier) progress(ctx context.Context, text string) error {
	if !r.acked {
		return nil
	}
	return r.editOriginal(ctx, reply{content: text}, false)
}

// editOriginal edits the original response; full also replaces its embeds
// and buttons.
func (r *interactionReplier) editOriginal(ctx context.Context, m reply, full bool) error {
	edit := &discordgo.WebhookEdit{Content: &m.content, AllowedMentions: noMentions()}
	if full {
		embeds, rows := m.embedList(), m.rows()
		edit.Embeds, edit.Components = &embeds, &rows
	}
	return r.webhook(ctx, "original", func(o ...discordgo.RequestOption) error {
		msg, err := r.s.InteractionResponseEdit(r.i, edit, o...)
		r.sent(msg)
		return err
	})
}

func (r *interactionReplier) followup(ctx context.Context, m reply, flags discordgo.MessageFlags) error {
	return r.webhook(ctx, "followup", func(o ...discordgo.RequestOption) error {
		msg, err := r.s.FollowupMessageCreate(r.i, true, &discordgo.WebhookParams{
			Content: m.content, Embeds: m.embeds, Components: m.rows(), Flags: flags, AllowedMentions: noMentions(),
		}, o...)
		if flags&discordgo.MessageFlagsEphemeral == 0 {
			r.sent(msg)
		}
		return err
	})
}

// first delivers the first message of the final reply: the response, or an
// edit of the original once acknowledged.
func (r *interactionReplier) first(ctx context.Context, m reply, flags discordgo.MessageFlags) error {
	if r.acked {
		return r.editOriginal(ctx, m, true)
	}
	if r.maybeAcked {
		err := r.editOriginal(ctx, m, true)
		if !isStatus(err, 404) {
			return err
		}
		// The response that got no answer never arrived. Discord may
		// still take one; if the window is over, its 10062 says so.
		r.maybeAcked = false
	}
	data := &discordgo.InteractionResponseData{
		Content: m.content, Embeds: m.embedList(), Components: m.rows(), Flags: flags, AllowedMentions: noMentions(),
	}
	err := r.respond(ctx, discordgo.InteractionResponseChannelMessageWithSource, data)
	switch {
	case errors.Is(err, errAcknowledged):
		err = r.editOriginal(ctx, m, true)
	case err != nil && r.maybeAcked:
		// The response got no answer, and the window left no time to try
		// again (a slow machine): it may have arrived, and then an edit
		// delivers this reply, rather than an error reply in its place.
		// If it never arrived, Discord may still take one.
		if err = r.editOriginal(ctx, m, true); isStatus(err, 404) {
			r.maybeAcked = false
			err = r.respond(ctx, discordgo.InteractionResponseChannelMessageWithSource, data)
		}
	}
	return err
}

func (r *interactionReplier) send(ctx context.Context, msgs []reply) error {
	if err := r.first(ctx, msgs[0], r.flags()); err != nil {
		return err
	}
	r.final = true
	var errs []error
	for _, m := range msgs[1:] {
		errs = append(errs, r.followup(ctx, m, r.flags()))
	}
	return errors.Join(errs...)
}

// fail shows a short error as the final reply: an ephemeral response when
// nothing was sent yet, else in place of the "thinking…" or partial answer.
// (A followup would not do: Discord takes the first followup after a
// deferred response as an edit of it, ephemeral flag ignored.)
func (r *interactionReplier) fail(ctx context.Context, text string) error {
	flags := r.flags()
	if !r.acked && !r.maybeAcked {
		flags = discordgo.MessageFlagsEphemeral
	}
	err := r.first(ctx, reply{content: text}, flags)
	r.final = r.final || err == nil
	return err
}

// done reports whether a final reply went out, or none can.
func (r *interactionReplier) done() bool { return r.final || r.lost }

// messageReplier replies to a message that mentioned the bot or came in a
// DM: a reply to that message, edited while the answer streams in.
type messageReplier struct {
	b     *Bot
	s     *discordgo.Session
	m     *discordgo.Message
	first *discordgo.Message // the reply, once sent
	final bool
	ids   []string // the reply's messages
}

func (r *messageReplier) reference() *discordgo.MessageReference {
	no := false
	return &discordgo.MessageReference{MessageID: r.m.ID, ChannelID: r.m.ChannelID, GuildID: r.m.GuildID, FailIfNotExists: &no}
}

// post sends a message to the channel, as a reply to the question when
// asReply is set.
func (r *messageReplier) post(ctx context.Context, m reply, asReply bool) (*discordgo.Message, error) {
	send := &discordgo.MessageSend{
		Content: m.content, Embeds: m.embedList(), Components: m.rows(), AllowedMentions: noMentions(),
	}
	if asReply {
		send.Reference = r.reference()
	}
	v, err := r.b.callValue(ctx, func(o ...discordgo.RequestOption) (any, error) {
		return r.s.ChannelMessageSendComplex(r.m.ChannelID, send, o...)
	})
	if err != nil {
		return nil, err
	}
	msg := v.(*discordgo.Message)
	r.ids = append(r.ids, msg.ID)
	return msg, nil
}

func (r *messageReplier) edit(ctx context.Context, m reply, full bool) error {
	edit := &discordgo.MessageEdit{ID: r.first.ID, Channel: r.first.ChannelID, Content: &m.content, AllowedMentions: noMentions()}
	if full {
		embeds, rows := m.embedList(), m.rows()
		edit.Embeds, edit.Components = &embeds, &rows
	}
	return r.b.call(ctx, func(o ...discordgo.RequestOption) error {
		_, err := r.s.ChannelMessageEditComplex(edit, o...)
		return err
	})
}

func (r *messageReplier) notice(ctx context.Context, text string) error {
	return r.fail(ctx, text)
}

func (r *messageReplier) ack(ctx context.Context) error {
	return r.b.call(ctx, func(o ...discordgo.RequestOption) error { return r.s.ChannelTyping(r.m.ChannelID, o...) })
}

func (r *messageReplier) progress(ctx context.Context, text string) error {
	if r.first != nil {
		return r.edit(ctx, reply{content: text}, false)
	}
	first, err := r.post(ctx, reply{content: text}, true)
	if err == nil {
		r.first = first
	}
	return err
}

func (r *messageReplier) send(ctx context.Context, msgs []reply) error {
	var err error
	if r.first != nil {
		err = r.edit(ctx, msgs[0], true)
	} else {
		r.first, err = r.post(ctx, msgs[0], true)
	}
	if err != nil {
		return err
	}
	r.final = true
	var errs []error
	for _, m := range msgs[1:] {
		_, err := r.post(ctx, m, false)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (r *messageReplier) fail(ctx context.Context, text string) error {
	var err error
	if r.first != nil {
		err = r.edit(ctx, reply{content: text}, true)
	} else {
		r.first, err = r.post(ctx, reply{content: text}, true)
	}
	r.final = r.final || err == nil
	return err
}

func (r *messageReplier) done() bool { return r.final }
