package discordtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
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

func TestCallbackFaultsAndWindow(t *testing.T) {
	s := New(t)
	respond := func(token string, timeout time.Duration) (int, int, error) {
		in := s.Interaction(token)
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", s.URL+"/api/v9/interactions/"+in.ID+"/"+token+"/callback",
			strings.NewReader(`{"type":5,"data":{"allowed_mentions":{"parse":[]}}}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		var body struct {
			Code int `json:"code"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.Code, nil
	}
	ask := func() string { return s.Interact(Slash("ask", String("question", "q"))) }

	t.Run("fails N times", func(t *testing.T) {
		token := ask()
		s.Inject(Fault{PathContains: token, Status: 500, Times: 2})
		for i, want := range []int{500, 500, 204} {
			if status, _, err := respond(token, 5*time.Second); err != nil || status != want {
				t.Errorf("attempt %d: %d %v, want %d", i+1, status, err, want)
			}
		}
		if in := s.Interaction(token); len(in.Callbacks) != 1 {
			t.Errorf("callbacks = %v", in.Callbacks)
		}
	})
	t.Run("times out", func(t *testing.T) {
		token := ask()
		s.Inject(Fault{PathContains: token, Delay: time.Hour})
		if _, _, err := respond(token, 50*time.Millisecond); err == nil {
			t.Fatal("a held request was answered")
		}
		// The request that timed out was never handled; the next one is.
		if in := s.Interaction(token); len(in.Callbacks) != 0 {
			t.Errorf("the timed-out response was taken: %v", in.Callbacks)
		}
		// The fake notices the client gone a moment later.
		s.WaitFor(t, "the abandoned request to be recorded", func() bool { return len(s.CallsTo("POST", token)) == 1 })
		if calls := s.CallsTo("POST", token); calls[0].Status != 0 {
			t.Errorf("recorded: %v", calls)
		}
		if status, _, err := respond(token, 5*time.Second); err != nil || status != 204 {
			t.Errorf("after the timeout: %d %v", status, err)
		}
	})
	t.Run("slow but handled", func(t *testing.T) {
		token := ask()
		s.Inject(Fault{PathContains: token, Delay: time.Millisecond})
		if status, _, err := respond(token, 5*time.Second); err != nil || status != 204 {
			t.Errorf("slow response: %d %v", status, err)
		}
	})
	t.Run("unknown interaction", func(t *testing.T) {
		token := ask()
		s.Inject(Fault{PathContains: token, Status: 404, Code: CodeUnknownInteraction})
		if status, code, err := respond(token, 5*time.Second); err != nil || status != 404 || code != CodeUnknownInteraction {
			t.Errorf("injected 10062: %d %d %v", status, code, err)
		}
	})
	t.Run("after the window", func(t *testing.T) {
		s := New(t)
		s.CallbackWindow = time.Nanosecond
		token := s.Interact(Slash("ask"))
		in := s.Interaction(token)
		resp, err := http.Post(s.URL+"/api/v9/interactions/"+in.ID+"/"+token+"/callback", "application/json", strings.NewReader(`{"type":5}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if calls := s.CallsTo("POST", token); len(calls) != 1 || calls[0].Status != 404 || calls[0].Code != CodeUnknownInteraction {
			t.Errorf("a late response: %v", calls)
		}
	})
}
