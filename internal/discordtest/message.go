package discordtest

import (
	"encoding/json"
	"fmt"
	"unicode/utf16"
)

// Discord's message limits. Lengths are counted in UTF-16 code units, as
// Discord's clients count characters.
const (
	MaxContent          = 2000
	MaxEmbeds           = 10
	MaxEmbedTitle       = 256
	MaxEmbedDescription = 4096
	MaxFields           = 25
	MaxFieldName        = 256
	MaxFieldValue       = 1024
	MaxFooter           = 2048
	MaxAuthorName       = 256
	MaxEmbedsTotal      = 6000
	MaxRows             = 5
	MaxButtonsPerRow    = 5
	MaxCustomID         = 100
	MaxButtonLabel      = 80
	MaxChoices          = 25
	MaxChoiceName       = 100
)

// Len counts s as Discord does, in UTF-16 code units.
func Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Message is a message as the bot last sent or edited it.
type Message struct {
	ID        string
	ChannelID string
	Content   string
	Embeds    []Embed
	// Components is the raw components JSON as sent.
	Components json.RawMessage
	Flags      int
	// AllowedMentions is the raw allowed_mentions object of the last
	// request that created or edited the message; nil when it had none.
	AllowedMentions json.RawMessage
	Reference       *Reference
	Deleted         bool
	Edits           int
}

// Ephemeral reports whether only the invoking user sees the message.
func (m *Message) Ephemeral() bool { return m.Flags&64 != 0 }

// Buttons lists the message's buttons.
func (m *Message) Buttons() []Component {
	var rows []struct {
		Components []Component `json:"components"`
	}
	_ = json.Unmarshal(m.Components, &rows)
	var out []Component
	for _, r := range rows {
		out = append(out, r.Components...)
	}
	return out
}

// Embed is a message embed.
type Embed struct {
	Title       string  `json:"title,omitempty"`
	Description string  `json:"description,omitempty"`
	Fields      []Field `json:"fields,omitempty"`
	Footer      *struct {
		Text string `json:"text"`
	} `json:"footer,omitempty"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author,omitempty"`
	Color int `json:"color,omitempty"`
}

// Field is an embed field.
type Field struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

// Component is a button (or any other component inside an action row).
type Component struct {
	Type     int    `json:"type"`
	Style    int    `json:"style,omitempty"`
	Label    string `json:"label,omitempty"`
	CustomID string `json:"custom_id,omitempty"`
	URL      string `json:"url,omitempty"`
	Emoji    *struct {
		Name string `json:"name"`
	} `json:"emoji,omitempty"`
	Components []Component `json:"components,omitempty"`
}

// Reference is a reply's message_reference.
type Reference struct {
	MessageID string `json:"message_id"`
	ChannelID string `json:"channel_id,omitempty"`
	GuildID   string `json:"guild_id,omitempty"`
}

// messageBody is the message part of every request that creates or edits a
// message. Pointers tell "absent" (keep) from "empty" (clear) on edits.
type messageBody struct {
	Content         *string          `json:"content"`
	Embeds          *[]Embed         `json:"embeds"`
	Components      *json.RawMessage `json:"components"`
	Flags           int              `json:"flags"`
	AllowedMentions json.RawMessage  `json:"allowed_mentions"`
	Reference       *Reference       `json:"message_reference"`
}

// apply writes the body over m, as a create or an edit.
func (b *messageBody) apply(m *Message) {
	if b.Content != nil {
		m.Content = *b.Content
	}
	if b.Embeds != nil {
		m.Embeds = *b.Embeds
	}
	if b.Components != nil && string(*b.Components) != "null" {
		m.Components = *b.Components
	}
	if b.Components != nil && string(*b.Components) == "null" {
		m.Components = nil
	}
	if b.AllowedMentions != nil && string(b.AllowedMentions) != "null" {
		m.AllowedMentions = b.AllowedMentions
	} else {
		m.AllowedMentions = nil
	}
	if b.Reference != nil {
		m.Reference = b.Reference
	}
}

