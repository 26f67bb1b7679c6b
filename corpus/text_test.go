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

func TestUnescapeEntities(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"quaintly pass&#233;.", "quaintly passé."},
		{"priced at &#163;35", "priced at £35"},
		{"caf&eacute; &amp; bar", "café & bar"},
		{"&#xE9;t&#XE9;", "été"},
		{"&lt;b&gt;", "<b>"},
		{"AT&T and R&D", "AT&T and R&D"}, // no ";": not a reference
		{"Marks & Spencer; rivals", "Marks & Spencer; rivals"},
		{"&nosuchname; stays", "&nosuchname; stays"}, // HTML names no such character
		{"&#; &#x; &;", "&#; &#x; &;"},
		{"trailing &", "trailing &"},
		{"&amp;amp;", "&amp;"}, // decoded once
		// A name HTML knows only a prefix of is no reference.
		{"&copyright; &notaword; &ampersand;", "&copyright; &notaword; &ampersand;"},
		{"&semi; &NotNestedGreaterGreater;", "; \u2aa2\u0338"},
		// A number naming no character is dropped; U+FFFD itself stays.
		{"a&#0;b&#xD800;c&#1114112;d&#99999999999999999999;e", "abcde"},
		{"&#65533;&#xfffd;", "\ufffd\ufffd"},
		{"&#128; &#x41;", "\u20ac A"},
		{"no references", "no references"},
	} {
		if got := UnescapeEntities(c.in); got != c.want {
			t.Errorf("UnescapeEntities(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A story saved with character references reads as the characters they
// stand for, in its title and its paragraphs, and a reference to a control
// character is stripped like the character itself.
func TestParseDecodesCharacterReferences(t *testing.T) {
	a, err := Parse("ref.txt", "---\ntitle: Caf&#233; &amp; bar\n---\nAll postcards are priced at &#163;35.&#27;[2J\n")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Café & bar" {
		t.Errorf("title = %q", a.Title)
	}
	if p := a.Paragraphs[0]; p.Text != "All postcards are priced at £35." || a.Text[p.Start:p.End] != p.Text {
		t.Errorf("paragraph = %q (offsets %d-%d of %q)", p.Text, p.Start, p.End, a.Text)
	}
}
