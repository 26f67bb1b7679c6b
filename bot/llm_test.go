package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/internal/openaiclient"
	"github.com/articlebot/articlebot/internal/openaitest"
	"github.com/articlebot/articlebot/retrieval"
)

const troopsQ = "How many troops has North Korea sent to Russia?"

// llmSetup configures a test service drafting through the fake server.
type llmSetup struct {
	remoteEmbeddings bool
	key              string
	retries          int
	opt              Options
}

// waits records retry backoff instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err()
}

func (w *waits) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// newLLMService builds a service over the built-in article whose drafter,
// and optionally embedder, is the fake server. Requests made while building
// the index are forgotten.
func newLLMService(t testing.TB, srv *openaitest.Server, setup llmSetup) (*Service, *waits) {
	t.Helper()
	w := &waits{}
	client := openaiclient.New(openaiclient.Config{
		BaseURL: srv.URL, APIKey: setup.key, MaxRetries: setup.retries, Timeout: 10 * time.Second,
		HTTPClient: srv.Client(), Backoff: openaiclient.Backoff{Sleep: w.sleep},
	})
	c, err := corpus.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ropt := retrieval.Options{Expand: retrieval.Expand}
	if setup.remoteEmbeddings {
		emb := retrieval.NewOpenAIEmbedder(client, "embed-test")
		ropt.Embed, ropt.EmbedDocuments = emb.Embed, emb.EmbedDocuments
		ropt.LexicalFallback = func(err error) bool { return !openaiclient.IsConfig(err) }
		setup.opt.PrepareQueries = emb.Prefetch
	}
	ix, err := retrieval.Build(context.Background(), c.Chunks(), ropt)
	if err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	setup.opt.Drafter = testDrafter(client, "chat-test")
	setup.opt.Model = "chat-test"
	return New(c, testRetriever(ix), setup.opt), w
}

// lastPrompt returns the passages of the last chat request, by number.
func lastPassages(t *testing.T, srv *openaitest.Server) map[int]string {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Endpoint == openaitest.Chat {
			return openaitest.Passages(reqs[i].Last("user"))
		}
	}
	t.Fatal("no chat request")
	return nil
}

func TestLLMAnswerOneEmbeddingOneChat(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		ps := openaitest.Passages(r.Last("user"))
		for n := 1; n <= len(ps); n++ {
			if strings.Contains(ps[n], "15,000") {
				return openaitest.Reply{Content: fmt.Sprintf("Pyongyang has sent around 15,000 troops to Russia [%d]. It also sent weaponry to assist Moscow [%d].", n, n)}
			}
		}
		return openaitest.Reply{Content: refusalMarker + " The article doesn't say."}
	})
	svc, _ := newLLMService(t, srv, llmSetup{remoteEmbeddings: true})
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if e, c := srv.Count(openaitest.Embeddings), srv.Count(openaitest.Chat); e != 1 || c != 1 {
		t.Errorf("%d embedding and %d chat requests, want 1 and 1", e, c)
	}
	if a.Drafter != DrafterLLM || a.Refused || !strings.Contains(a.Text, "15,000") {
		t.Fatalf("answer = %+v", a)
	}
	checkCitations(t, a.Text, a.Sources)
	if len(a.Sources) != 1 || !strings.Contains(a.Sources[0].Passage, "15,000") || !strings.Contains(a.Sources[0].Quote, "15,000") {
		t.Errorf("[1] doesn't map to the troops passage: %+v", a.Sources)
	}
	if a.Usage.PromptTokens == 0 || a.Usage.CompletionTokens == 0 || a.Usage.TotalTokens != a.Usage.PromptTokens+a.Usage.CompletionTokens {
		t.Errorf("usage = %+v", a.Usage)
	}
	req := srv.Requests()[1]
	if !req.Stream || !req.IncludeUsage || req.Model != "chat-test" || req.MaxTokens == 0 {
		t.Errorf("chat request = %+v", req)
	}
}

// passageWith is the number of the first passage holding sub; 0 if none.
func passageWith(ps map[int]string, sub string) int {
	for n := 1; n <= len(ps); n++ {
		if strings.Contains(ps[n], sub) {
			return n
		}
	}
	return 0
}

