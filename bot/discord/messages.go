package discord

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// onMessage answers a message that mentions the bot, with a reply to it,
// and any message in a DM. Like onInteraction it recovers from panics and
// always ends with a reply.
func (b *Bot) onMessage(ctx context.Context, s *discordgo.Session, m *discordgo.Message) {
	me := b.botUser()
	if m == nil || m.Author == nil || m.Author.Bot || m.WebhookID != "" || me == "" || m.Author.ID == me {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	dm := m.GuildID == ""
	if !dm && !mentions(m, me) {
		return
	}
	rest := context.WithoutCancel(ctx)
	r := &request{id: m.ID, kind: "mention", user: m.Author.ID, guild: m.GuildID, channel: m.ChannelID, start: b.opt.Now()}
	if dm {
		r.kind = "dm"
	}
	if !b.allowed(m.GuildID, m.ChannelID) {
		// Stay quiet where the bot isn't meant to talk.
		b.log.Debug("ignored a message outside the allowlists", r.attrs(b)...)
		return
	}
	rp := &messageReplier{b: b, s: s, m: m}
	if !b.work.begin() {
		b.notice(rest, rp, r, msgRestarting)
		return
	}
	defer b.work.end()
	defer func() {
		if v := recover(); v != nil {
			b.fail(rest, rp, r, fmt.Errorf("%w: %v\n%s", errPanic, v, debug.Stack()))
		} else if !rp.done() {
			b.fail(rest, rp, r, errNoReply)
		}
	}()
	b.messageConversation(r, m)
	b.ask(ctx, rp, r, stripMention(m.Content, me))
}

func mentions(m *discordgo.Message, user string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == user {
			return true
		}
	}
	return false
}

// stripMention removes the bot's mentions from a message, leaving the
// question.
func stripMention(content, user string) string {
	for _, tag := range []string{"<@" + user + ">", "<@!" + user + ">"} {
		content = strings.ReplaceAll(content, tag, " ")
	}
	return strings.TrimLeft(strings.Join(strings.Fields(content), " "), ",:;- ")
}
