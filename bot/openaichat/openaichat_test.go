package openaichat

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/internal/openaiclient"
	"github.com/articlebot/articlebot/internal/openaitest"
)

// drafter drafts with model through the fake server, without retries.
func drafter(srv *openaitest.Server, model string) *Drafter {
	return New(openaiclient.New(openaiclient.Config{BaseURL: srv.URL, Timeout: 10 * time.Second}), model)
}

var prompt = bot.Prompt{System: "Answer from the passages.", User: "[1] Passage.\n\nQuestion?", MaxTokens: 400}

// draftOnce drafts prompt and returns the request the server received.
func draftOnce(t *testing.T, srv *openaitest.Server, d *Drafter, p bot.Prompt) (bot.Completion, openaitest.Request) {
	t.Helper()
	c, err := d.Draft(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Endpoint != openaitest.Chat {
		t.Fatalf("requests: %+v", reqs)
	}
	return c, reqs[0]
}

func TestTemperature(t *testing.T) {
	for _, tt := range []struct {
		model string
		want  *float64
	}{
		{"chat-test", ptr(0.2)},
		{"gpt-4o-mini", ptr(0.2)},
		// Reasoning models refuse any temperature but their default.
		{"o3-mini", nil},
		{"gpt-5-mini", nil},
	} {
		t.Run(tt.model, func(t *testing.T) {
			srv := openaitest.New(t)
			d := drafter(srv, tt.model)
			d.Temperature = 0.2
			_, req := draftOnce(t, srv, d, prompt)
			got := req.Temperature
			switch {
			case tt.want == nil && got != nil:
				t.Errorf("temperature %v sent to a reasoning model", *got)
			case tt.want != nil && (got == nil || float32(*got) != float32(*tt.want)):
				t.Errorf("temperature = %v, want %v", got, *tt.want)
			}
		})
	}
}

func ptr(f float64) *float64 { return &f }

// Reasoning models get max_completion_tokens with room for their
// reasoning, low effort, and the system prompt as the developer's; other
// models get max_tokens and the system role.
func TestReasoningModels(t *testing.T) {
	for _, model := range []string{"gpt-5-mini", "o3-mini", "o1", "o4-mini", "gpt-6-sol", "openai/gpt-5", "openai/o3-mini", "chat-test", "gpt-4o", "openai/gpt-4o"} {
		t.Run(model, func(t *testing.T) {
			srv := openaitest.New(t)
			_, req := draftOnce(t, srv, drafter(srv, model), prompt)
			reasoning := !strings.HasSuffix(model, "chat-test") && !strings.HasSuffix(model, "gpt-4o")
			switch {
			case reasoning && (req.MaxCompletionTokens <= prompt.MaxTokens || req.ReasoningEffort != "low" || req.Messages[0].Role != "developer"):
				t.Errorf("request: max_completion_tokens %d, reasoning_effort %q, first role %q", req.MaxCompletionTokens, req.ReasoningEffort, req.Messages[0].Role)
			case !reasoning && (req.MaxCompletionTokens != 0 || req.MaxTokens != prompt.MaxTokens || req.ReasoningEffort != "" || req.Messages[0].Role != "system"):
				t.Errorf("request: max_tokens %d, max_completion_tokens %d, reasoning_effort %q, first role %q", req.MaxTokens, req.MaxCompletionTokens, req.ReasoningEffort, req.Messages[0].Role)
			}
			if req.Messages[0].Content != prompt.System || req.Last("user") != prompt.User {
				t.Errorf("messages = %+v", req.Messages)
			}
		})
	}
}

// The stream's text, usage, finish reason and refusal reach the
// completion, and each growth of the text reaches onPartial.
func TestStreamedCompletion(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Chunks: []string{"Around ", "15,000 ", "troops [1]."}, PromptTokens: 50, CompletionTokens: 7, FinishReason: "length", Refusal: "no"}
	})
	var partial []string
	c, err := drafter(srv, "chat-test").Draft(context.Background(), bot.Prompt{User: "q", MaxTokens: 10, EndUser: "5f2b9c"}, func(s string) { partial = append(partial, s) })
	if err != nil {
		t.Fatal(err)
	}
	want := bot.Completion{Text: "Around 15,000 troops [1].", Usage: bot.Usage{PromptTokens: 50, CompletionTokens: 7, TotalTokens: 57}, FinishReason: bot.FinishLength, Refusal: "no"}
	if c != want {
		t.Errorf("completion = %+v, want %+v", c, want)
	}
	if len(partial) != 3 || partial[2] != want.Text {
		t.Errorf("partial texts = %q", partial)
	}
	if u := srv.Requests()[0].User; u != "5f2b9c" {
		t.Errorf("user = %q, want the prompt's end user", u)
	}
}

// Upstream failures come back in the service's vocabulary.
func TestErrors(t *testing.T) {
	srv := openaitest.New(t)
	srv.Fail(openaitest.Chat, openaitest.ContextLength(), 1)
	if _, err := drafter(srv, "chat-test").Draft(context.Background(), prompt, nil); !errors.Is(err, bot.ErrContextLength) {
		t.Errorf("context length: err = %v", err)
	}
	srv.RequireKey("right")
	if _, err := drafter(srv, "chat-test").Draft(context.Background(), prompt, nil); !errors.Is(err, bot.ErrModelConfig) || bot.KindOf(err) != bot.KindModelConfig {
		t.Errorf("wrong key: err = %v", err)
	}
}
