package discordtest

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Response types of the interaction callback.
const (
	CallbackMessage        = 4
	CallbackDeferred       = 5
	CallbackDeferredUpdate = 6
	CallbackUpdate         = 7
	CallbackAutocomplete   = 8
	CallbackModal          = 9
)

// Interaction is what the bot did with one interaction.
type Interaction struct {
	ID        string
	Token     string
	ChannelID string
	// Callbacks lists the response types the bot sent, in order; Discord
	// accepts only one.
	Callbacks []int
	// Original is the response message, nil until the bot responds with a
	// message or defers.
	Original *Message
	// Followups are the followup messages, in order.
	Followups []*Message
	// Choices are the autocomplete choices of a type 8 response.
	Choices []Choice

	// created is when the interaction was dispatched; its response is
	// accepted for CallbackWindow after.
	created time.Time
	// Modal is the modal of a type 9 response.
	Modal *Modal
}

// Choice is an autocomplete choice.
type Choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Messages lists the interaction's visible messages: the original response
// unless deleted, then the followups.
func (i *Interaction) Messages() []*Message {
	var out []*Message
	if i.Original != nil && !i.Original.Deleted {
		out = append(out, i.Original)
	}
	return append(out, i.Followups...)
}

// Text joins the content of the interaction's visible messages.
func (i *Interaction) Text() string {
	var parts []string
	for _, m := range i.Messages() {
		parts = append(parts, m.Content)
	}
	return strings.Join(parts, "\n")
}

// Interaction returns a snapshot of what the bot did with the interaction
// whose token is given, or nil if the fake never dispatched it.
func (s *Server) Interaction(token string) *Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.interactions[token]
	if !ok {
		return nil
	}
	cp := *in
	cp.Callbacks = slices.Clone(in.Callbacks)
	cp.Choices = slices.Clone(in.Choices)
	if in.Original != nil {
		o := *in.Original
		cp.Original = &o
	}
	cp.Followups = nil
	for _, f := range in.Followups {
		m := *f
		cp.Followups = append(cp.Followups, &m)
	}
	return &cp
}

// ChannelMessages returns the messages the bot posted in a channel through
// the channel messages endpoint (replies to mentions and DMs), in order.
func (s *Server) ChannelMessages(channelID string) []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Message
	for _, m := range s.messages {
		if m.ChannelID == channelID {
			cp := *m
			out = append(out, &cp)
		}
	}
	slices.SortFunc(out, func(a, b *Message) int { return compareIDs(a.ID, b.ID) })
	return out
}

func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// Commands returns the application commands registered in scope: "" for
// global, or a guild ID.
func (s *Server) Commands(scope string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[scope])
}

type apiError struct {
	status  int
	code    int
	message string
	errors  []string
}

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	call := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), Body: body, At: time.Now()}

	s.mu.Lock()
	f := s.takeFault(r.Method, r.URL.Path)
	if f != nil && f.Delay > 0 {
		// Held without the lock, so other requests go on meanwhile.
		s.mu.Unlock()
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
			s.mu.Lock()
		case <-r.Context().Done():
			t.Stop()
			s.mu.Lock()
			s.calls = append(s.calls, call)
			s.notify()
			s.mu.Unlock()
			return
		}
		if f.Status == 0 && !f.Lost {
			f = nil
		}
	}
	defer s.mu.Unlock()
	defer s.notify()

	if f != nil && !f.Lost {
		call.Status, call.Code = f.Status, f.Code
		s.calls = append(s.calls, call)
		if f.Status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter))))
			writeJSON(w, f.Status, map[string]any{"message": "You are being rate limited.", "retry_after": f.RetryAfter, "global": false})
			return
		}
		msg := strconv.Itoa(f.Status) + ": " + http.StatusText(f.Status)
		if f.Code == CodeUnknownInteraction {
			msg = errUnknownInter.message
		}
		writeJSON(w, f.Status, map[string]any{"message": msg, "code": f.Code})
		return
	}

	status, resp, aerr := s.route(r, body)
	if f != nil {
		s.calls = append(s.calls, call)
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	if aerr != nil {
		call.Status, call.Code = aerr.status, aerr.code
		s.calls = append(s.calls, call)
		out := map[string]any{"message": aerr.message, "code": aerr.code}
		if len(aerr.errors) > 0 {
			out["errors"] = map[string]any{"_problems": aerr.errors}
		}
		writeJSON(w, aerr.status, out)
		return
	}
	call.Status = status
	s.calls = append(s.calls, call)
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, resp)
}

func (s *Server) takeFault(method, path string) *Fault {
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == method) && strings.Contains(path, f.PathContains) {
			f.Times--
			if f.Times <= 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
			return f
		}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var (
	errNotFound     = &apiError{status: 404, code: 0, message: "404: Not Found"}
	errUnauthorized = &apiError{status: 401, code: 0, message: "401: Unauthorized"}
	errUnknownMsg   = &apiError{status: 404, code: 10008, message: "Unknown Message"}
	errUnknownInter = &apiError{status: 404, code: 10062, message: "Unknown interaction"}
	errAcked        = &apiError{status: 400, code: 40060, message: "Interaction has already been acknowledged."}
	errBadJSON      = &apiError{status: 400, code: 50109, message: "The request body contains invalid JSON."}
)

