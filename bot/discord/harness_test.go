package discord_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/bot/discord"
	"github.com/articlebot/articlebot/bot/retrievalindex"
	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/internal/discordtest"
	"github.com/articlebot/articlebot/retrieval"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// discordgo's logger is package-wide: set it once, here. Its messages
	// only help when a test is run verbosely.
	discordgo.Logger = func(level, caller int, format string, a ...any) {
		if testing.Verbose() {
			log.Printf("discordgo: "+format, a...)
		}
	}
	// The end-to-end tests mostly wait: discordgo's Session.Close sleeps a
	// second. Run more of them at once than there are CPUs, unless told
	// otherwise with -parallel.
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", strconv.Itoa(max(runtime.GOMAXPROCS(0), 16)))
	}
	os.Exit(m.Run())
}

var (
	serviceOnce sync.Once
	service     *bot.Service
)

// realService is the offline answering service over the built-in article.
func realService(t testing.TB) *bot.Service {
	t.Helper()
	serviceOnce.Do(func() {
		c, err := corpus.Builtin()
		if err != nil {
			panic(err)
		}
		ix, err := retrieval.Build(context.Background(), c.Chunks(), retrieval.Options{Expand: retrieval.Expand})
		if err != nil {
			panic(err)
		}
		service = bot.New(c, retrievalindex.New(ix), bot.Options{})
	})
	return service
}

// about describes the real service for /about and autocomplete.
func about(svc *bot.Service) discord.About {
	return discord.About{
		Titles: svc.Corpus().Titles(), Sections: svc.Corpus().Sections(), Chunks: svc.Index().Len(),
		Drafter: bot.DrafterExtractive, Models: "local embedder; extractive answers", Version: "v1.2.3-test",
	}
}

// fakeAnswerer answers through ask when set, and otherwise through the real
// service, which also serves summaries and searches.
type fakeAnswerer struct {
	svc *bot.Service
	ask func(ctx context.Context, q string, onPartial func(string)) (*bot.Answer, error)

	mu   sync.Mutex
	reqs []bot.Request // every request Answer was given
}

var _ discord.Answerer = (*fakeAnswerer)(nil)

func (f *fakeAnswerer) Answer(ctx context.Context, req bot.Request, onPartial func(string)) (*bot.Answer, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	if f.ask != nil {
		return f.ask(ctx, req.Question, onPartial)
	}
	return f.svc.Answer(ctx, req, onPartial)
}

func (f *fakeAnswerer) requests() []bot.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Request(nil), f.reqs...)
}

func (f *fakeAnswerer) CleanQuestion(q string) (string, error) { return f.svc.CleanQuestion(q) }

func (f *fakeAnswerer) Section(name string) (string, error) { return f.svc.Section(name) }

func (f *fakeAnswerer) Summarize(ctx context.Context, l bot.Length, section string) (*bot.Summary, error) {
	return f.svc.Summarize(ctx, l, section)
}

func (f *fakeAnswerer) Search(ctx context.Context, q string, k int) (*bot.SearchResult, error) {
	return f.svc.Search(ctx, q, k)
}

func (f *fakeAnswerer) SummarizeArticle(ctx context.Context, l bot.Length, section, article string) (*bot.Summary, error) {
	return f.svc.SummarizeArticle(ctx, l, section, article)
}

func (f *fakeAnswerer) SearchArticle(ctx context.Context, q string, k int, article string) (*bot.SearchResult, error) {
	return f.svc.SearchArticle(ctx, q, k, article)
}

func (f *fakeAnswerer) ArticleChoices(query string, n int) []bot.ArticleChoice {
	return f.svc.ArticleChoices(query, n)
}

func (f *fakeAnswerer) ResolveArticle(ref string) (string, error) { return f.svc.ResolveArticle(ref) }

var _ discord.ArticleScoper = (*fakeAnswerer)(nil)

// fakeMetrics counts what the bot records.
type fakeMetrics struct {
	mu       sync.Mutex
	errors   map[string]int
	feedback map[string]int
}

var _ discord.Metrics = (*fakeMetrics)(nil)

func newFakeMetrics() *fakeMetrics {
	return &fakeMetrics{errors: map[string]int{}, feedback: map[string]int{}}
}

func (m *fakeMetrics) Error(kind string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.errors[kind]++
}

func (m *fakeMetrics) Feedback(vote string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.feedback[vote]++
}

func (m *fakeMetrics) get(table map[string]int, key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return table[key]
}

// logRecorder is a slog handler that keeps records as JSON lines.
type logRecorder struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{}
}

func newLogRecorder() *logRecorder { return &logRecorder{changed: make(chan struct{})} }

func (l *logRecorder) handler() slog.Handler {
	return slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, string(p))
		close(l.changed)
		l.changed = make(chan struct{})
		return len(p), nil
	}), &slog.HandlerOptions{Level: slog.LevelDebug})
}

