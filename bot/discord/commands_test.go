package discord_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/internal/config"
	"github.com/articlebot/articlebot/internal/discordtest"
)

func TestRegistersCommandsOnlyWhenChanged(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	for _, tc := range []struct {
		name, guild, path string
	}{
		{"guild", discordtest.GuildID, "/api/v9/applications/" + discordtest.AppID + "/guilds/" + discordtest.GuildID + "/commands"},
		{"global", "", "/api/v9/applications/" + discordtest.AppID + "/commands"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.New(t)
			first := startBot(t, fake, &fakeAnswerer{svc: svc}, discord.Options{GuildID: tc.guild, About: about(svc)})
			puts := fake.CallsTo("PUT", "/commands")
			if len(puts) != 1 || puts[0].Path != tc.path {
				t.Fatalf("registration: %v, want one PUT %s", puts, tc.path)
			}
			var sent []*discordgo.ApplicationCommand
			if err := puts[0].Decode(&sent); err != nil {
				t.Fatal(err)
			}
			names := map[string]discordgo.ApplicationCommandType{}
			for _, c := range sent {
				names[c.Name] = c.Type
			}
			want := map[string]discordgo.ApplicationCommandType{"ask": 1, "summary": 1, "sources": 1, "about": 1, "Ask the article": 3}
			if fmt.Sprint(names) != fmt.Sprint(want) {
				t.Errorf("commands = %v, want %v", names, want)
			}
			if err := first.stop(); err != nil {
				t.Fatal(err)
			}

			// A restart with the same definitions lists them and stops there.
			second := startBot(t, fake, &fakeAnswerer{svc: svc}, discord.Options{GuildID: tc.guild, About: about(svc)})
			if puts := fake.CallsTo("PUT", "/commands"); len(puts) != 1 {
				t.Errorf("re-registered unchanged commands: %d PUTs", len(puts))
			}
			if gets := fake.CallsTo("GET", tc.path); len(gets) != 2 {
				t.Errorf("%d GETs of %s, want one per start", len(gets), tc.path)
			}
			if err := second.stop(); err != nil {
				t.Fatal(err)
			}

			// A changed definition (a new question length limit) is pushed.
			startBot(t, fake, &fakeAnswerer{svc: svc}, discord.Options{GuildID: tc.guild, About: about(svc), MaxQuestionLen: 300})
			if puts := fake.CallsTo("PUT", "/commands"); len(puts) != 2 {
				t.Errorf("changed commands not registered: %d PUTs", len(puts))
			}
		})
	}
}

func TestIdentifiesWithOnlyTheIntentsItNeeds(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{})
	got := discordgo.Intent(h.fake.Gateway().Intents)
	want := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if got != want {
		t.Errorf("intents = %b, want %b", got, want)
	}
	if got&discordgo.IntentsMessageContent != 0 {
		t.Error("asks for the privileged message-content intent")
	}
	if st := h.fake.Gateway().Status; st != "online" {
		t.Errorf("presence status = %q, want online", st)
	}
}

func TestSummaryWithSectionAutocomplete(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{})
	token := h.fake.Interact(discordtest.Autocomplete("summary", discordtest.Focused("section", "military")))
	in := h.waitDone(t, token)
	if len(in.Callbacks) != 1 || in.Callbacks[0] != discordtest.CallbackAutocomplete {
		t.Fatalf("callbacks = %v, want an autocomplete result (8)", in.Callbacks)
	}
	var section string
	for _, c := range in.Choices {
		if c.Name == "Growing Military Cooperation" {
			section = c.Value.(string)
		}
	}
	if section == "" {
		t.Fatalf("choices for %q = %v", "military", in.Choices)
	}

	token = h.fake.Interact(discordtest.Slash("summary", discordtest.String("length", "short"), discordtest.String("section", section)))
	in = h.waitDone(t, token)
	o := in.Original
	if len(in.Callbacks) != 1 || !strings.HasPrefix(o.Content, "**Summary** (short · Growing Military Cooperation)") {
		t.Fatalf("summary:\n%s", o.Content)
	}
	if !strings.Contains(o.Content, "[1]") || len(o.Embeds) == 0 || !strings.HasPrefix(o.Embeds[0].Fields[0].Name, "[1] Growing Military Cooperation") {
		t.Errorf("summary lacks citations or sources: %s %+v", o.Content, o.Embeds)
	}

	// An unknown section gets a friendly, private explanation, at once.
	in = h.waitDone(t, h.fake.Interact(discordtest.Slash("summary", discordtest.String("section", "Weather"))))
	if fmt.Sprint(in.Callbacks) != "[4]" || !in.Original.Ephemeral() || !strings.Contains(in.Original.Content, "don't know that section") {
		t.Errorf("unknown section reply: %v %+v", in.Callbacks, in.Original)
	}
}