// route handles one REST request. The caller holds s.mu.
func (s *Server) route(r *http.Request, body []byte) (int, any, *apiError) {
	p := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v9/"), "/")
	m := r.Method
	authed := r.Header.Get("Authorization") == "Bot "+s.Token
	switch {
	// Interaction callbacks and webhooks authenticate by their token.
	case len(p) == 4 && p[0] == "interactions" && p[3] == "callback" && m == "POST":
		return s.callback(p[1], p[2], body)
	case len(p) >= 3 && p[0] == "webhooks":
		return s.webhook(m, p, r.URL.Query().Get("wait") == "true", body)
	case len(p) == 1 && p[0] == "gateway" && m == "GET":
		return 200, map[string]any{"url": s.gatewayURL()}, nil
	case !authed:
		return 0, nil, errUnauthorized
	case len(p) == 2 && p[0] == "gateway" && p[1] == "bot" && m == "GET":
		return 200, map[string]any{"url": s.gatewayURL(), "shards": 1,
			"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}, nil
	case len(p) == 2 && p[0] == "users" && p[1] == "@me" && m == "GET":
		return 200, botUser(), nil
	case len(p) >= 3 && p[0] == "applications" && p[1] == AppID && p[len(p)-1] == "commands":
		scope := ""
		if len(p) == 5 && p[2] == "guilds" {
			scope = p[3]
		} else if len(p) != 3 {
			return 0, nil, errNotFound
		}
		switch m {
		case "GET":
			return 200, s.commands[scope], nil
		case "PUT":
			return s.putCommands(scope, body)
		}
	case len(p) == 3 && p[0] == "channels" && p[2] == "typing" && m == "POST":
		return http.StatusNoContent, nil, nil
	case len(p) == 3 && p[0] == "channels" && p[2] == "messages" && m == "POST":
		return s.createMessage(p[1], body, true, func(msg *Message) { s.messages[msg.ID] = msg })
	case len(p) == 5 && p[0] == "channels" && p[2] == "messages" && p[4] == "threads" && m == "POST":
		return s.startThread(p[1], p[3], body)
	case len(p) == 4 && p[0] == "channels" && p[2] == "messages" && m == "PATCH":
		msg, ok := s.messages[p[3]]
		if !ok || msg.ChannelID != p[1] {
			return 0, nil, errUnknownMsg
		}
		return s.editMessage(msg, body)
	}
	return 0, nil, errNotFound
}

func botUser() map[string]any {
	return map[string]any{"id": BotUserID, "username": "articlebot", "discriminator": "0", "bot": true}
}

func (s *Server) callback(id, token string, body []byte) (int, any, *apiError) {
	in, ok := s.interactions[token]
	if !ok || in.ID != id || (s.CallbackWindow > 0 && time.Since(in.created) > s.CallbackWindow) {
		return 0, nil, errUnknownInter
	}
	var req struct {
		Type int `json:"type"`
		Data *struct {
			messageBody
			Choices []Choice `json:"choices"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, nil, errBadJSON
	}
	if len(in.Callbacks) > 0 {
		return 0, nil, errAcked
	}
	switch req.Type {
	case CallbackDeferred, CallbackMessage, CallbackUpdate, CallbackDeferredUpdate:
		msg := &Message{ChannelID: in.ChannelID}
		if req.Data != nil {
			req.Data.apply(msg)
			msg.Flags = req.Data.Flags
		}
		if req.Type == CallbackMessage || req.Type == CallbackUpdate {
			if code, problems := check(msg); code != 0 {
				return 0, nil, &apiError{status: 400, code: code, message: "Invalid Form Body", errors: problems}
			}
		}
		if req.Type == CallbackMessage || req.Type == CallbackDeferred {
			msg.ID = s.snowflake()
			in.Original = msg
		}
	case CallbackModal:
		if problems := checkModal(body); len(problems) > 0 {
			return 0, nil, &apiError{status: 400, code: 50035, message: "Invalid Form Body", errors: problems}
		}
		in.Modal = modalOf(body)
	case CallbackAutocomplete:
		if req.Data == nil {
			return 0, nil, &apiError{status: 400, code: 50035, message: "Invalid Form Body", errors: []string{"data: required"}}
		}
		var problems []string
		if len(req.Data.Choices) > MaxChoices {
			problems = append(problems, "choices: over 25")
		}
		for _, c := range req.Data.Choices {
			v, _ := c.Value.(string)
			if n := Len(c.Name); n == 0 || n > MaxChoiceName || Len(v) > MaxChoiceName {
				problems = append(problems, "choice "+strconv.Quote(c.Name)+": name and value must be 1 to 100 characters")
			}
		}
		if len(problems) > 0 {
			return 0, nil, &apiError{status: 400, code: 50035, message: "Invalid Form Body", errors: problems}
		}
		in.Choices = req.Data.Choices
	default:
		return 0, nil, &apiError{status: 400, code: 50035, message: "Invalid Form Body", errors: []string{"type: unsupported " + strconv.Itoa(req.Type)}}
	}
	in.Callbacks = append(in.Callbacks, req.Type)
	return http.StatusNoContent, nil, nil
}

// webhook handles /webhooks/{app}/{token}[/messages/{id}].
func (s *Server) webhook(method string, p []string, wait bool, body []byte) (int, any, *apiError) {
	if p[1] != AppID {
		return 0, nil, &apiError{status: 404, code: 10015, message: "Unknown Webhook"}
	}
	in, ok := s.interactions[p[2]]
	if !ok {
		return 0, nil, &apiError{status: 404, code: 10015, message: "Unknown Webhook"}
	}
	if len(in.Callbacks) == 0 {
		// Discord has no message to edit or follow up before the response.
		return 0, nil, errUnknownMsg
	}
	switch {
	case len(p) == 3 && method == "POST":
		return s.createMessage(in.ChannelID, body, wait, func(msg *Message) { in.Followups = append(in.Followups, msg) })
	case len(p) == 5 && p[3] == "messages":
		msg := in.Original
		if p[4] != "@original" {
			msg = nil
			for _, f := range in.Followups {
				if f.ID == p[4] {
					msg = f
				}
			}
		}
		if msg == nil || msg.Deleted {
			return 0, nil, errUnknownMsg
		}
		switch method {
		case "PATCH":
			return s.editMessage(msg, body)
		case "DELETE":
			msg.Deleted = true
			return http.StatusNoContent, nil, nil
		case "GET":
			return 200, messageJSON(msg), nil
		}
	}
	return 0, nil, errNotFound
}

func (s *Server) createMessage(channelID string, body []byte, wait bool, store func(*Message)) (int, any, *apiError) {
	var b messageBody
	if err := json.Unmarshal(body, &b); err != nil {
		return 0, nil, errBadJSON
	}
	msg := &Message{ChannelID: channelID, Flags: b.Flags}
	b.apply(msg)
	if code, problems := check(msg); code != 0 {
		return 0, nil, &apiError{status: 400, code: code, message: "Invalid Form Body", errors: problems}
	}
	msg.ID = s.snowflake()
	store(msg)
	if !wait {
		return http.StatusNoContent, nil, nil
	}
	return 200, messageJSON(msg), nil
}

func (s *Server) editMessage(msg *Message, body []byte) (int, any, *apiError) {
	var b messageBody
	if err := json.Unmarshal(body, &b); err != nil {
		return 0, nil, errBadJSON
	}
	next := *msg
	b.apply(&next)
	if code, problems := check(&next); code != 0 {
		return 0, nil, &apiError{status: 400, code: code, message: "Invalid Form Body", errors: problems}
	}
	next.Edits++
	*msg = next
	return 200, messageJSON(msg), nil
}

func messageJSON(m *Message) map[string]any {
	var comps any = []any{}
	if len(m.Components) > 0 {
		comps = json.RawMessage(m.Components)
	}
	embeds := m.Embeds
	if embeds == nil {
		embeds = []Embed{}
	}
	return map[string]any{
		"id": m.ID, "channel_id": m.ChannelID, "content": m.Content, "embeds": embeds,
		"components": comps, "flags": m.Flags, "author": botUser(), "type": 0,
		"timestamp": time.Now().UTC().Format(time.RFC3339), "tts": false, "pinned": false,
		"mentions": []any{}, "mention_roles": []any{}, "attachments": []any{}, "mention_everyone": false,
	}
}

// putCommands replaces a scope's commands, answering as Discord does: with
// IDs, versions and defaults added, and null, false and empty option fields
// left out.
func (s *Server) putCommands(scope string, body []byte) (int, any, *apiError) {
	var cmds []map[string]any
	if err := json.Unmarshal(body, &cmds); err != nil {
		return 0, nil, errBadJSON
	}
	out := make([]map[string]any, 0, len(cmds))
	for _, c := range cmds {
		c = compact(c).(map[string]any)
		c["id"] = s.snowflake()
		c["application_id"] = AppID
		c["version"] = s.snowflake()
		c["default_member_permissions"] = nil
		c["nsfw"] = false
		if _, ok := c["type"]; !ok {
			c["type"] = 1
		}
		if _, ok := c["description"]; !ok {
			c["description"] = ""
		}
		if scope != "" {
			c["guild_id"] = scope
		}
		out = append(out, c)
	}
	s.commands[scope] = out
	return 200, out, nil
}

// compact drops null, false and empty values, recursively.
func compact(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			x = compact(x)
			switch y := x.(type) {
			case nil:
				continue
			case bool:
				if !y {
					continue
				}
			case []any:
				if len(y) == 0 {
					continue
				}
			}
			out[k] = x
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = compact(x)
		}
		return out
	}
	return v
}

// SetCommands installs commands in a scope as if registered earlier.
func (s *Server) SetCommands(scope string, cmds []map[string]any) {
	b, _ := json.Marshal(cmds)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putCommands(scope, bytes.Clone(b))
	s.notify()
}