// The sentence citing nothing is dropped (every sentence must be
// supported by a passage it cites); the others keep their citations,
// renumbered by first use.
func TestLLMCitationsCleanedAndRenumbered(t *testing.T) {
	srv := openaitest.New(t)
	var troops, other int
	var first string
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		ps := openaitest.Passages(r.Last("user"))
		troops, other = passageWith(ps, "15,000"), 1
		if troops == 1 {
			other = 2
		}
		first = strings.TrimSuffix(openaitest.FirstSentence(ps[other]), ".")
		return openaitest.Reply{Content: fmt.Sprintf("North Korea sent 15,000 troops [%d][9]. %s [%d, %d]. He visited nowhere [12].", troops, first, other, troops)}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if troops == 0 {
		t.Fatal("the prompt lacks the troops passage")
	}
	want := "North Korea sent 15,000 troops [1]. " + first + " [2][1]."
	if a.Text != want {
		t.Errorf("text = %q\nwant   %q", a.Text, want)
	}
	ps := lastPassages(t, srv)
	if len(a.Sources) != 2 || a.Sources[0].Passage != ps[troops] || a.Sources[1].Passage != ps[other] {
		t.Errorf("sources don't follow the passages cited: %+v", a.Sources)
	}
	checkCitations(t, a.Text, a.Sources)
}

func TestLLMUncitedReplyIsRegeneratedThenReplaced(t *testing.T) {
	srv := openaitest.New(t)
	calls := 0
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		calls++
		if calls == 1 || strings.Contains(r.Last("user"), "previous reply cited no passage") && calls > 2 {
			return openaitest.Reply{Content: "Lots of troops were sent."}
		}
		return openaitest.Reply{Content: "About 15,000 troops were sent [1]."}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Count(openaitest.Chat) != 2 || a.Drafter != DrafterLLM || a.Text != "About 15,000 troops were sent [1]." {
		t.Errorf("regenerated once: %d requests, answer %+v", srv.Count(openaitest.Chat), a)
	}
	if !strings.Contains(srv.Requests()[1].Last("user"), "previous reply cited no passage") {
		t.Error("the second prompt doesn't insist on citations")
	}

	// Never cited: the extractive answer, never the uncited text.
	srv.Reset()
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: "Lots of troops were sent."}
	})
	svc, _ = newLLMService(t, srv, llmSetup{})
	var partials []string
	a, err = svc.AskStream(context.Background(), troopsQ, func(text string) { partials = append(partials, text) })
	if err != nil {
		t.Fatal(err)
	}
	if len(partials) != 0 {
		t.Errorf("the uncited reply was streamed: %q", partials)
	}
	if srv.Count(openaitest.Chat) != 2 || a.Drafter != DrafterExtractive || strings.Contains(a.Text, "Lots of") || !strings.Contains(a.Text, "15,000") {
		t.Errorf("uncited twice: %d requests, answer %+v", srv.Count(openaitest.Chat), a)
	}
	if a.Usage.TotalTokens == 0 {
		t.Error("the tokens spent on the rejected replies are not recorded")
	}
	checkCitations(t, a.Text, a.Sources)
}

func TestLLMRefusal(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: refusalMarker + " El artículo no lo dice [2]."}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || len(a.Sources) != 0 || a.Text != "El artículo no lo dice." || a.Drafter != DrafterLLM {
		t.Errorf("refusal = %+v", a)
	}
	// A refusal that forgot the marker is still recognised, not retried.
	srv.Reset()
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: "The passages don't say how many troops were sent."}
	})
	a, err = svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Count(openaitest.Chat) != 1 || !a.Refused || len(a.Sources) != 0 || a.Text != "The passages don't say how many troops were sent." {
		t.Errorf("unmarked refusal after %d requests = %+v", srv.Count(openaitest.Chat), a)
	}
}

// An uncited reply that says "did not say" about one thing and claims
// another is no refusal: it is regenerated, then replaced by the extractive
// answer, never shown.
func TestUncitedClaimBesideARefusalIsNotShown(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: "Kim did not say when. Around 15,000 troops were sent to Russia."}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || a.Drafter != DrafterExtractive || len(a.Sources) == 0 || strings.Contains(a.Text, "Kim did not say when") {
		t.Errorf("uncited claim shown: %+v", a)
	}
	if n := srv.Count(openaitest.Chat); n != 2 {
		t.Errorf("%d chat requests, want 2 (one regeneration)", n)
	}
}

