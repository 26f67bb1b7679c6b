package discord_test

import (
	"strings"
	"testing"
	"time"

	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/internal/discordtest"
)

func TestArticleOptionAutocompletesAndScopes(t *testing.T) {
	t.Parallel()
	// An unknown article is refused before any acknowledgement, so the
	// notice is private however slowly the machine runs: no instant wait.
	h := start(t, discord.Options{InstantWait: time.Nanosecond})
	in := h.waitDone(t, h.fake.Interact(discordtest.Autocomplete("ask", discordtest.Focused("article", "kim"))))
	if len(in.Choices) != 1 || in.Choices[0].Value != "kim-putin-alliance" {
		t.Fatalf("article choices for kim = %+v", in.Choices)
	}
	in = h.waitDone(t, h.fake.Interact(discordtest.Slash("ask",
		discordtest.String("question", "How many troops has North Korea sent to Russia?"), discordtest.String("article", "kim-putin-alliance"))))
	if !strings.Contains(in.Original.Content, "15,000") {
		t.Errorf("scoped answer: %s", in.Original.Content)
	}
	// An unknown story is the user's to correct, as an unknown section
	// is: said privately, not "try again in a moment".
	for _, cmd := range []string{"sources", "ask", "summary"} {
		in = h.waitDone(t, h.fake.Interact(discordtest.Slash(cmd,
			discordtest.String("query", "troops"), discordtest.String("question", "How many troops?"), discordtest.String("article", "No such story"))))
		if !strings.Contains(in.Original.Content, "I don't know that story") || in.Original.Flags&64 == 0 {
			t.Errorf("/%s with an unknown article: %q (flags %d)", cmd, in.Original.Content, in.Original.Flags)
		}
	}
}

// /sources over a collection says whether its articles cover the query;
// scoped to one story, whether that article does.
func TestSourcesVerdictOverACollection(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	opt := discord.Options{About: about(svc)}
	opt.About.Titles = append(opt.About.Titles, "Another story")
	h := start(t, opt)
	for _, tc := range []struct {
		opts []discordtest.Option
		want string
	}{
		{[]discordtest.Option{discordtest.String("query", "world cup winner")}, "These articles don't seem to cover this"},
		{[]discordtest.Option{discordtest.String("query", "world cup winner"), discordtest.String("article", "kim-putin-alliance")}, "The article doesn't seem to cover this"},
	} {
		in := h.waitDone(t, h.fake.Interact(discordtest.Slash("sources", tc.opts...)))
		if !strings.HasPrefix(in.Original.Content, tc.want) {
			t.Errorf("%v: %q, want it to begin %q", tc.opts, in.Original.Content, tc.want)
		}
	}
}
