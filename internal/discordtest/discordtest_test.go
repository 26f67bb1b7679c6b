package discordtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestCheckRejectsWhatDiscordRejects(t *testing.T) {
	field := Field{Name: "n", Value: "v"}
	many := func(n int) []Field {
		out := make([]Field, n)
		for i := range out {
			out[i] = Field{Name: "name", Value: strings.Repeat("v", 300)}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		m    Message
		code int
	}{
		{"fine", Message{Content: "hi"}, 0},
		{"empty", Message{}, 50006},
		{"content 2000", Message{Content: strings.Repeat("a", 2000)}, 0},
		{"content 2001", Message{Content: strings.Repeat("a", 2001)}, 50035},
		{"emoji count twice", Message{Content: strings.Repeat("🪖", 1001)}, 50035},
		{"description 4097", Message{Embeds: []Embed{{Description: strings.Repeat("d", 4097)}}}, 50035},
		{"26 fields", Message{Embeds: []Embed{{Fields: make([]Field, 26)}}}, 50035},
		{"field value 1025", Message{Embeds: []Embed{{Fields: []Field{{Name: "n", Value: strings.Repeat("v", 1025)}}}}}, 50035},
		{"empty field", Message{Embeds: []Embed{{Fields: []Field{{Name: "n"}}}}}, 50035},
		{"6000 in all", Message{Embeds: []Embed{{Fields: many(20)}, {Fields: many(2)}}}, 50035},
		{"11 embeds", Message{Embeds: make([]Embed, 11)}, 50035},
		{"a field is enough", Message{Embeds: []Embed{{Fields: []Field{field}}}}, 0},
		{"six rows", Message{Components: json.RawMessage(strings.Repeat(`{"type":1,"components":[{"type":2,"label":"x","custom_id":"x"}]},`, 6))}, 50035},
		{"button without label", Message{Components: json.RawMessage(`[{"type":1,"components":[{"type":2,"custom_id":"x"}]}]`)}, 50035},
		{"buttons only", Message{Components: json.RawMessage(`[{"type":1,"components":[{"type":2,"label":"x","custom_id":"x"}]}]`)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			if len(m.Components) > 0 && m.Components[0] != '[' {
				m.Components = json.RawMessage("[" + strings.TrimSuffix(string(m.Components), ",") + "]")
			}
			if code, problems := check(&m); code != tc.code {
				t.Errorf("code %d (%v), want %d", code, problems, tc.code)
			}
		})
	}
}

func TestNoMentions(t *testing.T) {
	for raw, want := range map[string]bool{
		`{"parse":[]}`:                        true,
		`{"parse":[],"replied_user":false}`:   true,
		`{"parse":null}`:                      false,
		`{}`:                                  false,
		`{"parse":["users"]}`:                 false,
		`{"parse":[],"users":["1"]}`:          false,
		`{"parse":[],"replied_user":true}`:    false,
		``:                                    false,
		`{"parse":[],"roles":["2"]}`:          false,
		`{"parse":["everyone","roles"]}`:      false,
		`{"parse":[], "replied_user": false}`: true,
	} {
		var am json.RawMessage
		if raw != "" {
			am = json.RawMessage(raw)
		}
		if got := NoMentions(am); got != want {
			t.Errorf("NoMentions(%s) = %v, want %v", raw, got, want)
		}
	}
}

func TestAuthFaultsAndRecording(t *testing.T) {
	s := New(t)
	get := func(auth string) (int, string) {
		req, _ := http.NewRequest("GET", s.URL+"/api/v9/users/@me", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get(""); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if code, body := get("Bot " + s.Token); code != 200 || !strings.Contains(body, BotUserID) {
		t.Errorf("with the token: %d %s", code, body)
	}
	s.Inject(Fault{PathContains: "/users/", Status: 429, RetryAfter: 0.25})
	s.Inject(Fault{PathContains: "/users/", Status: 500})
	if code, body := get("Bot " + s.Token); code != 429 || !strings.Contains(body, `"retry_after":0.25`) {
		t.Errorf("429: %d %s", code, body)
	}
	if code, _ := get("Bot " + s.Token); code != 500 {
		t.Errorf("500: %d", code)
	}
	if code, _ := get("Bot " + s.Token); code != 200 {
		t.Errorf("after the faults: %d", code)
	}
	var statuses []int
	for _, c := range s.CallsTo("GET", "/users/@me") {
		statuses = append(statuses, c.Status)
	}
	if len(statuses) != 5 || statuses[2] != 429 || statuses[3] != 500 {
		t.Errorf("recorded statuses = %v", statuses)
	}
}

func TestCommandsAreStoredAsDiscordAnswers(t *testing.T) {
	s := New(t)
	s.SetCommands(GuildID, []map[string]any{{
		"name": "ask", "description": "Ask", "options": []any{
			map[string]any{"type": 3, "name": "q", "description": "d", "required": false, "choices": nil, "autocomplete": false},
		},
	}})
	got := s.Commands(GuildID)
	if len(got) != 1 || got[0]["id"] == nil || got[0]["guild_id"] != GuildID || got[0]["type"] != 1 {
		t.Fatalf("stored: %v", got)
	}
	opt := got[0]["options"].([]any)[0].(map[string]any)
	for _, k := range []string{"required", "choices", "autocomplete"} {
		if _, ok := opt[k]; ok {
			t.Errorf("option keeps %q: %v", k, opt)
		}
	}
	if len(s.Commands("")) != 0 {
		t.Error("guild commands leaked into the global scope")
	}
}
