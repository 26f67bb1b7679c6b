package main

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/articlebot/articlebot/internal/config"
	"github.com/articlebot/articlebot/internal/discordtest"
	"github.com/articlebot/articlebot/internal/openaitest"
)

// The load tests run the real wiring (NewApp, serve) with the default
// configuration against a fake Discord, offline or drafting with a fast
// fake model, and send many /ask interactions at once.

// soakQuestions are five distinct questions about the built-in article.
var soakQuestions = []string{
	"How many troops has North Korea sent to Russia?",
	"When did Kim and Putin speak on the phone?",
	"What world order did Kim call for?",
	"What did Kim send Putin for his birthday?",
	"What is the alliance between Pyongyang and Moscow?",
}

// served is a running `articlebot serve` with its fakes.
type served struct {
	discord *discordtest.Server
	openai  *openaitest.Server // nil offline
	stop    func()
}

// serveDefaults runs serve with config.Default() against a fake Discord;
// with llm, answers are drafted and passages embedded by a fake OpenAI API
// that answers at once.
func serveDefaults(tb testing.TB, llm bool) *served {
	tb.Helper()
	s := &served{discord: discordtest.New(tb)}
	cfg := config.Default()
	cfg.DataDir = tb.TempDir()
	cfg.Discord.Token = config.Secret(s.discord.Token)
	cfg.Discord.APIURL = s.discord.URL
	cfg.Log.Level = "error"
	if llm {
		s.openai = openaitest.New(tb)
		cfg.OpenAI.BaseURL, cfg.OpenAI.APIKey = s.openai.URL, "test-key"
	}
	if err := cfg.Validate(); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := NewApp(ctx, cfg, AppOptions{Serve: true})
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("serve: %v", err)
			}
			a.Close()
		})
	}
	tb.Cleanup(s.stop)
	s.discord.WaitFor(tb, "the commands to be registered", func() bool { return len(s.discord.Commands("")) == 5 })
	if s.openai != nil {
		s.openai.Reset()
	}
	return s
}

// loadReport is what a load run saw.
type loadReport struct {
	Sent, Answered, Busy, Lost int
	// Ack and Answer are the latencies from dispatch to the first response
	// and to the final reply.
	Ack, Answer []time.Duration
}

func (r loadReport) String() string {
	return fmt.Sprintf("sent %d: answered %d, busy %d, lost %d; ack p50 %v p99 %v; answer p50 %v p99 %v",
		r.Sent, r.Answered, r.Busy, r.Lost, pct(r.Ack, 50), pct(r.Ack, 99), pct(r.Answer, 50), pct(r.Answer, 99))
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)].Round(100 * time.Microsecond)
}

// load sends n /ask interactions, each from its own user, over the five
// questions, with at most inFlight unanswered at once, and waits for every
// final reply (a bound against a hung run; the unanswered count as lost).
func (s *served) load(tb testing.TB, n, inFlight int) loadReport {
	tb.Helper()
	type sent struct {
		token string
		at    time.Time
	}
	all := make([]sent, n)
	// One watcher notices final replies and frees their places in flight;
	// a goroutine per interaction, each woken by every change the fake
	// records, would cost more CPU than the bot.
	free := make(chan int, n)
	var mu sync.Mutex
	pending := map[int]bool{}
	sentAll := false
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		done := func() bool {
			mu.Lock()
			defer mu.Unlock()
			for i := range pending {
				if final(s.discord.Interaction(all[i].token)) {
					delete(pending, i)
					free <- i
				}
			}
			return sentAll && len(pending) == 0
		}
		// Woken by the fake's changes; the short bound re-checks what
		// changed while an interaction was being added. Latencies come
		// from the fake's records, not from when this notices.
		for ctx.Err() == nil {
			wctx, wcancel := context.WithTimeout(ctx, 50*time.Millisecond)
			err := s.discord.Await(wctx, done)
			wcancel()
			if err == nil {
				return
			}
		}
	}()
	for i := range n {
		if i >= inFlight {
			select {
			case <-free:
			case <-ctx.Done():
			}
		}
		inv := discordtest.Slash("ask", discordtest.String("question", soakQuestions[i%len(soakQuestions)]))
		inv.UserID = fmt.Sprintf("61%017d", i)
		// Timed from when the event is on the wire: the fake writes it
		// under a lock its REST handlers share, which Discord doesn't.
		token := s.discord.Interact(inv)
		mu.Lock()
		all[i] = sent{token: token, at: time.Now()}
		pending[i] = true
		sentAll = i == n-1
		mu.Unlock()
	}
	<-watched
	rep := loadReport{Sent: n}
	calls := map[string][]discordtest.Call{}
	for _, c := range s.discord.Calls() {
		for _, part := range strings.Split(c.Path, "/") {
			if strings.HasPrefix(part, "itoken-") {
				calls[part] = append(calls[part], c)
			}
		}
	}
	for _, x := range all {
		in := s.discord.Interaction(x.token)
		switch {
		case !final(in):
			rep.Lost++
			continue
		case strings.Contains(in.Text(), "answering a lot of questions"):
			rep.Busy++
		case len(in.Original.Embeds) > 0:
			rep.Answered++
		}
		var ack, last time.Time
		for _, c := range calls[x.token] {
			if c.Status/100 != 2 {
				continue
			}
			if strings.HasSuffix(c.Path, "/callback") && ack.IsZero() {
				ack = c.At
			}
			last = c.At
		}
		rep.Ack = append(rep.Ack, ack.Sub(x.at))
		rep.Answer = append(rep.Answer, last.Sub(x.at))
	}
	return rep
}