func TestLLMRefusalStreamsAsItEnds(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Chunks: []string{refusalMarker, " El artículo", " no lo dice", " [2", "]."}}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	var partials []string
	a, err := svc.AskStream(context.Background(), troopsQ, func(text string) { partials = append(partials, text) })
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || a.Text != "El artículo no lo dice." {
		t.Fatalf("refusal = %+v", a)
	}
	prev := ""
	for _, p := range partials {
		if !strings.HasPrefix(p, prev) || !strings.HasPrefix(a.Text, p) {
			t.Errorf("partial %q doesn't continue %q or lead to %q", p, prev, a.Text)
		}
		prev = p
	}
}

// Only a question retrieval puts far off-topic, by its words and by its
// embedding, is refused without asking the model; one merely off-topic is
// the model's to refuse.
func TestLLMNotAskedWhenFarOffTopic(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: refusalMarker + " The article doesn't say."}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	for _, q := range []string{"Zorblax quindle vexwort?", "How do I bake chocolate chip cookies?"} {
		a, err := svc.Ask(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Refused || len(a.Sources) != 0 || !strings.Contains(a.Why, "refused without the model") {
			t.Errorf("%q: %+v", q, a)
		}
	}
	if n := srv.Count(openaitest.Chat); n != 0 {
		t.Errorf("%d chat requests for questions far off-topic, want 0", n)
	}
	// About the article's names, but not answered by it: the model's to
	// refuse. (A question naming no one the article does, "What did Keir
	// Starmer say during his visit to India?", is now far off-topic by
	// the gate refit after story-first retrieval.)
	a, err := svc.Ask(context.Background(), "What did Putin say during his visit to India?")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || a.Drafter != DrafterLLM || srv.Count(openaitest.Chat) != 1 {
		t.Errorf("an off-topic question the model refuses: %+v", a)
	}
}

func TestLLMRateLimitedThenAnswered(t *testing.T) {
	srv := openaitest.New(t)
	srv.Fail(openaitest.Chat, openaitest.TooManyRequests("2"), 1)
	svc, w := newLLMService(t, srv, llmSetup{retries: 4})
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if a.Drafter != DrafterLLM || a.Note != "" || a.Refused {
		t.Errorf("answer = %+v", a)
	}
	if n := srv.Count(openaitest.Chat); n != 2 {
		t.Errorf("%d chat requests, want 2 (one retry)", n)
	}
	if got := w.get(); len(got) != 1 || got[0] != 2*time.Second {
		t.Errorf("waited %v, want the Retry-After of 2s", got)
	}
}

func TestLLMServerErrorsFallBackWithNote(t *testing.T) {
	srv := openaitest.New(t)
	srv.Fail(openaitest.Chat, openaitest.ServerError(), 5)
	svc, w := newLLMService(t, srv, llmSetup{retries: 4})
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(openaitest.Chat); n != 5 || len(w.get()) != 4 {
		t.Errorf("%d chat requests and %d waits, want 5 and 4", n, len(w.get()))
	}
	if a.Drafter != DrafterExtractive || a.Note != NoteModelUnavailable || !strings.HasPrefix(a.Text, NoteModelUnavailable) || !strings.Contains(a.Text, "15,000") {
		t.Errorf("answer = %+v", a)
	}
	if strings.Contains(a.Text, "500") || strings.Contains(a.Text, "Sorry about that") || strings.Contains(a.Text, "server_error") {
		t.Errorf("the answer shows the upstream error: %q", a.Text)
	}
	checkCitations(t, a.Text, a.Sources)
	// The fallback is not cached: the model may be back.
	if again, _ := svc.Ask(context.Background(), troopsQ); again.Drafter != DrafterLLM {
		t.Errorf("after the outage: %+v", again)
	}
}

