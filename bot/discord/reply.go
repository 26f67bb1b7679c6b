package discord

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
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
	ephemeral bool
	start     time.Time
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
	// done reports whether a final reply went out.
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
	b         *Bot
	s         *discordgo.Session
	i         *discordgo.Interaction
	ephemeral bool
	acked     bool
	final     bool
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

func (r *interactionReplier) respond(ctx context.Context, typ discordgo.InteractionResponseType, data *discordgo.InteractionResponseData) error {
	attempts := 0
	err := r.b.call(ctx, func(o ...discordgo.RequestOption) error {
		attempts++
		return r.s.InteractionRespond(r.i, &discordgo.InteractionResponse{Type: typ, Data: data}, o...)
	})
	if err != nil && isAlreadyAcknowledged(err) {
		r.acked = true
		if attempts == 1 {
			return fmt.Errorf("%w: %w", errAcknowledged, err)
		}
		// A retried response whose first attempt got through.
		err = nil
	}
	if err == nil {
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
	return r.b.call(ctx, func(o ...discordgo.RequestOption) error {
		_, err := r.s.InteractionResponseEdit(r.i, edit, o...)
		return err
	})
}

func (r *interactionReplier) followup(ctx context.Context, m reply, flags discordgo.MessageFlags) error {
	return r.b.call(ctx, func(o ...discordgo.RequestOption) error {
		_, err := r.s.FollowupMessageCreate(r.i, true, &discordgo.WebhookParams{
			Content: m.content, Embeds: m.embeds, Components: m.rows(), Flags: flags, AllowedMentions: noMentions(),
		}, o...)
		return err
	})
}

func (r *interactionReplier) send(ctx context.Context, msgs []reply) error {
	first := msgs[0]
	var err error
	if r.acked {
		err = r.editOriginal(ctx, first, true)
	} else {
		err = r.respond(ctx, discordgo.InteractionResponseChannelMessageWithSource, &discordgo.InteractionResponseData{
			Content: first.content, Embeds: first.embedList(), Components: first.rows(), Flags: r.flags(), AllowedMentions: noMentions(),
		})
		if errors.Is(err, errAcknowledged) {
			err = r.editOriginal(ctx, first, true)
		}
	}
	if err != nil {
		return err
	}
	r.final = true
	var errs []error
	for _, m := range msgs[1:] {
		errs = append(errs, r.followup(ctx, m, r.flags()))
	}
	return errors.Join(errs...)
}

func (r *interactionReplier) fail(ctx context.Context, text string) error {
	if !r.acked {
		if err := r.notice(ctx, text); !errors.Is(err, errAcknowledged) {
			return err
		}
	}
	var err error
	switch {
	case r.ephemeral:
		err = r.editOriginal(ctx, reply{content: text}, true)
	default:
		// Only the asker should see the error: remove the public "thinking…"
		// (or partial answer) and tell them privately.
		err = r.b.call(ctx, func(o ...discordgo.RequestOption) error { return r.s.InteractionResponseDelete(r.i, o...) })
		if err == nil {
			err = r.followup(ctx, reply{content: text}, discordgo.MessageFlagsEphemeral)
		} else {
			err = r.editOriginal(ctx, reply{content: text}, true)
		}
	}
	r.final = r.final || err == nil
	return err
}

func (r *interactionReplier) done() bool { return r.final }

// messageReplier replies to a message that mentioned the bot or came in a
// DM: a reply to that message, edited while the answer streams in.
type messageReplier struct {
	b     *Bot
	s     *discordgo.Session
	m     *discordgo.Message
	first *discordgo.Message // the reply, once sent
	final bool
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
	return v.(*discordgo.Message), nil
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
