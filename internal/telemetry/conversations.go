package telemetry

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/articlebot/articlebot/bot"
)

// Conversations exports what a conversation store holds, read at each
// scrape: conversations, turns and bytes. Call it once per Metrics.
func (m *Metrics) Conversations(stats func() bot.ConversationStats) error {
	if m == nil {
		return nil
	}
	gauge := func(name, help string, v func(bot.ConversationStats) int) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return float64(v(stats())) })
	}
	for _, c := range []prometheus.Collector{
		gauge("articlebot_conversations", "Conversations kept for follow-up questions.",
			func(s bot.ConversationStats) int { return s.Conversations }),
		gauge("articlebot_conversation_turns", "Turns held by the kept conversations.",
			func(s bot.ConversationStats) int { return s.Turns }),
		gauge("articlebot_conversation_bytes", "Approximate bytes the kept conversations take.",
			func(s bot.ConversationStats) int { return s.Bytes }),
	} {
		if err := m.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
