package discord_test

import (
	"context"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/internal/discordtest"
)

// The bot picks no numbers of its own: settings left unset are an error
// naming them, before anything is sent.
func TestRunRefusesUnsetSettings(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s, err := discord.NewSession(fake.Token, fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	err = discord.New(s, &fakeAnswerer{svc: realService(t)}, discord.Options{UserBurst: 3}).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "MaxConcurrent") || strings.Contains(err.Error(), "UserBurst") {
		t.Errorf("Run = %v, want an error naming the unset settings", err)
	}
	if st := fake.Gateway(); st.Connections != 0 {
		t.Errorf("connected with settings unset: %+v", st)
	}
}
