package discord

import (
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot"
)

// A source names its story, and the story's title links to its url: the
// only link in the field, whatever the title and quote hold.
func TestSourceEmbedsNameAndLinkTheStory(t *testing.T) {
	sources := []bot.Source{
		{N: 1, Article: "Ad sales boost [Time] Warner *profit*", URL: "https://example.org/tw?a=(1)", Published: "2005-01-02",
			Section: "Introduction", Quote: "Profits jumped 76%."},
		{N: 2, Article: "Dollar gains on Greenspan speech", Section: "Introduction", Quote: "The dollar hit its highest level."},
		{N: 3, Article: "Bad link", URL: "javascript:alert(1)", Section: "Introduction", Quote: "Text."},
	}
	fields := sourceEmbeds(sources, true)[0].Fields
	want := []string{
		`[Ad sales boost \[Time\] Warner \*profit\*](https://example.org/tw?a=%281%29) · 2005-01-02` + "\n“Profits jumped 76%.”",
		"**Dollar gains on Greenspan speech**\n“The dollar hit its highest level.”",
		"**Bad link**\n“Text.”",
	}
	for i, f := range fields {
		if f.Value != want[i] {
			t.Errorf("field %d = %q, want %q", i, f.Value, want[i])
		}
		if f.Name != "["+string(rune('1'+i))+"] Introduction" {
			t.Errorf("field %d name = %q", i, f.Name)
		}
	}
	// One story: the section alone, as before, unless the story has a url.
	one := sourceEmbeds(sources[1:2], false)[0].Fields[0]
	if one.Value != "“The dollar hit its highest level.”" {
		t.Errorf("one story: %q", one.Value)
	}
	if linked := sourceEmbeds(sources[:1], false)[0].Fields[0]; !strings.HasPrefix(linked.Value, "[Ad sales") {
		t.Errorf("a story with a url isn't linked: %q", linked.Value)
	}
}

func TestPassageEmbedsLinkTheStory(t *testing.T) {
	es := passageEmbeds([]bot.Source{
		{N: 1, Article: "Harbour News", URL: "https://example.org/harbour", Published: "2026-05-01", Section: "Ferries", Passage: "Two ferries."},
		{N: 2, Article: "Airport News", URL: "ftp://example.org/x", Section: "Gates", Passage: "Three gates."},
	})
	if a := es[0].Author; a == nil || a.Name != "Harbour News" || a.URL != "https://example.org/harbour" || es[0].Footer.Text != "2026-05-01" {
		t.Errorf("passage 1: author %+v, footer %+v", es[0].Author, es[0].Footer)
	}
	if es[1].Author != nil || es[1].Footer.Text != "Airport News" {
		t.Errorf("passage 2 (no web url): author %+v, footer %+v", es[1].Author, es[1].Footer)
	}
}
