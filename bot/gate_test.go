package bot

import "testing"

func TestOffTopicGate(t *testing.T) {
	g := fitGate([][]topicScores{
		{{Coverage: 0.8, Lead: 0.2}},
		// A two-part question counts by its best part on each score.
		{{Coverage: 0.3, Lead: 0.01}, {Coverage: 0.1, Lead: 0.05}},
		{{Coverage: 0.6, Lead: 0.04}},
	})
	if want := (OffTopicGate{Coverage: 0.15, Lead: 0.02}); g != want {
		t.Fatalf("fitGate = %+v, want %+v", g, want)
	}
	for _, tt := range []struct {
		parts []topicScores
		want  bool
	}{
		{[]topicScores{{Coverage: 0.1, Lead: 0.01}}, false},
		// Either ranking is enough: words the story lacks, or an
		// embedding that doesn't single a passage out.
		{[]topicScores{{Coverage: 0.1, Lead: 0.3}}, true},
		{[]topicScores{{Coverage: 0.5, Lead: 0}}, true},
		// So is any part.
		{[]topicScores{{Coverage: 0.1, Lead: 0.01}, {Coverage: 0.2, Lead: 0}}, true},
		{nil, false},
	} {
		if got := g.onTopic(tt.parts); got != tt.want {
			t.Errorf("onTopic(%+v) = %v, want %v", tt.parts, got, tt.want)
		}
	}
	if l := lead([]float64{0.5, 0.1, 0.2, 0.3}); l < 0.299 || l > 0.301 {
		t.Errorf("lead = %v, want 0.3", l)
	}
}
