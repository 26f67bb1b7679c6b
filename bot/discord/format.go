package discord

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/bwmarrin/discordgo"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/corpus"
)

// Discord's message limits, in characters as Discord counts them (UTF-16
// code units, which never undercounts).
const (
	maxContent          = 2000
	maxEmbeds           = 10
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxFields           = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooter           = 2048
	maxEmbedsTotal      = 6000
	maxChoices          = 25
	maxChoiceLen        = 100
)

const (
	// quoteLen bounds the quote shown for a source under an answer.
	quoteLen = 240
	// maxPassageMessages bounds the messages "Show sources" sends.
	maxPassageMessages = 5
	embedColor         = 0x3b82f6
)

// reply is one Discord message.
type reply struct {
	content string
	embeds  []*discordgo.MessageEmbed
	// components are action rows.
	components []discordgo.MessageComponent
}

// textLen counts s as Discord does.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// prefix returns the byte length of the longest prefix of s within size
// characters, ending on a rune boundary.
func prefix(s string, size int) int {
	n := 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > size {
			return i
		}
	}
	return len(s)
}

// truncate shortens s to at most size characters, cutting at a word boundary
// when one is near and marking the cut with an ellipsis.
// Like compose, it removes control characters: every text but the
// message content reaches Discord through it.
func truncate(s string, size int) string {
	s = corpus.StripControl(s)
	if textLen(s) <= size {
		return s
	}
	if size < 1 {
		return ""
	}
	cut := s[:prefix(s, size-1)]
	if i := strings.LastIndexFunc(cut, unicode.IsSpace); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \n\t,;:") + "…"
}

