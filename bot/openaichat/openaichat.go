// Package openaichat drafts the answering service's answers and summaries
// with a chat model behind any OpenAI-compatible API (OpenAI's, Ollama's,
// vLLM's, llama.cpp's), streaming the reply: the bot.Drafter that
// cmd/articlebot wires in when a chat model is configured.
package openaichat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/internal/openaiclient"
)

// Drafter drafts with a chat model through an OpenAI-compatible API.
type Drafter struct {
	client *openaiclient.Client
	model  string
	// Temperature is the sampling temperature sent to models that take
	// one; a low value keeps answers close to the passages. Reasoning
	// models accept only their default, so they are sent none, and 0
	// sends none either (the server's default then applies).
	Temperature float32
}

var _ bot.Drafter = (*Drafter)(nil)

// New drafts with model through client.
func New(client *openaiclient.Client, model string) *Drafter {
	return &Drafter{client: client, model: model}
}

// Model names the chat model.
func (d *Drafter) Model() string { return d.model }

// Draft streams the model's reply to p, with retries (see
// openaiclient.Client.Do). A retried stream starts again, so onPartial may
// see the text restart.
func (d *Drafter) Draft(ctx context.Context, p bot.Prompt, onPartial func(text string)) (bot.Completion, error) {
	req := openai.ChatCompletionRequest{
		Model: d.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: p.System},
			{Role: openai.ChatMessageRoleUser, Content: p.User},
		},
		Stream:        true,
		StreamOptions: &openai.StreamOptions{IncludeUsage: true},
		User:          p.EndUser,
	}
	// Reasoning models take max_completion_tokens and refuse max_tokens,
	// which most other servers still expect; they also refuse any
	// temperature but their default. Their completion tokens include the
	// hidden reasoning, so the limit leaves room for it, and low effort
	// keeps that short; they take the system prompt as the developer's.
	if reasoningModel(d.model) {
		req.MaxCompletionTokens = p.MaxTokens + reasoningRoom
		req.ReasoningEffort = "low"
		req.Messages[0].Role = openai.ChatMessageRoleDeveloper
	} else {
		//lint:ignore SA1019 servers other than OpenAI's (Ollama, vLLM, llama.cpp) still expect max_tokens.
		req.MaxTokens = p.MaxTokens
		req.Temperature = d.Temperature
	}
	var out bot.Completion
	err := d.client.Do(ctx, func(ctx context.Context) error {
		var err error
		out, err = d.stream(ctx, req, onPartial)
		return err
	})
	switch {
	case err == nil:
		return out, nil
	case openaiclient.IsConfig(err):
		var e *openaiclient.Error
		errors.As(err, &e)
		return out, fmt.Errorf("%w: %w", bot.ErrModelConfig, e)
	case openaiclient.IsContextLength(err):
		return out, fmt.Errorf("%w: %w", bot.ErrContextLength, err)
	}
	return out, fmt.Errorf("%w: couldn't draft with %s: %w", bot.ErrModelUnavailable, d.model, err)
}

// stream runs one streamed request, returning the text and the usage that
// the last, choice-less chunk reports.
func (d *Drafter) stream(ctx context.Context, req openai.ChatCompletionRequest, onPartial func(string)) (bot.Completion, error) {
	var out bot.Completion
	s, err := d.client.API.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return out, err
	}
	defer s.Close()
	var text strings.Builder
	for {
		resp, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, err
		}
		if resp.Usage != nil {
			out.Usage = bot.Usage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens, TotalTokens: resp.Usage.TotalTokens}
		}
		grew := false
		for _, c := range resp.Choices {
			if c.Index != 0 {
				continue
			}
			if c.Delta.Content != "" {
				text.WriteString(c.Delta.Content)
				grew = true
			}
			out.Refusal += c.Delta.Refusal
			if c.FinishReason != "" {
				out.FinishReason = string(c.FinishReason)
			}
		}
		if grew && onPartial != nil {
			onPartial(text.String())
		}
	}
	out.Text = text.String()
	if out.Usage.TotalTokens == 0 {
		out.Usage.TotalTokens = out.Usage.PromptTokens + out.Usage.CompletionTokens
	}
	return out, nil
}

// reasoningRoom is the completion tokens a reasoning model gets for its
// reasoning, on top of the reply's own limit.
const reasoningRoom = 2048

// reasoningModel reports whether model is one of OpenAI's reasoning
// models, also by the names routers and proxies give them ("openai/o3").
func reasoningModel(model string) bool {
	name := strings.ToLower(model[strings.LastIndexByte(model, '/')+1:])
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