func TestSourcesAboutAndMessageCommand(t *testing.T) {
	t.Parallel()
	h := start(t, discord.Options{})

	token := h.fake.Interact(discordtest.Slash("sources", discordtest.String("query", "troops weaponry")))
	o := h.waitDone(t, token).Original
	if len(o.Embeds) != 1 || len(o.Embeds[0].Fields) != 5 {
		t.Fatalf("sources: %s %+v, want 5 passages", o.Content, o.Embeds)
	}
	if f := o.Embeds[0].Fields[0]; f.Name != "[1] Growing Military Cooperation" || !strings.Contains(f.Value, "15,000") {
		t.Errorf("top passage: %q %q", f.Name, f.Value)
	}

	token = h.fake.Interact(discordtest.Slash("about"))
	in := h.waitDone(t, token)
	if in.Callbacks[0] != discordtest.CallbackMessage || !in.Original.Ephemeral() || len(in.Original.Embeds) != 1 {
		t.Fatalf("about: %v %+v", in.Callbacks, in.Original)
	}
	fields := map[string]string{}
	for _, f := range in.Original.Embeds[0].Fields {
		fields[f.Name] = f.Value
	}
	svc := realService(t)
	if !strings.Contains(fields["Articles"], svc.Corpus().Titles()[0]) || fields["Passages"] != fmt.Sprint(svc.Index().Len()) ||
		fields["Version"] != "v1.2.3-test" || fields["Answers"] != "extractive" || fields["Models"] == "" {
		t.Errorf("about fields = %v", fields)
	}

	target := h.fake.NewID()
	token = h.fake.Interact(discordtest.MessageCommand("Ask the article", target, "When did Kim and Putin speak on the phone?"))
	o = h.waitDone(t, token).Original
	if !strings.Contains(o.Content, "August 13") || !strings.Contains(o.Content, "[1]") {
		t.Errorf("message command answer:\n%s", o.Content)
	}

	token = h.fake.Interact(discordtest.MessageCommand("Ask the article", h.fake.NewID(), "  "))
	in = h.waitDone(t, token)
	if !in.Original.Ephemeral() || in.Original.Content != "That message has no text I can ask about." {
		t.Errorf("empty target: %+v", in.Original)
	}
}

func TestGuildCommandsIgnoreGlobalOnlyFields(t *testing.T) {
	t.Parallel()
	svc := realService(t)
	registered := func(edit func(c map[string]any)) []map[string]any {
		b, _ := json.Marshal(discord.Commands(config.Default().Answer.MaxQuestionLength))
		var cmds []map[string]any
		if err := json.Unmarshal(b, &cmds); err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			edit(c)
		}
		return cmds
	}
	for name, edit := range map[string]func(c map[string]any){
		// contexts and integration_types apply to global commands only, so
		// Discord may report them as null, or as its defaults.
		"null":     func(c map[string]any) { c["contexts"], c["integration_types"] = nil, nil },
		"defaults": func(c map[string]any) { c["contexts"], c["integration_types"] = []int{0, 1, 2}, []int{0, 1} },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.New(t)
			fake.SetCommands(discordtest.GuildID, registered(edit))
			startBot(t, fake, &fakeAnswerer{svc: svc}, discord.Options{GuildID: discordtest.GuildID, About: about(svc)})
			if puts := fake.CallsTo("PUT", "/commands"); len(puts) != 0 {
				t.Errorf("re-registered unchanged guild commands: %v", puts)
			}
		})
	}
	t.Run("registration", func(t *testing.T) {
		t.Parallel()
		fake := discordtest.New(t)
		startBot(t, fake, &fakeAnswerer{svc: svc}, discord.Options{GuildID: discordtest.GuildID, About: about(svc)})
		puts := fake.CallsTo("PUT", "/commands")
		if len(puts) != 1 {
			t.Fatalf("%d PUTs, want 1", len(puts))
		}
		if body := string(puts[0].Body); strings.Contains(body, `"contexts":[`) || strings.Contains(body, `"integration_types":[`) {
			t.Errorf("guild commands sent with global-only fields: %s", body)
		}
	})
}
