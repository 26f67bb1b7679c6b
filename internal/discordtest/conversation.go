package discordtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Discord's limits on modals, text inputs and threads.
const (
	MaxModalTitle       = 45
	MaxModalRows        = 5
	MaxTextInputLabel   = 45
	MaxPlaceholder      = 100
	MaxTextInputLength  = 4000
	MaxThreadName       = 100
	typeActionRow       = 1
	typeTextInput       = 4
	interactionModalSub = 5
)

// Modal is a modal the bot responded with.
type Modal struct {
	CustomID string      `json:"custom_id"`
	Title    string      `json:"title"`
	Inputs   []TextInput `json:"-"`
}

// TextInput is a modal's text input.
type TextInput struct {
	Type        int    `json:"type"`
	CustomID    string `json:"custom_id"`
	Label       string `json:"label"`
	Style       int    `json:"style"`
	Placeholder string `json:"placeholder,omitempty"`
	Value       string `json:"value,omitempty"`
	Required    *bool  `json:"required,omitempty"`
	MinLength   *int   `json:"min_length,omitempty"`
	MaxLength   *int   `json:"max_length,omitempty"`
}

type modalBody struct {
	Data struct {
		CustomID   string `json:"custom_id"`
		Title      string `json:"title"`
		Components []struct {
			Type       int         `json:"type"`
			Components []TextInput `json:"components"`
		} `json:"components"`
	} `json:"data"`
}

// checkModal validates a type 9 callback against Discord's limits.
func checkModal(body []byte) []string {
	var b modalBody
	if err := json.Unmarshal(body, &b); err != nil {
		return []string{"data: " + err.Error()}
	}
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	d := b.Data
	if n := Len(d.CustomID); n == 0 || n > MaxCustomID {
		bad("custom_id: %d characters, want 1 to %d", n, MaxCustomID)
	}
	if n := Len(d.Title); n == 0 || n > MaxModalTitle {
		bad("title: %d characters, want 1 to %d", n, MaxModalTitle)
	}
	if len(d.Components) == 0 || len(d.Components) > MaxModalRows {
		bad("components: %d rows, want 1 to %d", len(d.Components), MaxModalRows)
	}
	for i, row := range d.Components {
		if row.Type != typeActionRow || len(row.Components) != 1 {
			bad("components[%d]: want an action row holding one text input", i)
			continue
		}
		in := row.Components[0]
		if in.Type != typeTextInput {
			bad("components[%d][0]: want a text input (type 4), got %d", i, in.Type)
		}
		if n := Len(in.CustomID); n == 0 || n > MaxCustomID {
			bad("components[%d][0].custom_id: %d characters, want 1 to %d", i, n, MaxCustomID)
		}
		if n := Len(in.Label); n == 0 || n > MaxTextInputLabel {
			bad("components[%d][0].label: %d characters, want 1 to %d", i, n, MaxTextInputLabel)
		}
		if in.Style != 1 && in.Style != 2 {
			bad("components[%d][0].style: %d, want 1 or 2", i, in.Style)
		}
		if Len(in.Placeholder) > MaxPlaceholder {
			bad("components[%d][0].placeholder: over %d characters", i, MaxPlaceholder)
		}
		if Len(in.Value) > MaxTextInputLength {
			bad("components[%d][0].value: over %d characters", i, MaxTextInputLength)
		}
		if in.MaxLength != nil && (*in.MaxLength < 1 || *in.MaxLength > MaxTextInputLength) {
			bad("components[%d][0].max_length: %d, want 1 to %d", i, *in.MaxLength, MaxTextInputLength)
		}
		if in.MinLength != nil && (*in.MinLength < 0 || *in.MinLength > MaxTextInputLength) {
			bad("components[%d][0].min_length: %d, want 0 to %d", i, *in.MinLength, MaxTextInputLength)
		}
	}
	return problems
}

func modalOf(body []byte) *Modal {
	var b modalBody
	_ = json.Unmarshal(body, &b)
	m := &Modal{CustomID: b.Data.CustomID, Title: b.Data.Title}
	for _, row := range b.Data.Components {
		m.Inputs = append(m.Inputs, row.Components...)
	}
	return m
}

