package telemetry

import (
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/articlebot/articlebot/bot"
)

// The README lists every articlebot metric with its labels, as /metrics
// exports them.
func TestReadmeListsTheMetrics(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := New()
	m.Observe(bot.Event{Outcome: bot.OutcomeAnswered, Drafter: bot.DrafterLLM, Latency: time.Second, Fallback: true,
		Usage: bot.Usage{PromptTokens: 1, CompletionTokens: 1}})
	m.Error("discord_send")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	labels := map[string][]string{}
	series := regexp.MustCompile(`(?m)^(articlebot_\w+?)(?:_bucket|_sum|_count)?(?:\{([^}]*)\})? `)
	for _, s := range series.FindAllStringSubmatch(string(body), -1) {
		name := s[1]
		if _, ok := labels[name]; !ok {
			labels[name] = nil
		}
		for _, kv := range strings.Split(s[2], ",") {
			if k, _, ok := strings.Cut(kv, "="); ok && k != "le" && !slices.Contains(labels[name], k) {
				labels[name] = append(labels[name], k)
			}
		}
	}
	if len(labels) < 7 {
		t.Fatalf("only %d metrics scraped:\n%s", len(labels), body)
	}
	for name, ls := range labels {
		want := "`" + name + "`"
		if len(ls) > 0 {
			slices.Sort(ls)
			want = "`" + name + "{" + strings.Join(ls, ",") + "}`"
		}
		if !strings.Contains(string(readme), want) {
			t.Errorf("README doesn't list %s", want)
		}
	}
	for _, doc := range regexp.MustCompile("`(articlebot_\\w+)").FindAllStringSubmatch(string(readme), -1) {
		if _, ok := labels[doc[1]]; !ok {
			t.Errorf("README lists %s, which /metrics doesn't export", doc[1])
		}
	}
}