// final reports whether an interaction has its final reply: a message
// response, or a deferred one edited into anything but progress.
func final(in *discordtest.Interaction) bool {
	if in == nil || len(in.Callbacks) == 0 || in.Original == nil {
		return false
	}
	if in.Callbacks[0] == discordtest.CallbackMessage {
		return true
	}
	return in.Original.Edits > 0 && !strings.HasSuffix(in.Original.Content, " …")
}

func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// TestBurstOfAHundredIsAnswered: 100 simultaneous /asks with the default
// configuration all get an answer, none "busy" (before: 8 of 100).
func TestBurstOfAHundredIsAnswered(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test")
	}
	for _, llm := range []bool{false, true} {
		t.Run(map[bool]string{false: "offline", true: "llm"}[llm], func(t *testing.T) {
			s := serveDefaults(t, llm)
			rep := s.load(t, 100, 100)
			if rep.Answered != 100 {
				t.Errorf("%v", rep)
			}
			t.Log(rep)
		})
	}
}

// BenchmarkLoad reports what users feel under load, through the real
// wiring with the default configuration: answered, busy, lost, the
// acknowledgement and answer latencies, the model requests (LLM mode) and
// the heap before and after (the fakes' records of every call included).
//
//	go test ./cmd/articlebot -run '^$' -bench Load -benchtime 1x
func BenchmarkLoad(b *testing.B) {
	for _, tc := range []struct {
		name        string
		llm         bool
		n, inFlight int
	}{
		{"burst100/offline", false, 100, 100},
		{"burst100/llm", true, 100, 100},
		{"soak1000/offline", false, 1000, 200},
		{"soak1000/llm", true, 1000, 200},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := serveDefaults(b, tc.llm)
				before := heapMB()
				b.StartTimer()
				rep := s.load(b, tc.n, tc.inFlight)
				b.StopTimer()
				after := heapMB()
				b.ReportMetric(float64(rep.Answered), "answered")
				b.ReportMetric(float64(rep.Busy), "busy")
				b.ReportMetric(float64(rep.Lost), "lost")
				b.ReportMetric(float64(pct(rep.Ack, 50).Microseconds())/1000, "ack-p50-ms")
				b.ReportMetric(float64(pct(rep.Ack, 99).Microseconds())/1000, "ack-p99-ms")
				b.ReportMetric(float64(pct(rep.Answer, 50).Microseconds())/1000, "answer-p50-ms")
				b.ReportMetric(float64(pct(rep.Answer, 99).Microseconds())/1000, "answer-p99-ms")
				b.ReportMetric(before, "heap-before-MB")
				b.ReportMetric(after, "heap-after-MB")
				if s.openai != nil {
					b.ReportMetric(float64(s.openai.Count(openaitest.Chat)), "chat-requests")
					b.ReportMetric(float64(s.openai.Count(openaitest.Embeddings)), "embedding-requests")
				}
				s.stop()
				b.StartTimer()
			}
		})
	}
}
