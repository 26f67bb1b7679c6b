package discord_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/internal/discordtest"
)

// hugeAnswer is far over every Discord limit: 12,000 characters of text
// with 60 citations, emoji (two UTF-16 units each), a 3,000-character run
// without spaces, and 60 sources with long sections, quotes and passages.
func hugeAnswer() *bot.Answer {
	var text strings.Builder
	a := &bot.Answer{Question: "everything", Drafter: "llm"}
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&text, "Claim %d about the 15,000 troops 🪖 and %s. [%d] ", i, strings.Repeat("the alliance ", 12), i)
		if i%7 == 0 {
			text.WriteString("\n\n")
		}
		if i == 30 {
			text.WriteString(strings.Repeat("x", 3000) + " ")
		}
		a.Sources = append(a.Sources, bot.Source{
			N: i, ID: fmt.Sprint("chunk-", i), Article: strings.Repeat("A Very Long Article Title ", 20),
			Section: strings.Repeat("Section Heading 🪖 ", 30), Quote: strings.Repeat("A quoted sentence. ", 150),
			Passage: strings.Repeat("A passage sentence that goes on. ", 300),
		})
	}
	a.Text = text.String()
	return a
}

var marker = regexp.MustCompile(`\[(\d+)\]`)

func TestHugeAnswersAreSplitWithinDiscordLimits(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	huge := &fakeAnswerer{svc: svc, ask: func(context.Context, string, func(string)) (*bot.Answer, error) { return hugeAnswer(), nil }}
	h := startBot(t, discordtest.New(t), huge, discord.Options{About: about(svc)})

	// Every message passed the fake's limit checks (the cleanup fails the
	// test on any 400); here, the text is all there and no citation is cut.
	checkText := func(t *testing.T, msgs []*discordtest.Message) {
		t.Helper()
		var all strings.Builder
		for _, m := range msgs {
			if n := discordtest.Len(m.Content); n > discordtest.MaxContent {
				t.Errorf("a message of %d characters", n)
			}
			all.WriteString(m.Content + " ")
		}
		seen := map[int]bool{}
		for _, m := range marker.FindAllStringSubmatch(all.String(), -1) {
			n, _ := strconv.Atoi(m[1])
			seen[n] = true
		}
		if len(seen) != 60 {
			t.Errorf("%d of 60 citations survived whole", len(seen))
		}
		squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if squash(all.String()) != squash(hugeAnswer().Text) {
			t.Error("the split text differs from the answer")
		}
		last := msgs[len(msgs)-1]
		if len(last.Buttons()) != 3 {
			t.Errorf("the buttons are not on the last message: %d", len(last.Buttons()))
		}
	}

	t.Run("slash command", func(t *testing.T) {
		in := h.waitDone(t, h.fake.Interact(discordtest.Slash("ask", discordtest.String("question", "everything"))))
		h.fake.WaitFor(t, "every part of the answer", func() bool {
			in = h.fake.Interaction(in.Token)
			msgs := in.Messages()
			return len(msgs[len(msgs)-1].Buttons()) > 0
		})
		msgs := in.Messages()
		if len(msgs) < 8 {
			t.Errorf("%d messages for 12,000 characters and 60 sources", len(msgs))
		}
		checkText(t, msgs)
		embeds := 0
		for _, m := range msgs {
			for _, e := range m.Embeds {
				embeds += len(e.Fields)
			}
		}
		if embeds != 60 {
			t.Errorf("%d source fields, want 60", embeds)
		}

		// Show sources: 60 passages, at most five messages, within limits.
		sources := msgs[len(msgs)-1].Buttons()[0].CustomID
		click := h.fake.Interact(discordtest.Click(sources, msgs[len(msgs)-1].ID))
		h.fake.WaitFor(t, "the passages", func() bool {
			in := h.fake.Interaction(click)
			return in != nil && len(in.Followups) == 4
		})
		shown := h.fake.Interaction(click).Messages()
		for _, m := range shown {
			if !m.Ephemeral() || len(m.Embeds) == 0 {
				t.Errorf("passages message: ephemeral %v, %d embeds", m.Ephemeral(), len(m.Embeds))
			}
		}
		if !strings.Contains(shown[4].Content, "not shown") {
			t.Errorf("the last passages message doesn't say more were left out: %q", shown[4].Content)
		}
	})

	t.Run("mention", func(t *testing.T) {
		h.fake.PostMessage(discordtest.Post{Content: "<@" + discordtest.BotUserID + "> everything", MentionBot: true})
		var msgs []*discordtest.Message
		h.fake.WaitFor(t, "every part of the reply", func() bool {
			msgs = h.fake.ChannelMessages(discordtest.ChannelID)
			return len(msgs) > 0 && len(msgs[len(msgs)-1].Buttons()) > 0
		})
		if msgs[0].Reference == nil {
			t.Error("the first part is not a reply")
		}
		checkText(t, msgs)
	})
}
