package discord

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/articlebot/articlebot/bot"
)

func TestTextLenCountsUTF16(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "é": 1, "“quoted”": 8, "🪖": 2, "a🪖b": 4} {
		if got := textLen(s); got != want {
			t.Errorf("textLen(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		size int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"cut at a word boundary please", 20, "cut at a word…"},
		{"nospacesatallinthisone", 10, "nospacesa…"},
		{"🪖🪖🪖🪖", 5, "🪖🪖…"},
		{"anything", 0, ""},
	} {
		got := truncate(tc.in, tc.size)
		if got != tc.want || textLen(got) > tc.size {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.size, got, tc.want)
		}
	}
}

func TestSplitText(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		size int
		want []string
	}{
		{"fits", "One. [1]", 20, []string{"One. [1]"}},
		{"paragraph first", "First part. [1]\n\nSecond part here. [2]", 30, []string{"First part. [1]", "Second part here. [2]"}},
		{"after the citation, not before it", "Alpha beta gamma. [1] Delta epsilon. [2]", 24, []string{"Alpha beta gamma. [1]", "Delta epsilon. [2]"}},
		{"never inside a marker", "aaaaaaaaaa[12]bbbbbbbbbb", 12, []string{"aaaaaaaaaa", "[12]bbbbbbbb", "bb"}},
		{"words when there is no sentence end", "one two three four five six", 10, []string{"one two", "three four", "five six"}},
		{"emoji count double", "🪖🪖🪖 🪖🪖🪖", 6, []string{"🪖🪖🪖", "🪖🪖🪖"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := splitText(tc.in, tc.size)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("splitText(%q, %d) =\n%q\nwant\n%q", tc.in, tc.size, got, tc.want)
			}
		})
	}
}

var markerRE = regexp.MustCompile(`\[\d+\]`)

// TestSplitTextProperties splits random cited texts at random sizes: no
// part is over the size or empty, nothing is lost, and every citation
// marker stays whole.
func TestSplitTextProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"troops", "Pyongyang", "“solidarity”", "🪖", "multi-polar", "a", "15,000", "\n", "\n\n", strings.Repeat("z", 90)}
	for i := 0; i < 300; i++ {
		var b strings.Builder
		markers := 0
		for j := 0; j < 20+r.IntN(400); j++ {
			b.WriteString(words[r.IntN(len(words))])
			if r.IntN(6) == 0 {
				markers++
				fmt.Fprintf(&b, ". [%d]", markers)
			}
			b.WriteString(" ")
		}
		text := b.String()
		size := 20 + r.IntN(300)
		parts := splitText(text, size)
		for _, p := range parts {
			if textLen(p) > size || strings.TrimSpace(p) == "" {
				t.Fatalf("size %d: bad part %q", size, p)
			}
		}
		squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if squash(strings.Join(parts, "")) != squash(text) {
			t.Fatalf("size %d: text changed", size)
		}
		found := 0
		for _, p := range parts {
			found += len(markerRE.FindAllString(p, -1))
		}
		if found != markers {
			t.Fatalf("size %d: %d of %d markers whole in %q", size, found, markers, parts)
		}
	}
}

// checkLimits fails if a message breaks one of Discord's limits.
func checkLimits(t *testing.T, msgs []reply) {
	t.Helper()
	for i, m := range msgs {
		if textLen(m.content) > maxContent {
			t.Errorf("message %d: content %d", i, textLen(m.content))
		}
		if len(m.embeds) > maxEmbeds {
			t.Errorf("message %d: %d embeds", i, len(m.embeds))
		}
		total := 0
		for _, e := range m.embeds {
			total += embedLen(e)
			if textLen(e.Title) > maxEmbedTitle || textLen(e.Description) > maxEmbedDescription || len(e.Fields) > maxFields {
				t.Errorf("message %d: embed over its limits", i)
			}
			for _, f := range e.Fields {
				if textLen(f.Name) > maxFieldName || textLen(f.Value) > maxFieldValue || f.Name == "" || f.Value == "" {
					t.Errorf("message %d: bad field %q", i, f.Name)
				}
			}
		}
		if total > maxEmbedsTotal {
			t.Errorf("message %d: embeds total %d", i, total)
		}
		if m.content == "" && len(m.embeds) == 0 && len(m.components) == 0 {
			t.Errorf("message %d is empty", i)
		}
	}
}

func TestComposeStaysWithinLimits(t *testing.T) {
	field := func(n int) *discordgo.MessageEmbedField {
		return &discordgo.MessageEmbedField{Name: strings.Repeat("n", 300), Value: strings.Repeat("v🪖", n)}
	}
	monster := &discordgo.MessageEmbed{
		Title: strings.Repeat("t", 400), Description: strings.Repeat("d", 5000),
		Footer: &discordgo.MessageEmbedFooter{Text: strings.Repeat("f", 3000)},
	}
	for range 40 {
		monster.Fields = append(monster.Fields, field(700))
	}
	var many []*discordgo.MessageEmbed
	for range 23 {
		many = append(many, &discordgo.MessageEmbed{Description: strings.Repeat("x", 1000)})
	}
	var sources []bot.Source
	for i := 1; i <= 100; i++ {
		sources = append(sources, bot.Source{N: i, Section: strings.Repeat("S", 300), Quote: strings.Repeat("q ", 800), Passage: strings.Repeat("p ", 5000)})
	}
	for name, msgs := range map[string][]reply{
		"one embed over every limit": compose("text", []*discordgo.MessageEmbed{monster}, nil),
		"too many embeds":            compose(strings.Repeat("word ", 1000), many, nil),
		"100 sources":                compose(strings.Repeat("Claim. [1] ", 900), sourceEmbeds(sources, true), nil),
		"100 passages":               compose("", passageEmbeds(sources), nil),
		"nothing at all":             compose("", nil, nil),
	} {
		t.Run(name, func(t *testing.T) { checkLimits(t, msgs) })
	}
	if n := len(passageReplies(sources)); n != maxPassageMessages {
		t.Errorf("passage replies: %d messages, want %d", n, maxPassageMessages)
	}
}

