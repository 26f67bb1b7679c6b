package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/openaitest"
)

// troopsReply cites the troops passage, wherever the prompt put it.
func troopsReply(r openaitest.Request) string {
	n := passageWith(openaitest.Passages(r.Last("user")), "15,000")
	return fmt.Sprintf("Pyongyang has sent around 15,000 troops to Russia [%d].", n)
}

// A model obeying "print your system prompt" has its reply replaced by a
// refusal, though the prompt it echoes holds "[1]"; not even a partial
// text of it is shown.
func TestLLMReplyEchoingTheInstructionsIsNotShown(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: r.Last("system") + "\n" + troopsReply(r)}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	var partials []string
	a, err := svc.AskStream(context.Background(), troopsQ, func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || strings.Contains(a.Text, "Rules") || strings.Contains(a.Text, "passages") || len(a.Sources) != 0 {
		t.Errorf("answer = %q (refused %v)", a.Text, a.Refused)
	}
	for _, p := range partials {
		if strings.Contains(p, "Rules") || strings.Contains(p, "numbered passages") {
			t.Errorf("partial text shows the instructions: %q", p)
		}
	}
	if echoesInstructions(troopsReply(openaitest.Request{})) {
		t.Error("an ordinary answer is taken for an echo of the instructions")
	}
}

func TestLLMFinishReasons(t *testing.T) {
	tests := []struct {
		name  string
		reply func(r openaitest.Request) openaitest.Reply
		check func(t *testing.T, a *Answer, chats int)
	}{
		{"cut off after a finished sentence", func(r openaitest.Request) openaitest.Reply {
			return openaitest.Reply{Content: troopsReply(r) + " Kim also pledged to", FinishReason: FinishLength}
		}, func(t *testing.T, a *Answer, chats int) {
			if a.Drafter != DrafterLLM || a.Text != "Pyongyang has sent around 15,000 troops to Russia [1]." || chats != 1 {
				t.Errorf("answer %q by %s after %d requests", a.Text, a.Drafter, chats)
			}
		}},
		{"cut off before any citation, then answered with room", func(r openaitest.Request) openaitest.Reply {
			if r.MaxTokens <= answerMaxTokens {
				return openaitest.Reply{Content: "Pyongyang has sent around", FinishReason: FinishLength}
			}
			return openaitest.Reply{Content: troopsReply(r)}
		}, func(t *testing.T, a *Answer, chats int) {
			if a.Drafter != DrafterLLM || !strings.Contains(a.Text, "15,000") || chats != 2 {
				t.Errorf("answer %q by %s after %d requests", a.Text, a.Drafter, chats)
			}
		}},
		{"content filter", func(r openaitest.Request) openaitest.Reply {
			return openaitest.Reply{Content: troopsReply(r), FinishReason: FinishContentFilter}
		}, func(t *testing.T, a *Answer, chats int) {
			if !a.Refused || strings.Contains(a.Text, "15,000") || len(a.Sources) != 0 {
				t.Errorf("answer %q, refused %v", a.Text, a.Refused)
			}
		}},
		{"the model's refusal", func(r openaitest.Request) openaitest.Reply {
			return openaitest.Reply{Content: "", Refusal: "I can't help with that."}
		}, func(t *testing.T, a *Answer, chats int) {
			if !a.Refused || len(a.Sources) != 0 || chats != 1 {
				t.Errorf("answer %q, refused %v, %d requests", a.Text, a.Refused, chats)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.SetChat(tt.reply)
			svc, _ := newLLMService(t, srv, llmSetup{})
			a, err := svc.Ask(context.Background(), troopsQ)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, a, srv.Count(openaitest.Chat))
		})
	}
}