// check validates a message against Discord's limits; Discord answers a
// violation with 400 Invalid Form Body (50035) or, for an empty message,
// 50006.
func check(m *Message) (code int, problems []string) {
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	if n := Len(m.Content); n > MaxContent {
		bad("content: %d characters, the limit is %d", n, MaxContent)
	}
	if len(m.Embeds) > MaxEmbeds {
		bad("embeds: %d, the limit is %d", len(m.Embeds), MaxEmbeds)
	}
	total := 0
	for i, e := range m.Embeds {
		limit := func(what string, s string, max int) {
			n := Len(s)
			total += n
			if n > max {
				bad("embeds[%d].%s: %d characters, the limit is %d", i, what, n, max)
			}
		}
		limit("title", e.Title, MaxEmbedTitle)
		limit("description", e.Description, MaxEmbedDescription)
		if e.Footer != nil {
			limit("footer.text", e.Footer.Text, MaxFooter)
		}
		if e.Author != nil {
			limit("author.name", e.Author.Name, MaxAuthorName)
		}
		if len(e.Fields) > MaxFields {
			bad("embeds[%d].fields: %d, the limit is %d", i, len(e.Fields), MaxFields)
		}
		for j, f := range e.Fields {
			if f.Name == "" || f.Value == "" {
				bad("embeds[%d].fields[%d]: name and value are required", i, j)
			}
			limit(fmt.Sprintf("fields[%d].name", j), f.Name, MaxFieldName)
			limit(fmt.Sprintf("fields[%d].value", j), f.Value, MaxFieldValue)
		}
		if e.Title == "" && e.Description == "" && len(e.Fields) == 0 {
			bad("embeds[%d]: empty embed", i)
		}
	}
	if total > MaxEmbedsTotal {
		bad("embeds: %d characters in all, the limit is %d", total, MaxEmbedsTotal)
	}
	buttons := 0
	if len(m.Components) > 0 {
		var rows []Component
		if err := json.Unmarshal(m.Components, &rows); err != nil {
			bad("components: %v", err)
		}
		if len(rows) > MaxRows {
			bad("components: %d rows, the limit is %d", len(rows), MaxRows)
		}
		for i, r := range rows {
			if r.Type != 1 {
				bad("components[%d]: want an action row (type 1), got type %d", i, r.Type)
			}
			if len(r.Components) == 0 || len(r.Components) > MaxButtonsPerRow {
				bad("components[%d]: %d buttons, want 1 to %d", i, len(r.Components), MaxButtonsPerRow)
			}
			for j, c := range r.Components {
				buttons++
				if c.Type != 2 {
					bad("components[%d][%d]: want a button (type 2), got %d", i, j, c.Type)
				}
				if c.CustomID == "" && c.URL == "" {
					bad("components[%d][%d]: custom_id is required", i, j)
				}
				if Len(c.CustomID) > MaxCustomID {
					bad("components[%d][%d].custom_id: over %d characters", i, j, MaxCustomID)
				}
				if Len(c.Label) > MaxButtonLabel {
					bad("components[%d][%d].label: over %d characters", i, j, MaxButtonLabel)
				}
				if c.Label == "" && c.Emoji == nil {
					bad("components[%d][%d]: a label or an emoji is required", i, j)
				}
			}
		}
	}
	if len(problems) > 0 {
		return 50035, problems
	}
	if m.Content == "" && len(m.Embeds) == 0 && buttons == 0 {
		return 50006, []string{"Cannot send an empty message"}
	}
	return 0, nil
}

// NoMentions reports whether raw is an allowed_mentions object that lets
// nothing be pinged: parse is a (non-null) empty list, no users or roles are
// listed, and a reply doesn't ping its author.
func NoMentions(raw json.RawMessage) bool {
	if raw == nil {
		return false
	}
	var am struct {
		Parse       *[]string `json:"parse"`
		Users       []string  `json:"users"`
		Roles       []string  `json:"roles"`
		RepliedUser bool      `json:"replied_user"`
	}
	if err := json.Unmarshal(raw, &am); err != nil {
		return false
	}
	return am.Parse != nil && len(*am.Parse) == 0 && len(am.Users) == 0 && len(am.Roles) == 0 && !am.RepliedUser
}