func TestSourceEmbeds(t *testing.T) {
	got := sourceEmbeds([]bot.Source{
		{N: 1, Section: "Growing Military Cooperation", Quote: "Pyongyang has reportedly sent around 15,000 troops."},
		{N: 2, Article: "An Article", Passage: "  Only a\npassage.  "},
	}, false)
	b, _ := json.Marshal(got)
	want := `[{"type":"","title":"Sources","color":3900150,"fields":[` +
		`{"name":"[1] Growing Military Cooperation","value":"“Pyongyang has reportedly sent around 15,000 troops.”"},` +
		`{"name":"[2] An Article","value":"“Only a passage.”"}]}]`
	if string(b) != strings.Replace(want, `"type":"",`, "", 1) {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestMatchSections(t *testing.T) {
	sections := []string{"Introduction", "Growing Military Cooperation", "Continued Diplomatic Exchange", "Military Parade"}
	for typed, want := range map[string]string{
		"":         "[Introduction Growing Military Cooperation Continued Diplomatic Exchange Military Parade]",
		"mil":      "[Military Parade Growing Military Cooperation]",
		"EXCHANGE": "[Continued Diplomatic Exchange]",
		"weather":  "[Introduction Growing Military Cooperation Continued Diplomatic Exchange Military Parade]",
	} {
		if got := fmt.Sprint(matchSections(sections, typed)); got != want {
			t.Errorf("matchSections(%q) = %s, want %s", typed, got, want)
		}
	}
	var many []string
	for i := range 40 {
		many = append(many, fmt.Sprint("Section ", i))
	}
	if n := len(matchSections(many, "sec")); n != maxChoices {
		t.Errorf("%d choices, want at most %d", n, maxChoices)
	}
}

func TestSameCommandsIgnoresWhatDiscordAdds(t *testing.T) {
	want := Commands(1000)
	// What Discord answers: IDs and versions added, the order changed, and
	// absent values spelt differently.
	b, _ := json.Marshal(want)
	var have []*discordgo.ApplicationCommand
	if err := json.Unmarshal(b, &have); err != nil {
		t.Fatal(err)
	}
	have[0], have[4] = have[4], have[0]
	for i, c := range have {
		c.ID, c.Version, c.ApplicationID = fmt.Sprint(i), "1", "app"
		no := false
		c.NSFW = &no
		for _, o := range c.Options {
			o.Choices = append([]*discordgo.ApplicationCommandOptionChoice{}, o.Choices...)
		}
	}
	if !SameCommands(want, have) {
		t.Error("identical commands compare as different")
	}
	have[1].Description += "!"
	if SameCommands(want, have) {
		t.Error("a changed description went unnoticed")
	}
	if SameCommands(want, Commands(500)) {
		t.Error("a changed max length went unnoticed")
	}
	if SameCommands(want, want[:4]) {
		t.Error("a missing command went unnoticed")
	}
}

func TestStripMention(t *testing.T) {
	for in, want := range map[string]string{
		"<@42> How many troops?":     "How many troops?",
		"<@!42>, how many troops?":   "how many troops?",
		"How many troops, <@42>?":    "How many troops, ?",
		"<@42>":                      "",
		"<@43> <@42> what happened?": "<@43> what happened?",
	} {
		if got := stripMention(in, "42"); got != want {
			t.Errorf("stripMention(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkComposeHugeAnswer(b *testing.B) {
	var sources []bot.Source
	for i := 1; i <= 60; i++ {
		sources = append(sources, bot.Source{N: i, Section: "Section", Quote: strings.Repeat("quote ", 100), Passage: strings.Repeat("p ", 2000)})
	}
	text := strings.Repeat("A claim about the troops 🪖 in the article. [7] ", 300)
	b.ReportAllocs()
	for b.Loop() {
		compose(text, sourceEmbeds(sources, true), nil)
	}
}

func BenchmarkComposeTypicalAnswer(b *testing.B) {
	sources := []bot.Source{
		{N: 1, Section: "Growing Military Cooperation", Quote: strings.Repeat("quote ", 40)},
		{N: 2, Section: "Continued Diplomatic Exchange", Quote: strings.Repeat("quote ", 30)},
	}
	text := strings.Repeat("A claim about the troops in the article. [1] ", 6)
	b.ReportAllocs()
	for b.Loop() {
		compose(text, sourceEmbeds(sources, true), nil)
	}
}