// A key rejected after start no longer fails every question: the answer is
// extractive with a note, and the event says the configuration was
// rejected, for the degraded state and the logs.
func TestLLMUnauthorizedFallsBackWithNote(t *testing.T) {
	srv := openaitest.New(t)
	srv.RequireKey("sk-right")
	var events []Event
	svc, w := newLLMService(t, srv, llmSetup{key: "sk-wrong", retries: 4, opt: Options{Observe: func(e Event) { events = append(events, e) }}})
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if a.Drafter != DrafterExtractive || a.Note != NoteModelConfig || !strings.HasPrefix(a.Text, NoteModelConfig) || !strings.Contains(a.Text, "15,000") {
		t.Errorf("answer = %+v", a)
	}
	if strings.Contains(a.Text, "Incorrect API key") || strings.Contains(a.Text, "OPENAI_API_KEY") {
		t.Errorf("the reader sees the cause: %q", a.Text)
	}
	if n := srv.Count(openaitest.Chat); n != 1 || len(w.get()) != 0 {
		t.Errorf("%d chat requests, %d waits; want 1 and no retries", n, len(w.get()))
	}
	if len(events) != 1 || events[0].Kind != KindModelConfig || !events[0].Fallback {
		t.Errorf("events = %+v", events)
	}
	// Summaries too.
	sum, err := svc.Summarize(context.Background(), Short, "")
	if err != nil || sum.Note != NoteModelConfig || sum.Drafter != DrafterExtractive {
		t.Errorf("summary = %+v, %v", sum, err)
	}
}

// The fake API is on an in-memory network and time is synctest's, so the
// stall lasts exactly until the model's share of the deadline runs out.
func TestLLMStallFallsBackWithinTheDeadline(t *testing.T) {
	synctest.Test(t, testLLMStallFallsBackWithinTheDeadline)
}

func testLLMStallFallsBackWithinTheDeadline(t *testing.T) {
	srv := openaitest.NewInMemory(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Chunks: []string{"Pyongyang has sent", " around 15,000 troops [1].", " It also", " sent weaponry [1]."}, StallAfter: 3}
	})
	// Under the client's 10s per attempt, so that the stall runs out the
	// answer's deadline rather than one attempt's.
	const deadline = time.Second
	svc, _ := newLLMService(t, srv, llmSetup{retries: 4, opt: Options{Timeout: deadline}})
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	var partials []string
	a, err := svc.AskStream(ctx, troopsQ, func(text string) { partials = append(partials, text) })
	if err != nil {
		t.Fatal(err)
	}
	// The model gets the deadline less the fallback's reserve (a tenth of
	// it, at most maxFallbackReserve), and the fallback takes no time on
	// synctest's clock.
	if took, want := time.Since(start), deadline-min(deadline/10, maxFallbackReserve); took != want {
		t.Errorf("answered after %v, want %v: when the model's share ran out", took, want)
	}
	if a.Drafter != DrafterExtractive || a.Note != NoteTimeout || !strings.Contains(a.Text, "15,000") {
		t.Errorf("answer = %+v", a)
	}
	if len(partials) == 0 || !strings.HasPrefix(partials[len(partials)-1], "Pyongyang") {
		t.Errorf("partials before the stall = %q", partials)
	}
	if n := srv.Count(openaitest.Chat); n != 1 {
		t.Errorf("%d chat requests: a stall that runs out the deadline must not be retried", n)
	}
}

func TestLLMContextLengthRetriesWithFewerPassages(t *testing.T) {
	srv := openaitest.New(t)
	svc, _ := newLLMService(t, srv, llmSetup{})
	// Fit two passages of the four, whatever their lengths.
	_, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	full := srv.Requests()[0]
	srv.Reset()
	svc.cache = nil
	srv.SetMaxPromptChars(len(full.Last("system")) + len(full.Last("user"))*2/3)
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != 400 || reqs[1].Status != 200 {
		t.Fatalf("requests = %+v", reqs)
	}
	if n, m := len(openaitest.Passages(reqs[0].Last("user"))), len(openaitest.Passages(reqs[1].Last("user"))); m >= n {
		t.Errorf("retried with %d passages after %d", m, n)
	}
	if a.Drafter != DrafterLLM {
		t.Errorf("answer = %+v", a)
	}
}

