package openaitest

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"
)

func client(s *Server, key string) *openai.Client {
	cfg := openai.DefaultConfig(key)
	cfg.BaseURL = s.URL
	return openai.NewClientWithConfig(cfg)
}

func TestStreamWireFormat(t *testing.T) {
	s := New(t)
	s.SetChat(func(Request) Reply {
		return Reply{Content: "Fifteen thousand troops [1].", PromptTokens: 40, CompletionTokens: 7}
	})
	// Read the raw SSE: every event a data line, usage last with no
	// choices, then [DONE].
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/chat/completions", strings.NewReader(
		`{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"q"}]}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("content type %q", ct)
	}
	var events []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			if !strings.HasPrefix(line, "data: ") {
				t.Errorf("not a data line: %q", line)
			}
			events = append(events, strings.TrimPrefix(line, "data: "))
		}
	}
	if len(events) < 4 || events[len(events)-1] != "[DONE]" {
		t.Fatalf("events = %q", events)
	}
	last := events[len(events)-2]
	if !strings.Contains(last, `"choices":[]`) || !strings.Contains(last, `"total_tokens":47`) {
		t.Errorf("usage chunk = %s", last)
	}

	// And go-openai reads it: text, then a usage-only chunk.
	st, err := client(s, "").CreateChatCompletionStream(context.Background(), openai.ChatCompletionRequest{
		Model: "m", Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "q"}},
		StreamOptions: &openai.StreamOptions{IncludeUsage: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var text strings.Builder
	var usage *openai.Usage
	for {
		r, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Usage != nil {
			if len(r.Choices) != 0 {
				t.Error("the usage chunk has choices")
			}
			usage = r.Usage
		}
		for _, c := range r.Choices {
			text.WriteString(c.Delta.Content)
		}
	}
	if text.String() != "Fifteen thousand troops [1]." || usage == nil || usage.TotalTokens != 47 {
		t.Errorf("text %q, usage %+v", text.String(), usage)
	}
	if r := s.Requests(); len(r) != 2 || !r[1].IncludeUsage || !r[1].Stream {
		t.Errorf("requests = %+v", r)
	}
}

func TestEmbeddingsCarryIndexes(t *testing.T) {
	s := New(t)
	resp, err := client(s, "").CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{
		Input: []string{"alpha", "beta gamma", ""}, Model: "e",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := HashEmbed("e", []string{"alpha", "beta gamma", ""})
	for _, d := range resp.Data {
		if len(d.Embedding) != Dims || d.Embedding[0] != want[d.Index][0] {
			t.Errorf("embedding %d does not match its input", d.Index)
		}
	}
	if resp.Data[0].Index != 2 {
		t.Error("embeddings are not listed out of order; clients relying on order would pass")
	}
	if s.Count(Embeddings) != 1 || s.Inputs() != 3 {
		t.Errorf("count %d, inputs %d", s.Count(Embeddings), s.Inputs())
	}
}

func TestErrorsInOpenAIFormat(t *testing.T) {
	s := New(t)
	s.RequireKey("sk-right")
	_, err := client(s, "sk-wrong").CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{Input: []string{"x"}, Model: "e"})
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 401 || apiErr.Code != "invalid_api_key" {
		t.Errorf("err = %#v", err)
	}
	s.RequireKey("")
	s.Fail(Chat, TooManyRequests("3"), 1)
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/chat/completions", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"q"}]}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestPassagesAndDefaultReply(t *testing.T) {
	prompt := "<passages>\n<passage n=\"1\" article=\"A\" section=\"S\">\nThe harbour reopened on Monday. Ferries resume in June.\n</passage>\n</passages>"
	if got := Passages(prompt)[1]; got != "The harbour reopened on Monday. Ferries resume in June." {
		t.Errorf("passage 1 = %q", got)
	}
	r := CiteFirstPassage(Request{Messages: []Message{{Role: "user", Content: prompt}}})
	if r.Content != "The harbour reopened on Monday. [1]" {
		t.Errorf("reply = %q", r.Content)
	}
}
