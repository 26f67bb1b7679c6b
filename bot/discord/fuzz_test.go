package discord

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// panicCounter counts the panics the handler recovered from.
type panicCounter struct {
	mu     sync.Mutex
	panics int
}

func (p *panicCounter) Error(kind string) {
	if kind == "discord_panic" {
		p.mu.Lock()
		p.panics++
		p.mu.Unlock()
	}
}

func (p *panicCounter) Feedback(string) {}

// FuzzInteraction decodes an INTERACTION_CREATE payload as discordgo does
// and hands it to the handler, which extracts the command, its options, a
// message command's target or a button's custom ID. Whatever the payload,
// the handler must not panic (not even one it recovers from), and every
// message it sends stays within Discord's limits and pings nobody. Seeds:
// testdata/fuzz/FuzzInteraction and the captured interactions in testdata.
func FuzzInteraction(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var i discordgo.Interaction
		if json.Unmarshal(raw, &i) != nil {
			return
		}
		pc := &panicCounter{}
		b, s, rec := handlerBot(t, canned(), Options{Metrics: pc})
		b.onInteraction(context.Background(), s, &i)
		if pc.panics > 0 {
			t.Fatalf("the handler panicked on %s", raw)
		}
		checkSent(t, rec.requests())
	})
}