// splitText cuts s into parts of at most size characters. It cuts at a
// paragraph break if it can, else a line break, else after a citation or a
// sentence, else between words; a citation marker such as [12] always stays
// whole and with the sentence before it.
func splitText(s string, size int) []string {
	var out []string
	s = strings.TrimSpace(s)
	for textLen(s) > size {
		cut := cutPoint(s, size)
		if part := strings.TrimRightFunc(s[:cut], unicode.IsSpace); part != "" {
			out = append(out, part)
		}
		s = strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func cutPoint(s string, size int) int {
	limit := prefix(s, size)
	window := s[:limit]
	half := len(window) / 2
	for _, sep := range []string{"\n\n", "\n"} {
		if i := strings.LastIndex(window, sep); i >= half {
			return i
		}
	}
	if i := sentenceBreak(s, limit); i >= half {
		return i
	}
	if i := strings.LastIndexFunc(window, unicode.IsSpace); i > 0 {
		return i
	}
	// One long word: cut anywhere, but not inside a citation marker.
	if j := strings.LastIndexByte(window, '['); j > 0 && isDigits(window[j+1:]) {
		return j
	}
	return max(limit, 1)
}

// sentenceBreak finds the last space before limit that follows a citation
// marker, or a sentence end not followed by a marker.
func sentenceBreak(s string, limit int) int {
	for i := limit - 1; i > 0; i-- {
		if s[i] != ' ' {
			continue
		}
		prev := s[:i]
		next := strings.TrimLeft(s[i:], " ")
		if strings.HasSuffix(prev, "]") {
			return i
		}
		if strings.HasSuffix(prev, ".") || strings.HasSuffix(prev, "?") || strings.HasSuffix(prev, "!") ||
			strings.HasSuffix(prev, ".”") || strings.HasSuffix(prev, "…") {
			if !strings.HasPrefix(next, "[") {
				return i
			}
		}
	}
	return -1
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// embedLen counts an embed's characters toward the 6,000 of a message.
func embedLen(e *discordgo.MessageEmbed) int {
	n := textLen(e.Title) + textLen(e.Description)
	for _, f := range e.Fields {
		n += textLen(f.Name) + textLen(f.Value)
	}
	if e.Footer != nil {
		n += textLen(e.Footer.Text)
	}
	if e.Author != nil {
		n += textLen(e.Author.Name)
	}
	return n
}

// sourceLabel names a source by its number and section.
func sourceLabel(s bot.Source) string {
	where := s.Section
	if where == "" {
		where = s.Article
	}
	if where == "" {
		where = "the article"
	}
	return fmt.Sprintf("[%d] %s", s.N, escapeMarkdown(where))
}

// sourceEmbeds lists sources as fields, "[n] Section" over a short quote,
// as many to an embed as fit. The quote is under the story's title (a link
// to its url, the one link in the field) and date when named is set (the
// collection holds several stories) or the story has a url.
func sourceEmbeds(sources []bot.Source, named bool) []*discordgo.MessageEmbed {
	var out []*discordgo.MessageEmbed
	for _, s := range sources {
		quote := s.Quote
		if quote == "" {
			quote = s.Passage
		}
		quote = strings.Join(strings.Fields(quote), " ")
		value := "“" + escapeMarkdown(truncate(quote, quoteLen)) + "”"
		if quote == "" {
			value = "(no quote)"
		}
		if story := storyMarkdown(s, named); story != "" {
			value = story + "\n" + value
		}
		f := &discordgo.MessageEmbedField{
			Name:  truncate(sourceLabel(s), maxFieldName),
			Value: truncate(value, maxFieldValue),
		}
		if len(out) == 0 || len(out[len(out)-1].Fields) >= maxFields ||
			embedLen(out[len(out)-1])+textLen(f.Name)+textLen(f.Value) > maxEmbedsTotal {
			e := &discordgo.MessageEmbed{Color: embedColor}
			if len(out) == 0 {
				e.Title = "Sources"
			}
			out = append(out, e)
		}
		e := out[len(out)-1]
		e.Fields = append(e.Fields, f)
	}
	return out
}

// passageEmbeds shows each source's whole passage, one embed per source,
// with its story's title (a link to its url) and date.
func passageEmbeds(sources []bot.Source) []*discordgo.MessageEmbed {
	out := make([]*discordgo.MessageEmbed, 0, len(sources))
	for _, s := range sources {
		text := strings.TrimSpace(s.Passage)
		if text == "" {
			text = s.Quote
		}
		if text == "" {
			text = "(empty passage)"
		}
		e := &discordgo.MessageEmbed{
			Title:       truncate(sourceLabel(s), maxEmbedTitle),
			Description: truncate(escapeMarkdown(text), maxEmbedDescription),
			Color:       embedColor,
		}
		footer := s.Article
		if link := storyURL(s.URL); link != "" && s.Article != "" {
			e.Author = &discordgo.MessageEmbedAuthor{Name: truncate(s.Article, maxAuthorName), URL: link}
			footer = ""
		}
		if s.Published != "" {
			footer = strings.TrimPrefix(footer+" · "+s.Published, " · ")
		}
		if footer != "" {
			e.Footer = &discordgo.MessageEmbedFooter{Text: truncate(footer, 200)}
		}
		out = append(out, e)
	}
	return out
}

// maxAuthorName is Discord's limit on an embed author's name.
const maxAuthorName = 256

// storyMarkdown is the line naming a source's story in an embed field:
// its title, linked to its url when that is a web address, and its date.
// Empty when the story needn't be named and has no url.
func storyMarkdown(s bot.Source, named bool) string {
	link := storyURL(s.URL)
	if s.Article == "" || (!named && link == "") {
		return ""
	}
	title := escapeMarkdown(truncate(s.Article, maxStoryTitle))
	if link != "" {
		title = "[" + title + "](" + link + ")"
	} else {
		title = "**" + title + "**"
	}
	if s.Published != "" {
		title += " · " + escapeMarkdown(truncate(s.Published, 40))
	}
	return title
}

// maxStoryTitle bounds a story title in a field, leaving room for a quote.
const maxStoryTitle = 200

// storyURL returns raw as a link target when it is an http or https URL
// with a host, with the characters that would end a Markdown link or
// break out of it escaped; "" otherwise, so that nothing else becomes a
// link (javascript:, relative paths, text).
func storyURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	s := u.String()
	if len(s) > 512 {
		return ""
	}
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(s)
}

// compose lays out text, embeds and buttons as messages within Discord's
// limits: the text split across as many messages as it needs, the embeds
// after it, at most ten to a message and 6,000 characters in all, and the
// buttons on the last message.
func compose(text string, embeds []*discordgo.MessageEmbed, components []discordgo.MessageComponent) []reply {
	var out []reply
	for _, part := range splitText(corpus.StripControl(text), maxContent) {
		out = append(out, reply{content: part})
	}
	total := 0
	for _, e := range embeds {
		clampEmbed(e)
		n := embedLen(e)
		if len(out) == 0 || len(out[len(out)-1].embeds) >= maxEmbeds || total+n > maxEmbedsTotal {
			out = append(out, reply{})
			total = 0
		}
		last := &out[len(out)-1]
		last.embeds = append(last.embeds, e)
		total += n
	}
	if len(out) == 0 {
		out = append(out, reply{content: "(nothing to show)"})
	}
	out[len(out)-1].components = components
	return out
}

// clampEmbed trims an embed to the per-embed limits, and then to the 6,000
// characters of a whole message, which a title, a footer and 25 full fields
// can pass on their own.
func clampEmbed(e *discordgo.MessageEmbed) {
	e.Title = truncate(e.Title, maxEmbedTitle)
	e.Description = truncate(e.Description, maxEmbedDescription)
	if len(e.Fields) > maxFields {
		e.Fields = e.Fields[:maxFields]
	}
	for _, f := range e.Fields {
		f.Name = truncate(f.Name, maxFieldName)
		f.Value = truncate(f.Value, maxFieldValue)
	}
	if e.Footer != nil {
		e.Footer.Text = truncate(e.Footer.Text, maxFooter)
	}
	for over := embedLen(e) - maxEmbedsTotal; over > 0; over = embedLen(e) - maxEmbedsTotal {
		// Shorten the field values evenly; when they can't shrink, drop the
		// last field; with no fields left, shorten the description, then
		// the footer.
		before := embedLen(e)
		cut := over/max(len(e.Fields), 1) + 1
		for _, f := range e.Fields {
			f.Value = truncate(f.Value, max(textLen(f.Value)-cut, 16))
		}
		switch {
		case embedLen(e) < before:
		case len(e.Fields) > 0:
			e.Fields = e.Fields[:len(e.Fields)-1]
		case textLen(e.Description) > 1:
			e.Description = truncate(e.Description, max(textLen(e.Description)-over, 1))
		case e.Footer != nil:
			e.Footer = nil
		default:
			e.Title = truncate(e.Title, max(textLen(e.Title)-over, 1))
		}
	}
}

// progressText is a partial answer as shown while it streams in.
func progressText(partial string) string {
	partial = strings.TrimSpace(partial)
	if partial == "" {
		return "…"
	}
	return truncate(modelText(partial), maxContent-2) + " …"
}
