package discord

import (
	"context"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/articlebot/articlebot/bot"
)

// Conversations keeps the bot's conversations so that follow-up questions
// are understood: by key, with the IDs of the questions and answer messages
// that lead to each. *bot.ConversationStore is one.
type Conversations interface {
	// History is the conversation's turns, oldest first; nil when none.
	History(key string) []bot.Turn
	// Add appends a turn, linking the given message IDs to the conversation.
	Add(key string, t bot.Turn, messageIDs ...string)
	// Link links more message IDs to a conversation.
	Link(key string, messageIDs ...string)
	// Lookup finds the conversation a message ID was linked to.
	Lookup(messageID string) (key string, ok bool)
}

var _ Conversations = (*bot.ConversationStore)(nil)

// Conversation keys keep users, channels and threads apart:
//
//	t:THREAD                     a thread the bot started, shared by its members
//	d:USER                       a DM
//	p:USER:QUESTION              a private (ephemeral) answer's, its user's alone
//	c:CHANNEL:USER:QUESTION      a public one in a channel, rooted at a question
const (
	keyThread  = "t:"
	keyDM      = "d:"
	keyPrivate = "p:"
	keyChannel = "c:"
)

// keyOwner is the user a conversation belongs to; shared for a thread's.
func keyOwner(key string) (user string, shared bool) {
	parts := strings.Split(key, ":")
	switch {
	case strings.HasPrefix(key, keyThread):
		return "", true
	case strings.HasPrefix(key, keyDM) && len(parts) == 2:
		return parts[1], false
	case strings.HasPrefix(key, keyPrivate) && len(parts) == 3:
		return parts[1], false
	case strings.HasPrefix(key, keyChannel) && len(parts) == 4:
		return parts[2], false
	}
	return "", false
}

// conversing reports whether the bot keeps conversations.
func (b *Bot) conversing() bool { return b.opt.Conversations != nil }

// newConversation starts the request's own conversation: a DM continues
// the DM's, a question in one of the bot's threads the thread's, and any
// other question starts one of its own.
func (b *Bot) newConversation(r *request) {
	if !b.conversing() {
		return
	}
	switch {
	case r.guild == "":
		r.conv = keyDM + r.user
		r.history = b.opt.Conversations.History(r.conv)
	case b.opt.Conversations.History(keyThread+r.channel) != nil:
		r.conv = keyThread + r.channel
		r.history = b.opt.Conversations.History(r.conv)
	case r.ephemeral:
		r.conv = keyPrivate + r.user + ":" + r.id
	default:
		r.conv = keyChannel + r.channel + ":" + r.user + ":" + r.id
	}
}

// continueConversation makes the request follow up on the conversation
// under key: the asker's own, or a thread's, goes on; someone else's public
// one is copied into a new one of the asker's, so that two users'
// conversations never mix; someone else's private one is not seen at all.
func (b *Bot) continueConversation(r *request, key string) {
	owner, shared := keyOwner(key)
	switch {
	case shared || owner == r.user:
		r.conv, r.history = key, b.opt.Conversations.History(key)
	case strings.HasPrefix(key, keyPrivate):
		b.newConversation(r)
	default:
		b.newConversation(r)
		r.history, r.seed = b.opt.Conversations.History(key), true
	}
}

// remember records an answer as the next turn of its request's
// conversation, linked to the question's ID (for the follow-up button).
func (b *Bot) remember(r *request, a *bot.Answer) {
	if !b.conversing() || r.conv == "" {
		return
	}
	if r.seed {
		for _, t := range r.history {
			b.opt.Conversations.Add(r.conv, t)
		}
		r.seed = false
	}
	b.opt.Conversations.Add(r.conv, bot.TurnOf(a), r.id)
}

// linkAnswer links the messages an answer went out in to its conversation,
// so that a reply to any of them continues it.
func (b *Bot) linkAnswer(r *request, rp replier) {
	if !b.conversing() || r.conv == "" {
		return
	}
	if s, ok := rp.(interface{ sentIDs() []string }); ok {
		if ids := s.sentIDs(); len(ids) > 0 {
			b.opt.Conversations.Link(r.conv, ids...)
		}
	}
}

// messageConversation finds what a message continues: the thread's
// conversation in one of the bot's threads, the conversation of the answer
// it replies to, the DM's in a DM, or none.
func (b *Bot) messageConversation(r *request, m *discordgo.Message) {
	if !b.conversing() {
		return
	}
	if r.guild != "" && b.opt.Conversations.History(keyThread+r.channel) != nil {
		b.continueConversation(r, keyThread+r.channel)
		return
	}
	if ref := m.MessageReference; ref != nil && ref.MessageID != "" {
		if key, ok := b.repliedConversation(ref.MessageID, m.ReferencedMessage); ok {
			b.continueConversation(r, key)
			return
		}
	}
	b.newConversation(r)
}

// repliedConversation finds the conversation of the answer a message
// replies to: by the answer's message ID, or, when a reply comes before
// the bot has learnt that ID, by the question ID its follow-up button
// carries (Discord sends the replied-to message along).
func (b *Bot) repliedConversation(id string, replied *discordgo.Message) (string, bool) {
	if key, ok := b.opt.Conversations.Lookup(id); ok {
		return key, true
	}
	if replied == nil || replied.Author == nil || replied.Author.ID != b.botUser() {
		return "", false
	}
	for _, row := range replied.Components {
		ar, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range ar.Components {
			if btn, ok := c.(*discordgo.Button); ok && strings.HasPrefix(btn.CustomID, btnFollowUp) {
				return b.opt.Conversations.Lookup(strings.TrimPrefix(btn.CustomID, btnFollowUp))
			}
		}
	}
	return "", false
}

