package openaitest

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// The in-memory server answers through its Client inside a synctest
// bubble, where a stalled stream lasts exactly as long as the client's
// deadline on the bubble's clock.
func TestInMemoryServerInABubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewInMemory(t)
		s.SetChat(func(Request) Reply { return Reply{Chunks: []string{"One ", "two ", "three."}, StallAfter: 2} })
		cfg := openai.DefaultConfig("")
		cfg.BaseURL, cfg.HTTPClient = s.URL, s.Client()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		start := time.Now()
		st, err := openai.NewClientWithConfig(cfg).CreateChatCompletionStream(ctx, openai.ChatCompletionRequest{
			Model: "m", Stream: true, Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "q"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var text string
		for {
			r, err := st.Recv()
			if err != nil {
				break
			}
			for _, c := range r.Choices {
				text += c.Delta.Content
			}
		}
		if text != "One two " || time.Since(start) != 30*time.Second {
			t.Errorf("streamed %q, stalled %v", text, time.Since(start))
		}
	})
}
