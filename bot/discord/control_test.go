package discord

import (
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot"
)

// No control character (terminal or client escapes) reaches a message,
// from the answer text or from the sources' embeds.
func TestComposeStripsControlCharacters(t *testing.T) {
	evil := "Troops \x1b]8;;http://x\x07sent\x1b[0m\u009b [1]."
	sources := []bot.Source{{N: 1, Article: "A\x1bB", Section: "S\x00", Quote: evil, Passage: evil}}
	var all []reply
	all = append(all, compose(evil, sourceEmbeds(sources, true), nil)...)
	all = append(all, compose("", passageEmbeds(sources), nil)...)
	all = append(all, reply{content: progressText(evil)})
	for _, r := range all {
		texts := []string{r.content}
		for _, e := range r.embeds {
			texts = append(texts, e.Title, e.Description)
			for _, f := range e.Fields {
				texts = append(texts, f.Name, f.Value)
			}
			if e.Footer != nil {
				texts = append(texts, e.Footer.Text)
			}
		}
		for _, s := range texts {
			if strings.ContainsFunc(s, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) }) {
				t.Errorf("control character in %q", s)
			}
		}
	}
}
