package discord

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/articlebot/articlebot/bot"
)

// onInteraction handles one interaction. discordgo calls it on a goroutine
// of its own, where a panic would kill the process: it is recovered here,
// and every interaction ends with a final reply.
func (b *Bot) onInteraction(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction) {
	if i == nil || i.Type == discordgo.InteractionPing {
		return
	}
	// Replies must go out even when the answer's context has ended.
	rest := context.WithoutCancel(ctx)
	r := &request{id: i.ID, kind: i.Type.String(), user: interactionUser(i), guild: i.GuildID, channel: i.ChannelID, start: b.opt.Now()}
	rp := &interactionReplier{b: b, s: s, i: i, deadline: responseDeadline(i.ID, r.start)}
	autocomplete := i.Type == discordgo.InteractionApplicationCommandAutocomplete
	if !b.work.begin() {
		if !autocomplete {
			if err := rp.notice(rest, msgRestarting); err != nil {
				b.log.Warn("couldn't send the restarting notice", append(r.attrs(b), "err", err)...)
			}
		}
		return
	}
	defer b.work.end()
	defer func() {
		v := recover()
		switch {
		case autocomplete:
			if v != nil {
				b.log.Error("panic in autocomplete", append(r.attrs(b), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))...)
			}
		case v != nil:
			b.fail(rest, rp, r, fmt.Errorf("%w: %v\n%s", errPanic, v, debug.Stack()))
		case !rp.done():
			b.fail(rest, rp, r, errNoReply)
		}
	}()

	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		b.command(ctx, rp, r, i.ApplicationCommandData())
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.autocomplete(rest, r, rp, i.ApplicationCommandData())
	case discordgo.InteractionMessageComponent:
		b.button(rest, rp, r, i.MessageComponentData())
	case discordgo.InteractionModalSubmit:
		b.submitFollowUp(ctx, rp, r, i.ModalSubmitData())
	default:
		b.notice(rest, rp, r, "I don't know how to handle that.")
	}
}

