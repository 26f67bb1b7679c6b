package discord

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"
)

const (
	// maxThreadName is Discord's limit on a thread's name.
	maxThreadName = 100
	// threadArchiveMinutes archives a quiet thread after a day.
	threadArchiveMinutes = 1440
)

const (
	msgThreadIntro = "Ask follow-up questions here: mention me or reply to one of my answers, or use /ask in this thread. " +
		"I keep the conversation for a while after its last question."
	msgNoThreadHere    = "I can only start a thread on a public answer in a server channel, so I answered here instead."
	msgThreadFailed    = "I couldn't start a thread on the answer (I may lack the permission to create threads here). Reply to my answer to follow up."
	msgFollowUpHowTo   = "To follow up on an answer, reply to it and keep the @mention on (Discord's default), press **Ask a follow-up**, or press **Follow up in a thread** (or use `/ask … thread:true`) and ask in its thread."
	threadNameFallback = "Questions about the article"
)

// threadName names a thread after the question that started it.
func threadName(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if q == "" {
		return threadNameFallback
	}
	return truncate(q, maxThreadName)
}

// startThread starts a public thread on a delivered answer and moves its
// conversation there, so that the thread's messages continue it. It
// reports failures to the asker privately; the answer stands either way.
func (b *Bot) startThread(ctx context.Context, rp *interactionReplier, r *request, q string) {
	if !rp.done() || !b.conversing() || r.conv == "" {
		return
	}
	if r.guild == "" || rp.ephemeral || strings.HasPrefix(r.conv, keyThread) {
		b.privately(ctx, rp, r, msgNoThreadHere)
		return
	}
	ids := rp.sentIDs()
	if len(ids) == 0 {
		// An answer sent as the first response comes back without its ID.
		if v, err := b.callValue(ctx, func(o ...discordgo.RequestOption) (any, error) { return b.s.InteractionResponse(rp.i, o...) }); err == nil {
			rp.sent(v.(*discordgo.Message))
			ids = rp.sentIDs()
			b.linkAnswer(r, rp)
		}
	}
	if len(ids) == 0 {
		b.privately(ctx, rp, r, msgThreadFailed)
		return
	}
	v, err := b.callValue(ctx, func(o ...discordgo.RequestOption) (any, error) {
		return b.s.MessageThreadStartComplex(r.channel, ids[0], &discordgo.ThreadStart{
			Name: threadName(q), AutoArchiveDuration: threadArchiveMinutes, Type: discordgo.ChannelTypeGuildPublicThread,
		}, o...)
	})
	if err != nil {
		b.log.Warn("couldn't start a thread on the answer", append(r.attrs(b), "err", err)...)
		b.opt.Metrics.Error("discord_thread")
		b.privately(ctx, rp, r, msgThreadFailed)
		return
	}
	th := v.(*discordgo.Channel)
	key := keyThread + th.ID
	for _, t := range b.opt.Conversations.History(r.conv) {
		b.opt.Conversations.Add(key, t)
	}
	b.log.Info("thread started", append(r.attrs(b), "thread", th.ID)...)
	if err := b.call(ctx, func(o ...discordgo.RequestOption) error {
		_, err := b.s.ChannelMessageSendComplex(th.ID, &discordgo.MessageSend{Content: msgThreadIntro, AllowedMentions: noMentions()}, o...)
		return err
	}); err != nil {
		b.log.Warn("couldn't post in the new thread", append(r.attrs(b), "thread", th.ID, "err", err)...)
	}
}

// privately tells the asker something after their answer, in an ephemeral
// followup.
func (b *Bot) privately(ctx context.Context, rp *interactionReplier, r *request, text string) {
	if err := rp.followup(ctx, reply{content: text}, discordgo.MessageFlagsEphemeral); err != nil {
		b.log.Warn("couldn't send a notice", append(r.attrs(b), "err", err)...)
	}
}
