package discord

import (
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot"
)

func TestEscapeMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, (NIS) 15,000.":      "plain text, (NIS) 15,000.",
		"**bold** _it_ ~~s~~ `c` ||sp||": `\*\*bold\*\* \_it\_ \~\~s\~\~ \` + "`c\\`" + ` \|\|sp\|\|`,
		"# Heading":                      `\# Heading`,
		"> quote":                        `\> quote`,
		"[click](https://evil.example)":  `\[click\](https:\/\/evil.example)`,
		"see https://x.example/a":        `see https:\/\/x.example/a`,
		"<@123> <#456>":                  `\<@123\> \<\#456\>`,
		`back\slash`:                     `back\\slash`,
	} {
		if got := escapeMarkdown(in); got != want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestModelTextCanNeitherFormatNorLink(t *testing.T) {
	for in, want := range map[string]string{
		"## Troops\nAbout **15,000** troops [1].":         "Troops\nAbout 15,000 troops [1].",
		"-# small print [2]":                              "small print [2]",
		"Read [the report](https://evil.example/x) [1].":  "Read the report [1].",
		"Read [the report](<https://evil.example/x>).":    "Read the report.",
		"Visit https://evil.example now [3]":              `Visit https:\/\/evil.example now [3]`,
		"- a list item [1]\n- another [2]":                "- a list item [1]\n- another [2]",
		"A [bracketed] aside and a spoiler ||x|| [1][2].": `A \[bracketed\] aside and a spoiler \|\|x\|\| [1][2].`,
	} {
		if got := modelText(in); got != want {
			t.Errorf("modelText(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}

func TestSourcesAreEscaped(t *testing.T) {
	src := []bot.Source{{N: 1, Section: "**Loud** section", Article: "A *story*", Quote: "He said [this](https://evil.example) > that", Passage: "# Not a heading"}}
	f := sourceEmbeds(src, false)[0].Fields[0]
	if f.Name != `[1] \*\*Loud\*\* section` || strings.Contains(f.Value, "](https://") || !strings.Contains(f.Value, `\[this\]`) {
		t.Errorf("source field: %q %q", f.Name, f.Value)
	}
	e := passageEmbeds(src)[0]
	if e.Description != `\# Not a heading` || e.Title != `[1] \*\*Loud\*\* section` {
		t.Errorf("passage embed: %q %q", e.Title, e.Description)
	}
	// Footers show no Markdown, so they stay as written.
	if e.Footer.Text != "A *story*" {
		t.Errorf("footer: %q", e.Footer.Text)
	}
}

func TestHelpExampleComesFromTheCorpus(t *testing.T) {
	b := &Bot{opt: Options{About: About{Titles: []string{"Ink helps drive democracy in Asia", "Another"}}}}
	if got := b.helpText(); !strings.Contains(got, "“Ink helps drive democracy in Asia”") || strings.Contains(got, "North Korea") {
		t.Errorf("help = %q", got)
	}
}
