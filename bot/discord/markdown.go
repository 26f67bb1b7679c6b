package discord

import (
	"regexp"
	"strings"
)

// Discord renders Markdown in message content, embed descriptions, titles
// and field names and values, and links what looks like a URL. Text the bot
// didn't write (article quotes, section names, model output) must show as
// written and link nowhere: a story's own url is the only link the bot
// makes. Embed footers and author names are plain text and stay as they are.

// mdSpecial are the characters that start Markdown, a mention (<@…>), a
// masked link ([…](…)), a quote (>) or a heading (#) on Discord.
const mdSpecial = "\\*_~`|[]<>#"

// escapeMarkdown makes s show literally: each Markdown character gets a
// backslash, and "://" is broken so that no URL is linked.
func escapeMarkdown(s string) string {
	if !strings.ContainsAny(s, mdSpecial) && !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(mdSpecial, c) >= 0:
			b.WriteByte('\\')
		case c == '/' && i > 0 && s[i-1] == ':' && strings.HasPrefix(s[i:], "//"):
			// "https:\/\/…" shows as the URL, unlinked.
			b.WriteByte('\\')
		case c == '/' && i > 1 && s[i-1] == '/' && s[i-2] == ':':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

var (
	// maskedLink is [text](url), with an optional <…> around the url and
	// an optional title.
	maskedLink = regexp.MustCompile(`\[([^\[\]\n]*)\]\(\s*<?[^()\s<>]*>?(?:\s+"[^"\n]*")?\s*\)`)
	// heading is a Markdown heading or Discord's "-#" subtext at the start
	// of a line.
	heading = regexp.MustCompile(`(?m)^[ \t]{0,3}(?:#{1,6}|-#)[ \t]+`)
	// citation is the bot's own [n] marker, kept as is.
	citation = regexp.MustCompile(`\[\d+\]`)
	// emphasis markers a model writes for bold and underline.
	emphasis = strings.NewReplacer("**", "", "__", "")
)

// modelText prepares an answer or summary (the model's words, or the
// article's) for Discord: masked links keep only their text, headings and
// bold markers go, and the rest is escaped, except the bot's own [n]
// citation markers and line-leading "- " bullets, which can't link.
func modelText(s string) string {
	s = maskedLink.ReplaceAllString(s, "$1")
	s = heading.ReplaceAllString(s, "")
	s = emphasis.Replace(s)
	var b strings.Builder
	last := 0
	for _, m := range citation.FindAllStringIndex(s, -1) {
		b.WriteString(escapeMarkdown(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(escapeMarkdown(s[last:]))
	return b.String()
}
