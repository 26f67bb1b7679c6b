package telemetry

import (
	"strings"
	"testing"
	"time"

	"github.com/articlebot/articlebot/bot"
)

func TestConversationGauges(t *testing.T) {
	m := New()
	st, err := bot.NewConversationStore(bot.ConversationOptions{MaxTurns: 6, MaxBytes: 1 << 20, MaxIdle: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Conversations(st.Stats); err != nil {
		t.Fatal(err)
	}
	st.Add("a", bot.Turn{Question: "q1", Answer: "a1"})
	st.Add("a", bot.Turn{Question: "q2", Answer: "a2"})
	st.Add("b", bot.Turn{Question: "q3", Answer: "a3"})
	_, body := get(t, Mux(m, &Health{}), "/metrics")
	for _, want := range []string{"articlebot_conversations 2", "articlebot_conversation_turns 3", "articlebot_conversation_bytes "} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "articlebot_conversation_bytes 0\n") {
		t.Error("bytes gauge is zero")
	}
	if err := m.Conversations(st.Stats); err == nil {
		t.Error("registering twice went unnoticed")
	}
}
