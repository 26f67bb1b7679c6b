// Package redact hides credentials in text meant for people: logs, command
// output and files.
package redact

import "strings"

// Mask replaces what is hidden.
const Mask = "[redacted]"

// URL hides the userinfo of a URL ("http://user:pass@host/v1" becomes
// "http://[redacted]@host/v1"). It works on the text, so a URL too broken
// to parse is redacted too; one without userinfo is returned as it is.
func URL(raw string) string {
	scheme := strings.Index(raw, "://")
	if scheme < 0 {
		return raw
	}
	rest := raw[scheme+3:]
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return raw
	}
	return raw[:scheme+3] + Mask + "@" + rest[at+1:]
}

// URLsIn redacts the userinfo of every URL in s, such as the one a
// *url.Error quotes.
func URLsIn(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + 3 + strings.IndexAny(s[i+3:]+" ", " \t\n\"'<>")
		b.WriteString(URL(s[:end]))
		s = s[end:]
	}
}
