package discord_test

import (
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/internal/discordtest"
)

// The model API is told who asks, for its abuse monitoring, by a keyed hash
// of the Discord user: the same for the same user, different for another,
// and never the ID itself.
func TestQuestionsCarryTheAskersKeyedHash(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	ans := &fakeAnswerer{svc: svc}
	h := startBot(t, discordtest.New(t), ans, discord.Options{About: about(svc), UserBurst: 5})
	const other = "300000000000000077"
	for _, user := range []string{discordtest.UserID, discordtest.UserID, other} {
		inv := discordtest.Slash("ask", discordtest.String("question", troops))
		inv.UserID = user
		h.waitDone(t, h.fake.Interact(inv))
	}
	reqs := ans.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	a, b, c := reqs[0].User, reqs[1].User, reqs[2].User
	if a == "" || a != b || a == c {
		t.Errorf("end users %q, %q (same asker) and %q (another): want one stable hash per asker", a, b, c)
	}
	for i, u := range []string{discordtest.UserID, discordtest.UserID, other} {
		if strings.Contains(reqs[i].User, u) {
			t.Errorf("the end user %q carries the Discord ID %s", reqs[i].User, u)
		}
	}
}