// next returns a channel closed by the next record.
func (l *logRecorder) next() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changed
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// find returns the decoded log records whose msg is msg.
func (l *logRecorder) find(msg string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range l.lines {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func (l *logRecorder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "")
}

// harness is a bot on a real discordgo session, connected to a fake Discord.
type harness struct {
	fake    *discordtest.Server
	session *discordgo.Session
	logs    *logRecorder
	metrics *fakeMetrics
	stop    func() error
}

// startBot runs a bot against fake until the test ends and waits until it
// has registered its commands. opt's logger, metrics and retry backoff are
// set by the harness.
func startBot(t testing.TB, fake *discordtest.Server, a discord.Answerer, opt discord.Options) *harness {
	t.Helper()
	s, err := discord.NewSession(fake.Token, fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{fake: fake, session: s, logs: newLogRecorder(), metrics: newFakeMetrics()}
	opt.Logger = slog.New(h.logs.handler())
	opt.Metrics = h.metrics
	if opt.RetryBackoff == 0 {
		opt.RetryBackoff = time.Millisecond
	}
	if opt.UserKey == nil {
		opt.UserKey = []byte("test key")
	}
	b := discord.New(s, a, opt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	var once sync.Once
	var runErr error
	hung := discordtest.Hung(t) // bounds for a hung test, not timing assertions
	h.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-hung:
				runErr = errors.New("Run did not return after its context ended")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := h.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		checkNoMentions(t, fake)
		checkNoRejections(t, fake)
	})
	for {
		next := h.logs.next()
		if len(h.logs.find("discord bot ready")) > 0 {
			return h
		}
		select {
		case <-next:
		case err := <-done:
			done <- err
			t.Fatalf("Run ended before the bot was ready: %v\nlogs:\n%s", err, h.logs)
		case <-hung:
			t.Fatalf("the bot never got ready; logs:\n%s", h.logs)
		}
	}
}

// start runs a bot with the real service against a fresh fake Discord.
func start(t testing.TB, opt discord.Options) *harness {
	t.Helper()
	svc := realService(t)
	if opt.About.Titles == nil {
		opt.About = about(svc)
	}
	return startBot(t, discordtest.New(t), &fakeAnswerer{svc: svc}, opt)
}

// waitLog waits until the bot has logged a record with the message msg, or
// with one of the others.
func (h *harness) waitLog(t testing.TB, msg string, others ...string) {
	t.Helper()
	hung := discordtest.Hung(t) // against a hung test only
	for {
		next := h.logs.next()
		for _, m := range append([]string{msg}, others...) {
			if len(h.logs.find(m)) > 0 {
				return
			}
		}
		select {
		case <-next:
		case <-hung:
			t.Fatalf("gave up waiting for the log record %q; logs:\n%s", append([]string{msg}, others...), h.logs)
		}
	}
}

// waitDone waits until the interaction has a final reply: a response
// message, or a deferred response edited or followed up, and returns it.
func (h *harness) waitDone(t testing.TB, token string) *discordtest.Interaction {
	t.Helper()
	var in *discordtest.Interaction
	h.fake.WaitFor(t, "a final reply to "+token, func() bool {
		in = h.fake.Interaction(token)
		if in == nil || len(in.Callbacks) == 0 {
			return false
		}
		switch in.Callbacks[0] {
		case discordtest.CallbackMessage, discordtest.CallbackAutocomplete:
			return true
		}
		// Deferred: done once edited into an answer (with buttons), deleted
		// and followed up, or edited into anything but a partial answer,
		// which ends in " …".
		o := in.Original
		return len(in.Followups) > 0 || (o != nil && !o.Deleted && (len(o.Buttons()) > 0 ||
			(o.Edits > 0 && !strings.HasSuffix(o.Content, " …"))))
	})
	return in
}

// messageCalls are the REST calls that create or edit a message.
func messageCalls(fake *discordtest.Server) []discordtest.Call {
	var out []discordtest.Call
	for _, c := range fake.Calls() {
		switch {
		case strings.HasSuffix(c.Path, "/callback"):
			var body struct {
				Type int `json:"type"`
			}
			_ = c.Decode(&body)
			// Autocomplete choices and modals are no messages.
			if body.Type != discordtest.CallbackAutocomplete && body.Type != discordtest.CallbackModal {
				out = append(out, c)
			}
		case strings.Contains(c.Path, "/webhooks/") && c.Method != "DELETE" && c.Method != "GET",
			strings.HasSuffix(c.Path, "/messages") && c.Method == "POST",
			strings.Contains(c.Path, "/messages/") && strings.Contains(c.Path, "/channels/") && c.Method == "PATCH":
			out = append(out, c)
		}
	}
	return out
}

// checkNoMentions fails the test if any message the bot sent or edited
// could ping someone.
func checkNoMentions(t testing.TB, fake *discordtest.Server) {
	t.Helper()
	for _, c := range messageCalls(fake) {
		var body struct {
			AllowedMentions json.RawMessage `json:"allowed_mentions"`
			Data            *struct {
				AllowedMentions json.RawMessage `json:"allowed_mentions"`
			} `json:"data"`
		}
		if err := c.Decode(&body); err != nil {
			t.Errorf("%s: %v", c, err)
			continue
		}
		am := body.AllowedMentions
		if body.Data != nil {
			am = body.Data.AllowedMentions
		}
		if !discordtest.NoMentions(am) {
			t.Errorf("allowed_mentions = %s, want parse: [] in %s", am, c)
		}
	}
}

// checkNoRejections fails the test if Discord would have rejected a
// message: a 400 from the fake means a limit was broken.
func checkNoRejections(t testing.TB, fake *discordtest.Server) {
	t.Helper()
	for _, c := range fake.Calls() {
		// 40060, a second response to an interaction, is how the bot
		// learns that a response it saw fail got through; it breaks no limit.
		if c.Status == 400 && c.Code != discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged {
			t.Errorf("Discord rejected %s", c)
		}
	}
}
