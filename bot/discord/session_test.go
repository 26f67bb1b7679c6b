package discord

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestNewSessionSendsRESTToTheAPIURL(t *testing.T) {
	for _, tc := range []struct{ base, want string }{
		{"", "/api/v9/users/@me"},
		{"/proxy", "/proxy/api/v9/users/@me"},
		{"/proxy/", "/proxy/api/v9/users/@me"},
	} {
		var path, auth string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			path, auth = r.URL.Path, r.Header.Get("Authorization")
			w.Write([]byte(`{"id":"1","username":"bot"}`))
		}))
		s, err := NewSession("Bot secret", srv.URL+tc.base)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.User("@me"); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		if path != tc.want || auth != "Bot secret" {
			t.Errorf("base %q: request to %q with %q, want %q with the bot token", tc.base, path, auth, tc.want)
		}
		if s.Identify.Intents != Intents {
			t.Errorf("intents = %v", s.Identify.Intents)
		}
	}
}

func TestNewSessionRejectsBadSettings(t *testing.T) {
	for _, tc := range []struct{ token, url string }{
		{"", ""}, {"  ", "https://discord.com"}, {"t", "ftp://example.org"}, {"t", "not a url"},
	} {
		if _, err := NewSession(tc.token, tc.url); err == nil {
			t.Errorf("NewSession(%q, %q) succeeded", tc.token, tc.url)
		}
	}
	s, err := NewSession("t", DefaultAPIURL)
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := s.Client.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("the default API URL should need no rewriting: %T", s.Client.Transport)
	}
	// A burst of replies reuses connections to the one host.
	if tr.MaxIdleConnsPerHost < 32 {
		t.Errorf("MaxIdleConnsPerHost = %d", tr.MaxIdleConnsPerHost)
	}
}
