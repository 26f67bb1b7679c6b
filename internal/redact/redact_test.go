package redact

import "testing"

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://user:pass@host:8080/v1":   "http://[redacted]@host:8080/v1",
		"https://token@host/v1?x=a@b":     "https://[redacted]@host/v1?x=a@b",
		"http://a:b@c@host/v1":            "http://[redacted]@host/v1",
		"http://host/v1/users/me@example": "http://host/v1/users/me@example",
		"http://localhost:11434/v1":       "http://localhost:11434/v1",
		"http://us%zzer:pa ss@host/v1":    "http://[redacted]@host/v1",
		"not a url":                       "not a url",
		"":                                "",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestURLsIn(t *testing.T) {
	in := `Post "http://user:***@127.0.0.1:1/v1/embeddings": dial tcp; also https://k@h/x and http://plain/y`
	want := `Post "http://[redacted]@127.0.0.1:1/v1/embeddings": dial tcp; also https://[redacted]@h/x and http://plain/y`
	if got := URLsIn(in); got != want {
		t.Errorf("URLsIn = %q\nwant     %q", got, want)
	}
}
