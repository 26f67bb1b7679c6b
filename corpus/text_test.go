package corpus

import (
	"strings"
	"testing"
)

func TestStripControl(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":                       "plain text",
		"keeps\nnewlines\tand tabs":        "keeps\nnewlines\tand tabs",
		"\x1b[31mred\x1b[0m":               "red",
		"\x1b[1;31mbold red\x1b[m now":     "bold red now",
		"\x1b]8;;http://x\x07link\x1b]8;;": "link]8;;",
		"\x1b]0;title\x1b\\after":          "after",
		"cut short \x1b[31":                "cut short [31",
		"osc\x1b]0;no end\nnext":           "osc]0;no end\nnext",
		"trailing esc\x1b":                 "trailing esc",
		"nul\x00 del\x7f c1\u0085\u009b":   "nul del c1",
		"crlf\r\nline":                     "crlf\nline",
		"lone\rcr":                         "lone\ncr",
		"Kim’s “heyday” — ünïcode":         "Kim’s “heyday” — ünïcode",
		"half a rune \xe2\x80\x1b":         "half a rune \ufffd\ufffd",
		"\xc2\x1d\x82":                     "\ufffd\ufffd",
	} {
		if got := StripControl(in); got != want {
			t.Errorf("StripControl(%q) = %q, want %q", in, got, want)
		}
	}
}

// Articles are loaded without control characters, so that no passage,
// quote or title can drive the reader's terminal.
func TestParseStripsControlCharacters(t *testing.T) {
	a, err := Parse("esc.txt", "---\ntitle: Evil \x1b]0;pwned\x07title\n---\nNorth Korea sent \x1b[2Jtroops.\x00\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{a.Title, a.Text, a.Paragraphs[0].Text} {
		if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' }) {
			t.Errorf("control character kept in %q", s)
		}
	}
	if a.Paragraphs[0].Text != "North Korea sent troops." {
		t.Errorf("paragraph = %q", a.Paragraphs[0].Text)
	}
}