// Thread is a thread the bot started on a message.
type Thread struct {
	ID        string
	ParentID  string
	MessageID string
	Name      string
	// AutoArchive is the auto_archive_duration asked for, in minutes.
	AutoArchive int
}

// Threads returns the threads the bot started, in order.
func (s *Server) Threads() []Thread {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Thread, 0, len(s.threads))
	for _, t := range s.threads {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Thread) int { return compareIDs(a.ID, b.ID) })
	return out
}

// findMessage finds a message the bot sent: through the channel endpoint,
// or as an interaction's response or followup. The caller holds s.mu.
func (s *Server) findMessage(id string) *Message {
	if m, ok := s.messages[id]; ok {
		return m
	}
	for _, in := range s.interactions {
		if in.Original != nil && in.Original.ID == id {
			return in.Original
		}
		for _, f := range in.Followups {
			if f.ID == id {
				return f
			}
		}
	}
	return nil
}

// startThread handles POST /channels/{channel}/messages/{message}/threads.
// The caller holds s.mu.
func (s *Server) startThread(channelID, messageID string, body []byte) (int, any, *apiError) {
	msg := s.findMessage(messageID)
	if msg == nil || msg.ChannelID != channelID || msg.Deleted || msg.Ephemeral() {
		return 0, nil, errUnknownMsg
	}
	var req struct {
		Name        string `json:"name"`
		AutoArchive int    `json:"auto_archive_duration"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, nil, errBadJSON
	}
	var problems []string
	if n := Len(req.Name); n == 0 || n > MaxThreadName {
		problems = append(problems, "name: "+strconv.Itoa(n)+" characters, want 1 to 100")
	}
	if req.AutoArchive != 0 && !slices.Contains([]int{60, 1440, 4320, 10080}, req.AutoArchive) {
		problems = append(problems, "auto_archive_duration: "+strconv.Itoa(req.AutoArchive))
	}
	if len(problems) > 0 {
		return 0, nil, &apiError{status: 400, code: 50035, message: "Invalid Form Body", errors: problems}
	}
	for _, t := range s.threads {
		if t.MessageID == messageID {
			return 0, nil, &apiError{status: 400, code: 160004, message: "A thread has already been created for this message"}
		}
	}
	t := &Thread{ID: s.snowflake(), ParentID: channelID, MessageID: messageID, Name: req.Name, AutoArchive: req.AutoArchive}
	s.threads[t.ID] = t
	return 200, map[string]any{
		"id": t.ID, "type": 11, "guild_id": GuildID, "parent_id": channelID, "name": t.Name, "owner_id": BotUserID,
		"message_count": 0, "member_count": 1, "rate_limit_per_user": 0, "flags": 0,
		"thread_metadata": map[string]any{"archived": false, "auto_archive_duration": max(t.AutoArchive, 1440), "locked": false},
	}, nil
}

// reference makes a posted message a reply. The caller does not hold s.mu.
func (s *Server) reference(m map[string]any, replyTo string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m["type"] = 19
	ref := map[string]any{"message_id": replyTo, "channel_id": m["channel_id"]}
	if g, ok := m["guild_id"]; ok {
		ref["guild_id"] = g
	}
	m["message_reference"] = ref
	if orig := s.findMessage(replyTo); orig != nil {
		m["referenced_message"] = messageJSON(orig)
	}
}

// ClickOn is a button press on a message the bot sent, as Discord sends
// it: with that message's channel, flags and components.
func ClickOn(customID string, m *Message) Invocation {
	inv := Click(customID, m.ID)
	inv.ChannelID = m.ChannelID
	msg := messageJSON(m)
	inv.Message = maps.Clone(msg)
	return inv
}

// ModalSubmit is the submission of a modal whose text inputs hold values,
// opened from a button on message m (nil for none).
func ModalSubmit(customID string, m *Message, values map[string]string) Invocation {
	var rows []any
	for _, k := range slices.Sorted(maps.Keys(values)) {
		rows = append(rows, map[string]any{"type": typeActionRow, "components": []any{
			map[string]any{"type": typeTextInput, "custom_id": k, "value": values[k]},
		}})
	}
	inv := Invocation{Type: interactionModalSub, Data: map[string]any{"custom_id": customID, "components": rows}}
	if m != nil {
		inv.ChannelID = m.ChannelID
		inv.Message = messageJSON(m)
	}
	return inv
}
