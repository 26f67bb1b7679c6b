package bot

import (
	"context"
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/articlebot/articlebot/internal/openaitest"
)

// waitWaiters blocks until n callers share the one flight in g.
func waitWaiters[T any](t *testing.T, g *flights[T], n int) {
	t.Helper()
	for {
		g.mu.Lock()
		got := 0
		for _, f := range g.m {
			f.mu.Lock()
			got += f.waiters
			f.mu.Unlock()
		}
		g.mu.Unlock()
		if got >= n {
			return
		}
		// Polls while the callers start; it ends as soon as they have
		// joined and proves nothing by waiting.
		runtime.Gosched()
	}
}

// heldChat is a fake API whose chat replies wait until release is closed.
func heldChat(t *testing.T) (*openaitest.Server, chan struct{}) {
	srv := openaitest.New(t)
	release := make(chan struct{})
	srv.SetChat(func(req openaitest.Request) openaitest.Reply {
		<-release
		return openaitest.CiteFirstPassage(req)
	})
	return srv, release
}

func TestIdenticalQuestionsAtOnceAreDraftedOnce(t *testing.T) {
	srv, release := heldChat(t)
	// All ask before any answer is cached: only sharing the drafting
	// can save the requests.
	svc, _ := newLLMService(t, srv, llmSetup{remoteEmbeddings: true, key: "k"})
	const n = 20
	answers := make([]*Answer, n)
	partials := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			a, err := svc.AskStream(context.Background(), troopsQ, func(string) { partials[i]++ })
			if err != nil {
				t.Errorf("caller %d: %v", i, err)
			}
			answers[i] = a
		})
	}
	waitWaiters(t, &svc.answering, n)
	close(release)
	wg.Wait()
	if c, e := srv.Count(openaitest.Chat), srv.Count(openaitest.Embeddings); c != 1 || e != 1 {
		t.Errorf("%d chat and %d embedding requests for %d identical questions, want 1 and 1", c, e, n)
	}
	tokens := 0
	for i, a := range answers {
		if a == nil || a.Text != answers[0].Text || len(a.Sources) == 0 {
			t.Fatalf("caller %d: %+v", i, a)
		}
		if partials[i] == 0 {
			t.Errorf("caller %d saw none of the streamed text", i)
		}
		tokens += a.Usage.CompletionTokens
	}
	if max := maxTokens(answers); tokens != max || tokens == 0 {
		// Only the caller that drafted reports the tokens.
		var each []int
		for _, a := range answers {
			each = append(each, a.Usage.CompletionTokens)
		}
		t.Errorf("completion tokens per caller %v: want them counted once", each)
	}
	// Each caller has its own copy.
	answers[1].Sources[0].Quote = "changed"
	if answers[2].Sources[0].Quote == "changed" {
		t.Error("callers share one answer value")
	}
}

func TestACallerGivingUpDoesntFailTheOthers(t *testing.T) {
	srv, release := heldChat(t)
	svc, _ := newLLMService(t, srv, llmSetup{key: "k"})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := svc.Ask(ctx, troopsQ)
		first <- err
	}()
	waitWaiters(t, &svc.answering, 1)
	second := make(chan *Answer, 1)
	go func() {
		a, err := svc.Ask(context.Background(), troopsQ)
		if err != nil {
			t.Error(err)
		}
		second <- a
	}()
	waitWaiters(t, &svc.answering, 2)
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that gave up: %v", err)
	}
	close(release)
	if a := <-second; a == nil || a.Drafter != DrafterLLM || a.Note != "" {
		t.Errorf("the caller that stayed: %+v", a)
	}
	if c := srv.Count(openaitest.Chat); c != 1 {
		t.Errorf("%d chat requests, want 1", c)
	}
}

func TestSummariesAreCached(t *testing.T) {
	srv := openaitest.New(t)
	svc, _ := newLLMService(t, srv, llmSetup{key: "k", opt: Options{CacheSize: 8}})
	ctx := context.Background()
	first, err := svc.Summarize(ctx, Short, "")
	if err != nil {
		t.Fatal(err)
	}
	cost := srv.Count(openaitest.Chat)
	if cost == 0 || first.Usage.CompletionTokens == 0 {
		t.Fatalf("the first summary cost %d requests, %d tokens", cost, first.Usage.CompletionTokens)
	}
	again, err := svc.Summarize(ctx, Short, "")
	if err != nil {
		t.Fatal(err)
	}
	if srv.Count(openaitest.Chat) != cost || again.Text != first.Text || again.Usage != (Usage{}) {
		t.Errorf("a repeated summary cost %d more requests, %+v tokens", srv.Count(openaitest.Chat)-cost, again.Usage)
	}
	// "What is this article about?" is the short summary: cached too.
	if _, err := svc.Ask(ctx, "What is this article about?"); err != nil || srv.Count(openaitest.Chat) != cost {
		t.Errorf("the about question cost %d more requests (%v)", srv.Count(openaitest.Chat)-cost, err)
	}
	// Another length or section is another summary.
	if _, err := svc.Summarize(ctx, Long, ""); err != nil || srv.Count(openaitest.Chat) == cost {
		t.Errorf("a long summary came from the short one's cache (%v)", err)
	}
	// A copy: changing it doesn't change the cache.
	again.Sources[0].Quote = "changed"
	if third, _ := svc.Summarize(ctx, Short, ""); third.Sources[0].Quote == "changed" {
		t.Error("the cache hands out its own value")
	}
}

func TestSummaryKeyNamesEverythingASummaryDependsOn(t *testing.T) {
	base := summaryKey("", Short, "", "v1", "m")
	for name, k := range map[string]string{
		"story": summaryKey("s1", Short, "", "v1", "m"), "length": summaryKey("", Long, "", "v1", "m"),
		"section": summaryKey("", Short, "Sec", "v1", "m"), "version": summaryKey("", Short, "", "v2", "m"),
		"model": summaryKey("", Short, "", "v1", "m2"),
	} {
		if k == base {
			t.Errorf("the key ignores the %s", name)
		}
	}
}

func maxTokens(answers []*Answer) int {
	m := 0
	for _, a := range answers {
		m = max(m, a.Usage.CompletionTokens)
	}
	return m
}

// A cached answer is the answer the question would get fresh: a question
// asked first in lower case ("who won the world cup?") hands its answer to
// no later one that differs from it, as the offline answerer reads
// capitals as names.
func TestCachedAnswersAreTheFreshOnes(t *testing.T) {
	f, err := os.Open("../testdata/qa.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := ReadEvalCases(f)
	if err != nil {
		t.Fatal(err)
	}
	c, r := builtinRetriever(t)
	cached := New(c, r, Options{CacheSize: 256, CacheTTL: time.Hour})
	fresh := New(c, r, Options{})
	ctx := context.Background()
	differ := 0
	for _, tc := range cases {
		lower := strings.ToLower(tc.Question)
		if lower == tc.Question {
			continue
		}
		if _, err := cached.Ask(ctx, lower); err != nil {
			t.Fatal(err)
		}
		got, err := cached.Ask(ctx, tc.Question)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fresh.Ask(ctx, tc.Question)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != want.Text {
			t.Errorf("%q asked after %q:\n got %q\nwant %q", tc.Question, lower, got.Text, want.Text)
		}
		if l, _ := fresh.Ask(ctx, lower); l.Text != want.Text {
			differ++
		}
	}
	// The test proves something only while case changes some answer.
	if differ == 0 {
		t.Skip("no answer depends on its question's case: nothing was shown")
	}
	t.Logf("%d answers depend on their question's case", differ)
}