// Partial texts show finished sentences only (the passages they cite
// must support them, which an unfinished one can't be checked for).
func TestAskStreamPartialsLeadToTheAnswer(t *testing.T) {
	srv := openaitest.New(t)
	var first string
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		ps := openaitest.Passages(r.Last("user"))
		t, other := passageWith(ps, "15,000"), 1
		if t == 1 {
			other = 2
		}
		first = openaitest.FirstSentence(ps[other])
		tr, pl := strconv.Itoa(t), strconv.Itoa(other)
		return openaitest.Reply{Chunks: []string{"About ", "15,000 troops [", tr + "][", "9]. ", first + " [", pl + ", " + tr, "] ", "Pyongyang ", "sent troops [" + tr + "]."},
			Content: "About 15,000 troops [" + tr + "][9]. " + first + " [" + pl + ", " + tr + "] Pyongyang sent troops [" + tr + "]."}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	var partials []string
	a, err := svc.AskStream(context.Background(), troopsQ, func(text string) { partials = append(partials, text) })
	if err != nil {
		t.Fatal(err)
	}
	want := "About 15,000 troops [1]. " + first + " [2][1] Pyongyang sent troops [1]."
	if a.Text != want {
		t.Errorf("text = %q, want %q", a.Text, want)
	}
	prev := ""
	for _, p := range partials {
		if !strings.HasPrefix(p, prev) || strings.Contains(p, "[4]") || strings.Contains(p, "[9") {
			t.Errorf("partial %q doesn't continue %q, or shows raw markers", p, prev)
		}
		prev = p
	}
	if !strings.HasPrefix(a.Text, prev) || len(partials) < 2 {
		t.Errorf("partials %q don't lead to %q", partials, a.Text)
	}
}

