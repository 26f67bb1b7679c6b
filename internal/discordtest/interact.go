package discordtest

import (
	"cmp"
	"time"
)

// Invocation describes an interaction for the fake to dispatch.
type Invocation struct {
	// Type is the interaction type: 2 command, 3 component, 4 autocomplete.
	Type int
	// Data is the interaction's data object.
	Data map[string]any
	// Message is the message a component belongs to (type 3).
	Message map[string]any
	// UserID defaults to UserID.
	UserID string
	// GuildID and ChannelID default to GuildID and ChannelID; DM sends the
	// interaction from a DM channel with no guild.
	GuildID, ChannelID string
	DM                 bool
}

// Option is a command option in an invocation.
type Option map[string]any

// String is a string option.
func String(name, value string) Option {
	return Option{"name": name, "type": 3, "value": value}
}

// Bool is a boolean option.
func Bool(name string, value bool) Option {
	return Option{"name": name, "type": 5, "value": value}
}

// Focused is the string option being typed in an autocomplete interaction.
func Focused(name, value string) Option {
	return Option{"name": name, "type": 3, "value": value, "focused": true}
}

func options(opts []Option) []any {
	out := make([]any, len(opts))
	for i, o := range opts {
		out[i] = map[string]any(o)
	}
	return out
}

// Slash is a chat input command.
func Slash(name string, opts ...Option) Invocation {
	return Invocation{Type: 2, Data: map[string]any{"id": "1", "name": name, "type": 1, "options": options(opts)}}
}

// Autocomplete is an autocomplete request for a command's focused option.
func Autocomplete(name string, opts ...Option) Invocation {
	return Invocation{Type: 4, Data: map[string]any{"id": "1", "name": name, "type": 1, "options": options(opts)}}
}

// MessageCommand is a message context-menu command on a message with the
// given ID and content.
func MessageCommand(name, messageID, content string) Invocation {
	target := map[string]any{
		"id": messageID, "channel_id": ChannelID, "content": content, "type": 0,
		"author":    map[string]any{"id": UserID, "username": "someone", "discriminator": "0"},
		"timestamp": "2026-01-01T00:00:00Z", "embeds": []any{}, "attachments": []any{}, "mentions": []any{},
	}
	return Invocation{Type: 2, Data: map[string]any{
		"id": "2", "name": name, "type": 3, "target_id": messageID,
		"resolved": map[string]any{"messages": map[string]any{messageID: target}},
	}}
}

// Click is a button press with the given custom ID on a message.
func Click(customID, messageID string) Invocation {
	return Invocation{
		Type: 3,
		Data: map[string]any{"custom_id": customID, "component_type": 2},
		Message: map[string]any{
			"id": messageID, "channel_id": ChannelID, "content": "", "type": 0,
			"author":    botUser(),
			"timestamp": "2026-01-01T00:00:00Z", "embeds": []any{}, "attachments": []any{}, "mentions": []any{},
		},
	}
}

// Interact dispatches an INTERACTION_CREATE and returns the interaction's
// token, the key for Server.Interaction.
func (s *Server) Interact(inv Invocation) string {
	s.mu.Lock()
	id := s.snowflake()
	token := "itoken-" + id
	s.mu.Unlock()

	user := inv.UserID
	if user == "" {
		user = UserID
	}
	u := map[string]any{"id": user, "username": "user" + user[len(user)-4:], "discriminator": "0", "global_name": "A User"}
	in := map[string]any{
		"id": id, "application_id": AppID, "type": inv.Type, "data": inv.Data, "token": token,
		"version": 1, "app_permissions": "2147483648", "locale": "en-US", "entitlements": []any{},
	}
	if inv.Message != nil {
		in["message"] = inv.Message
	}
	g, ch := place(inv.DM, inv.GuildID, inv.ChannelID)
	in["channel_id"] = ch
	if inv.DM {
		in["user"] = u
		in["context"] = 1
	} else {
		in["guild_id"], in["context"] = g, 0
		in["member"] = map[string]any{"user": u, "roles": []any{}, "permissions": "2147483648", "joined_at": "2026-01-01T00:00:00Z", "deaf": false, "mute": false}
		in["guild_locale"] = "en-US"
	}
	s.mu.Lock()
	s.interactions[token] = &Interaction{ID: id, Token: token, ChannelID: in["channel_id"].(string), created: time.Now()}
	s.mu.Unlock()
	s.Dispatch("INTERACTION_CREATE", in)
	return token
}

// dmChannelID is the DM channel used when a DM names none.
const dmChannelID = "710000000000000001"

// place is where a user acts: the guild and channel given, or the default
// guild's channel, or for a DM (no guild) the default DM channel.
func place(dm bool, guild, channel string) (g, ch string) {
	if dm {
		return "", cmp.Or(channel, dmChannelID)
	}
	return cmp.Or(guild, GuildID), cmp.Or(channel, ChannelID)
}

// Post describes a message a user posts.
type Post struct {
	Content string
	// MentionBot lists the bot among the message's mentions, as Discord
	// does when the content has <@BotUserID>.
	MentionBot bool
	UserID     string
	// Bot marks the author as a bot.
	Bot bool
	// DM posts in a DM channel with no guild.
	DM                 bool
	GuildID, ChannelID string
	// ReplyTo makes the message a reply to the message with this ID, with
	// its message_reference and referenced_message, as Discord sends them.
	ReplyTo string
}

// PostMessage dispatches a MESSAGE_CREATE and returns the message's ID.
func (s *Server) PostMessage(p Post) string {
	id := s.NewID()
	user := p.UserID
	if user == "" {
		user = UserID
	}
	mentions := []any{}
	if p.MentionBot {
		mentions = append(mentions, botUser())
	}
	m := map[string]any{
		"id": id, "content": p.Content, "type": 0, "timestamp": "2026-01-01T00:00:00Z",
		"author":   map[string]any{"id": user, "username": "user" + user[len(user)-4:], "discriminator": "0", "bot": p.Bot},
		"mentions": mentions, "mention_roles": []any{}, "mention_everyone": false,
		"embeds": []any{}, "attachments": []any{}, "tts": false, "pinned": false,
	}
	g, ch := place(p.DM, p.GuildID, p.ChannelID)
	m["channel_id"] = ch
	if !p.DM {
		m["guild_id"] = g
	}
	if p.ReplyTo != "" {
		s.reference(m, p.ReplyTo)
	}
	s.Dispatch("MESSAGE_CREATE", m)
	return id
}