// Custom IDs of the follow-up buttons and their modals; the question ID
// follows, which keeps them far within Discord's 100 characters. The
// thread button opens the same modal, whose answer then starts a public
// thread: a choice inside the modal (a select or checkbox) must sit in a
// Label component, which discordgo v0.29.0 can't decode in the submission,
// so that interaction would never reach the bot to be answered.
const (
	btnFollowUp       = "ab:fu:"
	btnFollowUpThread = "ab:ft:"
	modalFollowUp     = "ab:fm:"
	modalThread       = "ab:fh:"
	inputQuestion     = "question"
)

// Discord's limits on modals.
const (
	maxModalTitle      = 45
	maxInputLabel      = 45
	maxPlaceholder     = 100
	maxTextInputLength = 4000
)

// followUpButtons are the "Ask a follow-up" button under an answer, when
// the bot keeps conversations, and "Follow up in a thread" under a public
// answer in a server channel outside the bot's threads.
func (b *Bot) followUpButtons(r *request) []discordgo.MessageComponent {
	if !b.conversing() {
		return nil
	}
	row := []discordgo.MessageComponent{discordgo.Button{Label: "Ask a follow-up", Style: discordgo.PrimaryButton,
		CustomID: btnFollowUp + r.id, Emoji: &discordgo.ComponentEmoji{Name: "💬"}}}
	if r.guild != "" && !r.ephemeral && !strings.HasPrefix(r.conv, keyThread) {
		row = append(row, discordgo.Button{Label: "Follow up in a thread", Style: discordgo.SecondaryButton,
			CustomID: btnFollowUpThread + r.id, Emoji: &discordgo.ComponentEmoji{Name: "🧵"}})
	}
	return row
}

// openFollowUp answers a follow-up button with a modal asking for the
// question; thread says the answer is to start a thread.
func (b *Bot) openFollowUp(ctx context.Context, rp *interactionReplier, r *request, qid string, thread bool) {
	r.kind = "follow_up_button"
	if !b.allowed(r.guild, r.channel) {
		b.notice(ctx, rp, r, msgNotHere)
		return
	}
	if _, ok := b.opt.Conversations.Lookup(qid); !ok {
		b.notice(ctx, rp, r, msgConversationGone)
		return
	}
	id, title := modalFollowUp, "Ask a follow-up"
	if thread {
		id, title = modalThread, "Follow up in a new thread"
	}
	modal := &discordgo.InteractionResponseData{
		CustomID: id + qid,
		Title:    truncate(title, maxModalTitle),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{
				CustomID: inputQuestion, Label: truncate("Your follow-up question", maxInputLabel),
				Style: discordgo.TextInputParagraph, Required: true, MinLength: 1,
				MaxLength:   min(b.opt.MaxQuestionLen, maxTextInputLength),
				Placeholder: truncate("For example: who reported that? since when?", maxPlaceholder),
			},
		}}},
	}
	if err := rp.respond(ctx, discordgo.InteractionResponseModal, modal); err != nil {
		b.log.Error("couldn't open the follow-up form", append(r.attrs(b), "err", err)...)
		return
	}
	rp.final = true
}

// submitFollowUp answers a follow-up modal's question as the next turn of
// the answer's conversation, privately when that answer was private.
func (b *Bot) submitFollowUp(ctx context.Context, rp *interactionReplier, r *request, data discordgo.ModalSubmitInteractionData) {
	r.kind = "follow_up"
	qid, ok := strings.CutPrefix(data.CustomID, modalFollowUp)
	thread := false
	if !ok {
		qid, ok = strings.CutPrefix(data.CustomID, modalThread)
		thread = ok
	}
	if !ok || !b.conversing() {
		b.notice(context.WithoutCancel(ctx), rp, r, "That form no longer works.")
		return
	}
	key, ok := b.opt.Conversations.Lookup(qid)
	if !ok {
		b.notice(context.WithoutCancel(ctx), rp, r, msgConversationGone)
		return
	}
	owner, _ := keyOwner(key)
	private := strings.HasPrefix(key, keyPrivate)
	// Whoever sees a private answer's button is its owner; anyone else gets
	// their own private conversation, never the owner's.
	rp.ephemeral = private
	r.ephemeral = private
	if private && owner != r.user {
		b.newConversation(r)
	} else {
		b.continueConversation(r, key)
	}
	q := modalValue(data.Components, inputQuestion)
	b.ask(ctx, rp, r, q)
	if thread {
		// Named for the question the conversation began with: "since
		// when?" would name it poorly.
		name := q
		if len(r.history) > 0 {
			name = r.history[0].Question
		}
		b.startThread(context.WithoutCancel(ctx), rp, r, name)
	}
}

// modalValue is the value of the text input with the given custom ID.
func modalValue(rows []discordgo.MessageComponent, id string) string {
	for _, row := range rows {
		ar, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range ar.Components {
			if in, ok := c.(*discordgo.TextInput); ok && in.CustomID == id {
				return in.Value
			}
		}
	}
	return ""
}

const msgConversationGone = "I no longer have that conversation: I keep conversations for a while after their last question. Ask again with /ask."

// sent notes a message of the answer that Discord returned.
func (r *interactionReplier) sent(m *discordgo.Message) {
	if m != nil && m.ID != "" && !slices.Contains(r.ids, m.ID) {
		r.ids = append(r.ids, m.ID)
	}
}

// sentIDs are the IDs of the answer's public messages that Discord
// returned. (An answer sent as the first response comes back without one:
// a reply to it is traced by its follow-up button instead.)
func (r *interactionReplier) sentIDs() []string { return r.ids }

func (r *messageReplier) sentIDs() []string { return r.ids }
