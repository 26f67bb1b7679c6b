package bot

import (
	"context"
	"fmt"
	"log/slog"
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

// A summary that reproduces its instructions (a story whose text tells
// the model to print them, say) is never shown: the extractive summary
// takes its place, once the model has been asked just once.
func TestLLMSummaryEchoingTheInstructionsIsNotShown(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: r.System() + " [1]\n" + r.Last("user")[strings.LastIndex(r.Last("user"), "\n")+1:] + " [2]"}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	for _, l := range []Length{Short, Medium, Long} {
		sum, err := svc.Summarize(context.Background(), l, "")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Drafter != DrafterExtractive || strings.Contains(sum.Text, "Rules") || strings.Contains(sum.Text, "summary") {
			t.Errorf("%s summary = %+v", l, sum)
		}
	}
	if n := srv.Count(openaitest.Chat); n != 3 {
		t.Errorf("%d chat requests, want 1 for each length", n)
	}
}

// A sentence its cited passages don't support is dropped from the answer
// and logged, with the sentence, for whoever checks the model.
func TestLLMUnsupportedSentenceIsLogged(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: troopsReply(r) + " Bananas ripen slowly in Peru [1]."}
	})
	var logs strings.Builder
	svc, _ := newLLMService(t, srv, llmSetup{opt: Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}})
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.Text, "Bananas") || !strings.Contains(a.Text, "15,000") {
		t.Errorf("answer = %q", a.Text)
	}
	if !strings.Contains(logs.String(), "don't support") || !strings.Contains(logs.String(), "Bananas ripen slowly in Peru") {
		t.Errorf("the dropped sentence isn't logged:\n%s", logs.String())
	}
}

// A summary is held to finish_reason as an answer is: one the server's
// filter stopped, or the model refused, is not shown (the extractive
// summary takes its place); one cut off at the token limit loses its
// unfinished sentence, even when that sentence already cites a passage.
func TestLLMSummaryFinishReasons(t *testing.T) {
	summary := func(r openaitest.Request) string {
		n := passageWith(openaitest.Passages(r.Last("user")), "15,000")
		return fmt.Sprintf("Kim Jong-un reaffirmed support for Russia [1]. North Korea sent troops [%d].", n)
	}
	tests := []struct {
		name  string
		reply func(r openaitest.Request) openaitest.Reply
		check func(t *testing.T, sum *Summary)
	}{
		{"content filter", func(r openaitest.Request) openaitest.Reply {
			return openaitest.Reply{Content: summary(r), FinishReason: FinishContentFilter}
		}, func(t *testing.T, sum *Summary) {
			if sum.Drafter != DrafterExtractive {
				t.Errorf("a filtered summary is shown: %q", sum.Text)
			}
		}},
		{"the model's refusal", func(r openaitest.Request) openaitest.Reply {
			return openaitest.Reply{Content: summary(r), Refusal: "I can't help with that."}
		}, func(t *testing.T, sum *Summary) {
			if sum.Drafter != DrafterExtractive {
				t.Errorf("a refused summary is shown: %q", sum.Text)
			}
		}},
		{"cut off", func(r openaitest.Request) openaitest.Reply {
			return openaitest.Reply{Content: summary(r) + " Kim also pledged [1] to", FinishReason: FinishLength}
		}, func(t *testing.T, sum *Summary) {
			if sum.Drafter != DrafterLLM || sum.Text != "Kim Jong-un reaffirmed support for Russia [1]. North Korea sent troops [2]." {
				t.Errorf("summary %q by %s", sum.Text, sum.Drafter)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.SetChat(tt.reply)
			svc, _ := newLLMService(t, srv, llmSetup{})
			sum, err := svc.Summarize(context.Background(), Short, "")
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, sum)
		})
	}
}

// A note of the map step that the filter stopped or the model refused
// never reaches the summary's prompt; one cut off loses its unfinished
// sentence.
func TestLLMSummaryNotesFinishReasons(t *testing.T) {
	srv := openaitest.New(t)
	var reduce string
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		u := r.Last("user")
		if strings.HasPrefix(u, "<notes>") {
			reduce = u
			return openaitest.Reply{Content: "Kim Jong-un reaffirmed support for Russia [1]."}
		}
		ps := openaitest.Passages(u)
		if _, first := ps[1]; first {
			return openaitest.Reply{Content: "- FILTERED note [1]", FinishReason: FinishContentFilter}
		}
		var lines []string
		for n := range ps {
			lines = append(lines, fmt.Sprintf("- %s [%d]", openaitest.FirstSentence(ps[n]), n))
		}
		return openaitest.Reply{Content: strings.Join(lines, "\n") + "\n- And then UNFINISHED [2] to", FinishReason: FinishLength}
	})
	svc, _ := newLLMService(t, srv, llmSetup{opt: Options{ContextBudget: 1500}})
	if _, err := svc.Summarize(context.Background(), Long, ""); err != nil {
		t.Fatal(err)
	}
	if reduce == "" || strings.Contains(reduce, "FILTERED") || strings.Contains(reduce, "UNFINISHED") {
		t.Errorf("the summary's prompt:\n%s", reduce)
	}
}
