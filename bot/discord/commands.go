package discord

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/bwmarrin/discordgo"

	"github.com/articlebot/articlebot/bot"
)

// Command names.
const (
	cmdAsk          = "ask"
	cmdSummary      = "summary"
	cmdSources      = "sources"
	cmdAbout        = "about"
	cmdAskMessage   = "Ask the article"
	sourcesShown    = 5    // passages /sources shows
	maxOptionLength = 6000 // Discord's cap on a string option's max_length
)

// Commands returns the application commands the bot registers, with
// question options limited to maxQuestion characters.
func Commands(maxQuestion int) []*discordgo.ApplicationCommand {
	maxLen := min(maxQuestion, maxOptionLength)
	contexts := func() *[]discordgo.InteractionContextType {
		return &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	}
	installs := func() *[]discordgo.ApplicationIntegrationType {
		return &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	}
	var lengths []*discordgo.ApplicationCommandOptionChoice
	for _, l := range bot.Lengths {
		lengths = append(lengths, &discordgo.ApplicationCommandOptionChoice{Name: string(l), Value: string(l)})
	}
	return []*discordgo.ApplicationCommand{
		{
			Name: cmdAsk, Type: discordgo.ChatApplicationCommand, Contexts: contexts(), IntegrationTypes: installs(),
			Description: "Ask a question about the article; the answer cites its sources",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true, MaxLength: maxLen},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Only you see the answer"},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "thread", Description: "Start a thread on the answer for follow-up questions"},
				{Type: discordgo.ApplicationCommandOptionString, Name: "article", Description: "Only this story (in a collection of several)", Autocomplete: true},
			},
		},
		{
			Name: cmdSummary, Type: discordgo.ChatApplicationCommand, Contexts: contexts(), IntegrationTypes: installs(),
			Description: "Summarise the article, or one section of it, with citations",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "length", Description: "How long a summary (default medium)", Choices: lengths},
				{Type: discordgo.ApplicationCommandOptionString, Name: "section", Description: "Only this section", Autocomplete: true},
				{Type: discordgo.ApplicationCommandOptionString, Name: "article", Description: "Only this story (in a collection of several)", Autocomplete: true},
			},
		},
		{
			Name: cmdSources, Type: discordgo.ChatApplicationCommand, Contexts: contexts(), IntegrationTypes: installs(),
			Description: "Show the passages of the article that best match a query",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "query", Description: "What to look for", Required: true, MaxLength: maxLen},
				{Type: discordgo.ApplicationCommandOptionString, Name: "article", Description: "Only this story (in a collection of several)", Autocomplete: true},
			},
		},
		{
			Name: cmdAbout, Type: discordgo.ChatApplicationCommand, Contexts: contexts(), IntegrationTypes: installs(),
			Description: "What the bot answers from, and how",
		},
		{Name: cmdAskMessage, Type: discordgo.MessageApplicationCommand, Contexts: contexts(), IntegrationTypes: installs()},
	}
}

// syncCommands registers the commands with one bulk overwrite, and only
// when they differ from what Discord has, so restarts don't churn them.
func (b *Bot) syncCommands(ctx context.Context) error {
	app, guild := b.app(), b.opt.GuildID
	scope := "global"
	if guild != "" {
		scope = "guild " + guild
	}
	want := Commands(b.opt.MaxQuestionLen)
	v, err := b.callValue(ctx, func(o ...discordgo.RequestOption) (any, error) { return b.s.ApplicationCommands(app, guild, o...) })
	if err != nil {
		return fmt.Errorf("couldn't list the registered commands: %w", err)
	}
	have := v.([]*discordgo.ApplicationCommand)
	if guild != "" {
		// Contexts and installation types are for global commands only: a
		// guild's commands are used in that guild. Whatever Discord reports
		// for them must not make every start register the commands again.
		for _, c := range slices.Concat(want, have) {
			c.Contexts, c.IntegrationTypes = nil, nil
		}
	}
	if SameCommands(want, have) {
		b.log.Info("commands already registered", "scope", scope)
		return nil
	}
	if err := b.call(ctx, func(o ...discordgo.RequestOption) error {
		_, err := b.s.ApplicationCommandBulkOverwrite(app, guild, want, o...)
		return err
	}); err != nil {
		if isStatus(err, 403) && guild != "" {
			return fmt.Errorf("couldn't register the commands in guild %s (is the bot in it, invited with the applications.commands scope?): %w", guild, err)
		}
		return fmt.Errorf("couldn't register the commands: %w", err)
	}
	b.log.Info("commands registered", "scope", scope, "count", len(want))
	return nil
}

// SameCommands reports whether two command sets define the same commands,
// ignoring what Discord adds (IDs, versions) and how it spells absence
// (null, false, [] or a missing field).
func SameCommands(a, b []*discordgo.ApplicationCommand) bool {
	return reflect.DeepEqual(canonCommands(a), canonCommands(b))
}

type canonCommand struct {
	Type             discordgo.ApplicationCommandType
	Name             string
	Description      string
	Options          []canonOption
	Contexts         []discordgo.InteractionContextType
	IntegrationTypes []discordgo.ApplicationIntegrationType
	NSFW             bool
	Permissions      int64
}

type canonOption struct {
	Type         discordgo.ApplicationCommandOptionType
	Name         string
	Description  string
	Required     bool
	Autocomplete bool
	MinLength    int
	MaxLength    int
	Choices      []string
	Options      []canonOption
}

func canonCommands(cmds []*discordgo.ApplicationCommand) []canonCommand {
	out := make([]canonCommand, 0, len(cmds))
	for _, c := range cmds {
		cc := canonCommand{Type: c.Type, Name: c.Name, Description: c.Description, Options: canonOptions(c.Options)}
		if cc.Type == 0 {
			cc.Type = discordgo.ChatApplicationCommand
		}
		if c.Contexts != nil && len(*c.Contexts) > 0 {
			cc.Contexts = slices.Sorted(slices.Values(*c.Contexts))
		}
		if c.IntegrationTypes != nil && len(*c.IntegrationTypes) > 0 {
			cc.IntegrationTypes = slices.Sorted(slices.Values(*c.IntegrationTypes))
		}
		if c.NSFW != nil {
			cc.NSFW = *c.NSFW
		}
		if c.DefaultMemberPermissions != nil {
			cc.Permissions = *c.DefaultMemberPermissions
		}
		out = append(out, cc)
	}
	slices.SortFunc(out, func(x, y canonCommand) int {
		return cmp.Or(cmp.Compare(x.Type, y.Type), cmp.Compare(x.Name, y.Name))
	})
	return out
}

func canonOptions(opts []*discordgo.ApplicationCommandOption) []canonOption {
	if len(opts) == 0 {
		return nil
	}
	out := make([]canonOption, 0, len(opts))
	for _, o := range opts {
		co := canonOption{
			Type: o.Type, Name: o.Name, Description: o.Description, Required: o.Required,
			Autocomplete: o.Autocomplete, MaxLength: o.MaxLength, Options: canonOptions(o.Options),
		}
		if o.MinLength != nil {
			co.MinLength = *o.MinLength
		}
		for _, ch := range o.Choices {
			co.Choices = append(co.Choices, fmt.Sprintf("%s=%v", ch.Name, ch.Value))
		}
		out = append(out, co)
	}
	return out
}