func interactionUser(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// notice sends a short ephemeral reply and logs a failure to send it.
func (b *Bot) notice(ctx context.Context, rp replier, r *request, text string) {
	if err := rp.notice(ctx, text); err != nil {
		b.log.Error("couldn't reply", append(r.attrs(b), "err", err)...)
	}
}

func (b *Bot) command(ctx context.Context, rp *interactionReplier, r *request, data discordgo.ApplicationCommandInteractionData) {
	rest := context.WithoutCancel(ctx)
	r.kind = data.Name
	switch data.Name {
	case cmdAsk:
		rp.ephemeral = optBool(data.Options, "private")
		r.ephemeral = rp.ephemeral
		q := optString(data.Options, "question")
		r.article = optString(data.Options, "article")
		b.newConversation(r)
		b.ask(ctx, rp, r, q)
		if optBool(data.Options, "thread") {
			b.startThread(rest, rp, r, q)
		}
	case cmdAskMessage:
		r.kind = "ask_message"
		var q string
		if data.Resolved != nil && data.Resolved.Messages[data.TargetID] != nil {
			q = data.Resolved.Messages[data.TargetID].Content
		}
		if strings.TrimSpace(q) == "" {
			b.notice(rest, rp, r, msgNoText)
			return
		}
		b.newConversation(r)
		b.ask(ctx, rp, r, q)
	case cmdSummary:
		r.article = optString(data.Options, "article")
		b.summary(ctx, rp, r, optString(data.Options, "length"), optString(data.Options, "section"))
	case cmdSources:
		r.article = optString(data.Options, "article")
		b.sources(ctx, rp, r, optString(data.Options, "query"))
	case cmdAbout:
		if !b.admit(rest, rp, r, b.commandLimits, nil) {
			return
		}
		rp.ephemeral = true
		if err := rp.send(rest, b.aboutReplies()); err != nil {
			b.log.Error("couldn't send /about", append(r.attrs(b), "err", err)...)
		}
	default:
		b.notice(rest, rp, r, "I don't know that command any more.")
	}
}

// ask answers a question from a slash command, the message command, a
// mention or a DM.
func (b *Bot) ask(ctx context.Context, rp replier, r *request, q string) {
	r.text = q
	b.serve(ctx, rp, r, b.questionLimits, func() error {
		_, err := b.ans.CleanQuestion(q)
		return err
	}, func(ctx context.Context, onPartial func(string)) ([]reply, error) {
		a, err := b.ans.Answer(ctx, b.question(r, q), onPartial)
		if err != nil {
			return nil, err
		}
		latency := b.opt.Now().Sub(r.start)
		b.answers.put(r.id, a.Sources, a.Drafter)
		b.remember(r, a)
		// When the service fell back from the model, its note opens the
		// text, so the user sees it too.
		b.log.Info("answered", append(r.attrs(b), "latency", latency, "drafter", a.Drafter, "refused", a.Refused,
			"sources", len(a.Sources), "prompt_tokens", a.Usage.PromptTokens, "completion_tokens", a.Usage.CompletionTokens,
			"cached", a.Cached, "fallback", a.Note != "")...)
		return compose(modelText(a.Text), sourceEmbeds(a.Sources, b.severalStories()), b.buttons(r, len(a.Sources) > 0)), nil
	})
	b.linkAnswer(r, rp)
}

func (b *Bot) summary(ctx context.Context, rp replier, r *request, lengthOpt, sectionOpt string) {
	var length bot.Length
	var section string
	b.serve(ctx, rp, r, b.questionLimits, func() error {
		var err error
		if length, err = bot.ParseLength(lengthOpt); err != nil {
			return err
		}
		section, err = b.ans.Section(sectionOpt)
		return err
	}, func(ctx context.Context, _ func(string)) ([]reply, error) {
		var sum *bot.Summary
		var err error
		if sc, ok := b.ans.(ArticleScoper); ok && r.article != "" {
			sum, err = sc.SummarizeArticle(ctx, length, section, r.article)
		} else {
			sum, err = b.ans.Summarize(ctx, length, section)
		}
		if err != nil {
			return nil, err
		}
		b.answers.put(r.id, sum.Sources, sum.Drafter)
		b.log.Info("summarised", append(r.attrs(b), "latency", b.opt.Now().Sub(r.start), "drafter", sum.Drafter, "length", sum.Length, "sources", len(sum.Sources))...)
		title := "**Summary** (" + string(sum.Length)
		if sum.Section != "" {
			title += " · " + escapeMarkdown(sum.Section)
		}
		return compose(title+")\n"+modelText(sum.Text), sourceEmbeds(sum.Sources, b.severalStories()), b.buttons(r, len(sum.Sources) > 0)), nil
	})
}

func (b *Bot) sources(ctx context.Context, rp replier, r *request, q string) {
	r.text = q
	b.serve(ctx, rp, r, b.commandLimits, func() error {
		_, err := b.ans.CleanQuestion(q)
		return err
	}, func(ctx context.Context, _ func(string)) ([]reply, error) {
		var res *bot.SearchResult
		var err error
		if sc, ok := b.ans.(ArticleScoper); ok && r.article != "" {
			res, err = sc.SearchArticle(ctx, q, sourcesShown, r.article)
		} else {
			res, err = b.ans.Search(ctx, q, sourcesShown)
		}
		if err != nil {
			return nil, err
		}
		sources := hitSources(res.Hits)
		b.answers.put(r.id, sources, "search")
		b.log.Info("searched", append(r.attrs(b), "latency", b.opt.Now().Sub(r.start), "hits", len(sources), "covered", res.Covered)...)
		head := "The passages that best match your query:"
		if !res.Covered {
			head = "The article doesn't seem to cover this; these are the closest passages:"
			if b.severalStories() && r.article == "" {
				head = "These articles don't seem to cover this; these are the closest passages:"
			}
		}
		if len(sources) == 0 {
			head = "I found no passages for that."
		}
		return compose(head, sourceEmbeds(sources, b.severalStories()), b.buttons(r, len(sources) > 0)), nil
	})
}

// result is what a request's work came to.
type result struct {
	msgs []reply
	err  error
}

// serve runs a request that takes work. The guards and check run first and
// refuse with a private notice. The work then runs under the answer
// deadline, holding a drafting slot (waiting in line for one when all are
// taken). A reply ready within InstantWait is sent as the response itself;
// otherwise the request is acknowledged, its progress (the answer as it
// streams in, or that it is queued) shown by edits, and the final reply, or
// the error handler's, edited in.
func (b *Bot) serve(ctx context.Context, rp replier, r *request, lim *userLimits, check func() error,
	work func(ctx context.Context, onPartial func(string)) ([]reply, error)) {
	rest := context.WithoutCancel(ctx)
	if !b.admit(rest, rp, r, lim, check) {
		return
	}
	wctx, cancel := context.WithTimeout(ctx, b.opt.AnswerTimeout)
	defer cancel()
	// A full line is known at once: the busy reply is then the response
	// itself, however slow the machine is to run what follows.
	wait, busy := b.queue.enter()
	if busy != nil {
		b.fail(rest, rp, r, busy)
		return
	}
	st := b.newStreamer(rp, r)
	done := make(chan result, 1)
	go func() {
		var res result
		defer func() {
			// This goroutine is the handler's: a panic in it is the
			// request's error, not the process's end.
			if v := recover(); v != nil {
				res.err = fmt.Errorf("%w: %v\n%s", errPanic, v, debug.Stack())
			}
			done <- res
		}()
		release, err := wait(wctx, func() { st.show(msgQueued) })
		if err != nil {
			res.err = err
			return
		}
		defer release()
		res.msgs, res.err = work(wctx, st.partial)
	}()

	var res result
	got := false
	instant := time.NewTimer(b.opt.InstantWait)
	defer instant.Stop()
	select {
	case res = <-done:
		got = true
	case <-st.first:
	case <-instant.C:
	}
	if !got {
		if err := rp.ack(rest); err != nil {
			if errors.Is(err, errLost) {
				cancel()
				st.stop()
				<-done
				b.lost(r, err)
				return
			}
			// The final reply still tries to respond on its own.
			b.log.Warn("couldn't acknowledge", append(r.attrs(b), "err", err)...)
		}
		st.start(rest)
		res = <-done
	}
	st.stop()
	if res.err != nil {
		b.fail(rest, rp, r, res.err)
		return
	}
	if err := rp.send(rest, res.msgs); errors.Is(err, errLost) {
		b.lost(r, err)
	} else if err != nil {
		b.log.Error("couldn't send the answer", append(r.attrs(b), "err", err)...)
		b.opt.Metrics.Error("discord_send")
		if !rp.done() {
			b.fail(rest, rp, r, err)
		}
	}
}

// Custom ID prefixes of the answer buttons; the question ID follows.
const (
	btnSources = "ab:src:"
	btnUp      = "ab:up:"
	btnDown    = "ab:down:"
)

// buttons are the row under an answer: its sources in full, and feedback.
func (b *Bot) buttons(r *request, withSources bool) []discordgo.MessageComponent {
	id := r.id
	var row []discordgo.MessageComponent
	if withSources {
		row = append(row, discordgo.Button{Label: "Show sources", Style: discordgo.SecondaryButton, CustomID: btnSources + id,
			Emoji: &discordgo.ComponentEmoji{Name: "📚"}})
	}
	row = append(row,
		discordgo.Button{Label: "Helpful", Style: discordgo.SecondaryButton, CustomID: btnUp + id, Emoji: &discordgo.ComponentEmoji{Name: "👍"}},
		discordgo.Button{Label: "Not helpful", Style: discordgo.SecondaryButton, CustomID: btnDown + id, Emoji: &discordgo.ComponentEmoji{Name: "👎"}},
	)
	row = append(row, b.followUpButtons(r)...)
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// button handles the answer buttons, always with an ephemeral reply.
func (b *Bot) button(ctx context.Context, rp *interactionReplier, r *request, data discordgo.MessageComponentInteractionData) {
	rp.ephemeral = true
	id := data.CustomID
	r.kind = "button"
	if !b.admit(ctx, rp, r, b.commandLimits, nil) {
		return
	}
	switch {
	case strings.HasPrefix(id, btnFollowUp) && b.conversing():
		b.openFollowUp(ctx, rp, r, strings.TrimPrefix(id, btnFollowUp), false)
	case strings.HasPrefix(id, btnFollowUpThread) && b.conversing():
		b.openFollowUp(ctx, rp, r, strings.TrimPrefix(id, btnFollowUpThread), true)
	case strings.HasPrefix(id, btnSources):
		r.kind = "show_sources"
		sources, ok := b.answers.sources(strings.TrimPrefix(id, btnSources))
		if !ok {
			b.notice(ctx, rp, r, "I no longer have the sources of that answer: I keep only recent ones. Ask again to see them.")
			return
		}
		if err := rp.send(ctx, passageReplies(sources)); err != nil {
			b.log.Error("couldn't show sources", append(r.attrs(b), "err", err)...)
		}
	case strings.HasPrefix(id, btnUp), strings.HasPrefix(id, btnDown):
		vote, emoji, qid := "up", "👍", strings.TrimPrefix(id, btnUp)
		if strings.HasPrefix(id, btnDown) {
			vote, emoji, qid = "down", "👎", strings.TrimPrefix(id, btnDown)
		}
		r.kind = "feedback"
		user := b.userHash(r.user)
		counted, drafter := b.answers.vote(qid, user, vote)
		if counted {
			b.opt.Metrics.Feedback(vote)
		}
		b.log.Info("feedback", "vote", vote, "question_id", qid, "user", user, "drafter", drafter, "counted", counted,
			"guild", r.guild, "channel", r.channel)
		if drafter == "" {
			b.notice(ctx, rp, r, "I no longer have that answer, so I can't record feedback on it. Thanks all the same!")
			return
		}
		b.notice(ctx, rp, r, "Thanks for the feedback "+emoji+" It helps improve the answers.")
	default:
		b.notice(ctx, rp, r, "That button no longer works.")
	}
}

// passageReplies shows sources' whole passages, within a few messages.
func passageReplies(sources []bot.Source) []reply {
	msgs := compose("", passageEmbeds(sources), nil)
	if len(msgs) > maxPassageMessages {
		msgs = msgs[:maxPassageMessages]
		msgs[len(msgs)-1].content = "(More passages are not shown.)"
	}
	return msgs
}

// autocomplete offers the corpus's sections for /summary's section option.
func (b *Bot) autocomplete(ctx context.Context, r *request, rp *interactionReplier, data discordgo.ApplicationCommandInteractionData) {
	r.kind = data.Name + "_autocomplete"
	var typed, focused string
	for _, o := range data.Options {
		if o.Focused {
			typed, _ = o.Value.(string)
			focused = o.Name
		}
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	sc, scoped := b.ans.(ArticleScoper)
	if scoped && focused == "article" {
		for _, c := range sc.ArticleChoices(typed, maxChoices) {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(c.Title, maxChoiceLen), Value: articleValue(c)})
		}
	}
	for _, sec := range matchSections(b.opt.About.Sections, typed) {
		if focused == "article" {
			break
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{
			Name: truncate(sec, maxChoiceLen),
			// The service takes an unambiguous prefix of a section name, so a
			// name cut to Discord's 100 characters still finds its section.
			Value: sec[:prefix(sec, maxChoiceLen)],
		})
	}
	err := rp.respond(ctx, discordgo.InteractionApplicationCommandAutocompleteResult, &discordgo.InteractionResponseData{Choices: choices})
	if err != nil {
		b.log.Warn("couldn't send autocomplete choices", append(r.attrs(b), "err", err)...)
	}
}

// articleValue is what choosing an article submits: its ID, which the
// service resolves exactly. Story IDs are paths; one over Discord's 100
// characters (a story deep in folders) would arrive cut and name nothing,
// so its title goes instead, cut to 100 characters if need be: the service
// takes a title, or a unique part of one.
func articleValue(c bot.ArticleChoice) string {
	if textLen(c.ID) <= maxChoiceLen {
		return c.ID
	}
	return c.Title[:prefix(c.Title, maxChoiceLen)]
}

// matchSections lists the sections that start with what was typed, then
// those that contain it, at most 25; all of them (up to 25) when none match,
// since Discord needs at least one choice to show.
func matchSections(sections []string, typed string) []string {
	typed = strings.ToLower(strings.TrimSpace(typed))
	var starts, contains []string
	for _, s := range sections {
		l := strings.ToLower(s)
		switch {
		case strings.HasPrefix(l, typed):
			starts = append(starts, s)
		case strings.Contains(l, typed):
			contains = append(contains, s)
		}
	}
	out := append(starts, contains...)
	if len(out) == 0 {
		out = sections
	}
	return out[:min(len(out), maxChoices)]
}

// maxAboutTitles is how many story titles /about lists.
const maxAboutTitles = 5

func (b *Bot) aboutReplies() []reply {
	a := b.opt.About
	or := func(s, alt string) string {
		if strings.TrimSpace(s) == "" {
			return alt
		}
		return s
	}
	// A collection of thousands of stories gets its count and a few
	// titles, not a list cut off mid-title.
	var titles []string
	if len(a.Titles) > maxAboutTitles {
		titles = append(titles, strconv.Itoa(len(a.Titles))+" stories, such as:")
	}
	for _, t := range a.Titles[:min(len(a.Titles), maxAboutTitles)] {
		titles = append(titles, "• "+escapeMarkdown(truncate(t, 120)))
	}
	if len(a.Titles) > maxAboutTitles {
		titles = append(titles, "… and "+strconv.Itoa(len(a.Titles)-maxAboutTitles)+" more")
	}
	e := &discordgo.MessageEmbed{
		Title: "About articlebot",
		Description: "I answer questions about the article below and cite the passage each sentence of my answer comes from. " +
			"When the article doesn't answer a question, I say so instead of guessing. Try `/ask`, `/summary`, `/sources`, " +
			"or right-click a message → Apps → " + cmdAskMessage + ".",
		Color: embedColor,
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Articles", Value: truncate(or(strings.Join(titles, "\n"), "none"), maxFieldValue)},
			{Name: "Passages", Value: strconv.Itoa(a.Chunks), Inline: true},
			{Name: "Sections", Value: strconv.Itoa(len(a.Sections)), Inline: true},
			{Name: "Answers", Value: truncate(or(a.Drafter, "unknown"), maxFieldValue), Inline: true},
			{Name: "Models", Value: truncate(or(a.Models, "unknown"), maxFieldValue)},
			{Name: "Version", Value: truncate(or(a.Version, "dev"), maxFieldValue), Inline: true},
		},
	}
	if b.conversing() {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Follow-up questions", Value: msgFollowUpHowTo})
	}
	return compose("", []*discordgo.MessageEmbed{e}, nil)
}

// severalStories reports whether the bot answers from more than one story,
// when every source names its own.
func (b *Bot) severalStories() bool { return len(b.opt.About.Titles) > 1 }

// hitSources turns search hits into numbered sources.
func hitSources(hits []bot.Hit) []bot.Source {
	out := make([]bot.Source, 0, len(hits))
	for i, h := range hits {
		src := bot.SourceOf(i+1, h.Chunk)
		src.Score = h.Score
		out = append(out, src)
	}
	return out
}

func optString(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o.Name == name {
			s, _ := o.Value.(string)
			return s
		}
	}
	return ""
}

func optBool(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) bool {
	for _, o := range opts {
		if o.Name == name {
			v, _ := o.Value.(bool)
			return v
		}
	}
	return false
}
