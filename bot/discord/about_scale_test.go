package discord

import (
	"strconv"
	"strings"
	"testing"
)

func TestAboutStaysReadableAtTenThousandStories(t *testing.T) {
	titles := make([]string, 10000)
	for i := range titles {
		titles[i] = "Story number " + strconv.Itoa(i)
	}
	b := &Bot{opt: Options{About: About{Titles: titles, Chunks: 60000}}}
	replies := b.aboutReplies()
	field := replies[0].embeds[0].Fields[0].Value
	if !strings.Contains(field, "10000 stories") || !strings.Contains(field, "and 9995 more") || strings.Count(field, "•") != maxAboutTitles {
		t.Errorf("articles field:\n%s", field)
	}
}