func TestAnswerCache(t *testing.T) {
	srv := openaitest.New(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	svc, _ := newLLMService(t, srv, llmSetup{opt: Options{CacheSize: 2, CacheTTL: time.Hour, Now: func() time.Time { return now }}})
	ctx := context.Background()
	first, err := svc.Ask(ctx, troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc.Ask(ctx, "  How many troops has North Korea sent to  Russia ")
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(openaitest.Chat); n != 1 {
		t.Errorf("%d chat requests for a repeated question, want 1", n)
	}
	if !again.Cached || again.Usage != (Usage{}) || again.Text != first.Text || first.Cached {
		t.Errorf("cached answer = %+v", again)
	}
	again.Sources[0].Quote = "changed"
	if a, _ := svc.Ask(ctx, troopsQ); a.Sources[0].Quote == "changed" {
		t.Error("the cache hands out shared answers")
	}
	now = now.Add(time.Hour)
	if a, _ := svc.Ask(ctx, troopsQ); a.Cached || srv.Count(openaitest.Chat) != 2 {
		t.Errorf("an expired answer was reused")
	}
}

func TestAnswerCacheEvictsLeastRecentlyUsed(t *testing.T) {
	now := time.Unix(0, 0)
	c := newAnswerCache(2, time.Minute, func() time.Time { return now })
	for _, k := range []string{"a", "b"} {
		c.put(k, &Answer{Text: k})
	}
	c.get("a")
	c.put("c", &Answer{Text: "c"})
	if _, ok := c.get("b"); ok {
		t.Error("b, least recently used, was kept")
	}
	if _, ok := c.get("a"); !ok {
		t.Error("a was evicted")
	}
	if c.len() != 2 {
		t.Errorf("len %d", c.len())
	}
	if newAnswerCache(0, time.Minute, time.Now) != nil {
		t.Error("size 0 should disable the cache")
	}
	if k1, k2 := cacheKey("Kim’s troops?", "v1", "m"), cacheKey(" Kim's  troops", "v1", "m"); k1 != k2 {
		t.Errorf("keys differ: %q %q", k1, k2)
	}
	if cacheKey("Kim's troops", "v1", "m") == cacheKey("kim's troops", "v1", "m") {
		t.Error("the key folds case, which the offline answer reads names by")
	}
	if cacheKey("q", "v1", "m") == cacheKey("q", "v2", "m") || cacheKey("q", "v1", "m") == cacheKey("q", "v1", "m2") {
		t.Error("the key ignores the corpus version or the model")
	}
}

// A sentence the passages it cites don't support is dropped, not shown
// with a flag; an answer left with no sentence is the extractive one.
func TestLLMDropsUnsupportedSentences(t *testing.T) {
	srv := openaitest.New(t)
	bananas := true
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		n := passageWith(openaitest.Passages(r.Last("user")), "15,000")
		if !bananas {
			return openaitest.Reply{Content: fmt.Sprintf("Bananas ripen slowly in Peru [%d].", n)}
		}
		return openaitest.Reply{Content: fmt.Sprintf("Pyongyang has sent around 15,000 troops [%d]. Bananas ripen slowly in Peru [%d].", n, n)}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if a.Text != "Pyongyang has sent around 15,000 troops [1]." || len(a.Flags) != 0 {
		t.Errorf("answer = %q, flags %+v", a.Text, a.Flags)
	}
	bananas = false
	svc, _ = newLLMService(t, srv, llmSetup{})
	a, err = svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if a.Drafter != DrafterExtractive || strings.Contains(a.Text, "Bananas") || !strings.Contains(a.Text, "15,000") {
		t.Errorf("unsupported reply: answer = %+v", a)
	}
	if n := srv.Count(openaitest.Chat); n != 1 {
		t.Errorf("%d chat requests, want 1: an unsupported reply is not asked for again", n)
	}
}

// A query embedding that fails no longer costs the model: it drafts from
// the passages BM25 found. The event says what degraded the answer.
func TestEmbeddingOutageStillDraftsFromBM25Passages(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(troopsFromPassages)
	var events []Event
	svc, _ := newLLMService(t, srv, llmSetup{remoteEmbeddings: true, retries: 2, opt: Options{Observe: func(e Event) { events = append(events, e) }}})
	srv.Fail(openaitest.Embeddings, openaitest.ServerError(), 3)
	a, err := svc.Ask(context.Background(), troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if a.Note != "" || a.Drafter != DrafterLLM || !strings.Contains(a.Text, "15,000") || srv.Count(openaitest.Chat) != 1 {
		t.Errorf("answer = %+v after %d chat requests", a, srv.Count(openaitest.Chat))
	}
	if len(events) != 1 || events[0].Kind != KindModelUnavailable || events[0].Fallback {
		t.Errorf("events = %+v", events)
	}
}

// A query embedding that hangs is given up after SearchTimeout, leaving
// the model the rest of the answer's time.
// As TestLLMStallFallsBackWithinTheDeadline, on synctest's clock: the
// hanging query embedding costs exactly the search timeout.
func TestHangingQueryEmbeddingStillDraftsWithinTheDeadline(t *testing.T) {
	synctest.Test(t, testHangingQueryEmbeddingStillDraftsWithinTheDeadline)
}

func testHangingQueryEmbeddingStillDraftsWithinTheDeadline(t *testing.T) {
	srv := openaitest.NewInMemory(t)
	srv.SetChat(troopsFromPassages)
	const deadline, search = 5 * time.Second, 50 * time.Millisecond
	svc, _ := newLLMService(t, srv, llmSetup{remoteEmbeddings: true, retries: 4, opt: Options{Timeout: deadline, SearchTimeout: search}})
	srv.Fail(openaitest.Embeddings, openaitest.Fault{Hang: true}, 1)
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	a, err := svc.Ask(ctx, troopsQ)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took != search {
		t.Errorf("answered after %v, want the search timeout, %v", took, search)
	}
	if a.Note != "" || a.Drafter != DrafterLLM || !strings.Contains(a.Text, "15,000") || srv.Count(openaitest.Chat) != 1 {
		t.Errorf("answer = %+v after %d chat requests", a, srv.Count(openaitest.Chat))
	}
}

// troopsFromPassages cites the passage about the troops, if the prompt
// holds it.
func troopsFromPassages(r openaitest.Request) openaitest.Reply {
	for n, p := range openaitest.Passages(r.Last("user")) {
		if strings.Contains(p, "15,000") {
			return openaitest.Reply{Content: fmt.Sprintf("Pyongyang has sent around 15,000 troops [%d].", n)}
		}
	}
	return openaitest.Reply{Content: refusalMarker + " The article doesn't say."}
}

func TestCompoundQuestionEmbedsOnce(t *testing.T) {
	srv := openaitest.New(t)
	svc, _ := newLLMService(t, srv, llmSetup{remoteEmbeddings: true})
	_, err := svc.Ask(context.Background(), "How many troops has North Korea sent to help Russia, and what did Kim say the DPRK will fully support?")
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(openaitest.Embeddings); n != 1 {
		t.Errorf("%d embedding requests for a two-part question, want 1", n)
	}
}

func TestLLMSummary(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		n := passageWith(openaitest.Passages(r.Last("user")), "15,000")
		return openaitest.Reply{Content: fmt.Sprintf("Kim Jong-un reaffirmed support for Russia [1]. North Korea sent troops [%d][40].", n)}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	sum, err := svc.Summarize(context.Background(), Short, "")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Drafter != DrafterLLM || sum.Text != "Kim Jong-un reaffirmed support for Russia [1]. North Korea sent troops [2]." || len(sum.Sources) != 2 {
		t.Errorf("summary = %+v", sum)
	}
	checkCitations(t, sum.Text, sum.Sources)
	if n := srv.Count(openaitest.Chat); n != 1 {
		t.Errorf("%d chat requests, want 1", n)
	}
	sec, err := svc.Summarize(context.Background(), Medium, "growing military")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sec.Sources {
		if s.Section != "Growing Military Cooperation" {
			t.Errorf("section summary cites %q", s.Section)
		}
	}
}

func TestLLMSummaryMapReduce(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		u := r.Last("user")
		if strings.HasPrefix(u, "<notes>") {
			// The first note and the one citing the last passage.
			notes := strings.Split(strings.TrimPrefix(u[:strings.Index(u, "</notes>")], "<notes>\n"), "\n")
			last := fmt.Sprintf("[%d]", lastNote(u))
			for _, n := range notes {
				if strings.Contains(n, last) {
					return openaitest.Reply{Content: notes[0] + "\n" + n}
				}
			}
		}
		ps := openaitest.Passages(u)
		var lines []string
		for n := range ps {
			lines = append(lines, fmt.Sprintf("- %s [%d]", openaitest.FirstSentence(ps[n]), n))
		}
		return openaitest.Reply{Content: strings.Join(lines, "\n")}
	})
	svc, _ := newLLMService(t, srv, llmSetup{opt: Options{ContextBudget: 1500}})
	sum, err := svc.Summarize(context.Background(), Long, "")
	if err != nil {
		t.Fatal(err)
	}
	groups := groupPassages(func() []passage {
		var ps []passage
		for _, ch := range svc.index.Chunks() {
			ps = append(ps, passage{N: len(ps) + 1, Chunk: ch})
		}
		return ps
	}(), 1500)
	if len(groups) < 2 {
		t.Fatalf("the budget doesn't split the article (%d groups)", len(groups))
	}
	if n := srv.Count(openaitest.Chat); n != len(groups)+1 {
		t.Errorf("%d chat requests, want %d notes and 1 summary", n, len(groups))
	}
	if sum.Drafter != DrafterLLM || len(sum.Sources) != 2 || sum.Sources[1].ID != svc.index.Chunks()[svc.index.Len()-1].ID {
		t.Errorf("summary = %+v", sum)
	}
	checkCitations(t, sum.Text, sum.Sources)
}

// lastNote returns the highest citation number in the notes.
func lastNote(notes string) int {
	n := 0
	for _, m := range marker.FindAllStringSubmatch(notes, -1) {
		var k int
		fmt.Sscan(m[1], &k)
		n = max(n, k)
	}
	return n
}

func TestLLMSummaryFallsBack(t *testing.T) {
	srv := openaitest.New(t)
	srv.Fail(openaitest.Chat, openaitest.ServerError(), 3)
	svc, _ := newLLMService(t, srv, llmSetup{retries: 2})
	sum, err := svc.Summarize(context.Background(), Short, "")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Drafter != DrafterExtractive || sum.Note != NoteModelUnavailable || !strings.HasPrefix(sum.Text, NoteModelUnavailable) {
		t.Errorf("summary = %+v", sum)
	}
}

func BenchmarkAskLLM(b *testing.B) {
	srv := openaitest.New(b)
	svc, _ := newLLMService(b, srv, llmSetup{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Ask(context.Background(), troopsQ); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAskCached(b *testing.B) {
	srv := openaitest.New(b)
	svc, _ := newLLMService(b, srv, llmSetup{opt: Options{CacheSize: 16}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Ask(context.Background(), troopsQ); err != nil {
			b.Fatal(err)
		}
	}
}
