package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const troopsQ = "How many troops has North Korea sent to Russia?"

func TestAskUnquotedWordsAreOneQuestion(t *testing.T) {
	code, out, errOut := runCLI(t, "", "ask", "how", "many", "troops", "has", "North", "Korea", "sent?", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var a struct {
		Question string `json:"question"`
		Answer   string `json:"answer"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if a.Question != "how many troops has North Korea sent?" || !strings.Contains(a.Answer, "15,000") {
		t.Errorf("question %q, answer %q", a.Question, a.Answer)
	}
	code, out, _ = runCLI(t, "", "sources", "-k", "1", "birthday", "letter")
	if code != 0 || !strings.Contains(out, "congratulatory letter") {
		t.Errorf("sources with unquoted words: exit %d\n%s", code, out)
	}
}

func TestFlagsBeforeTheCommand(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "harbour.md"), []byte("---\ntitle: Harbour News\n---\nTwo new ferries will start service in June.\n"), 0o644)
	code, out, errOut := runCLI(t, "", "--corpus", dir, "--json", "ask", "How many new ferries will start service?")
	if code != 0 || !strings.Contains(out, `"article": "Harbour News"`) {
		t.Errorf("flags before ask: exit %d, stderr %q\n%s", code, errOut, out)
	}
	code, out, _ = runCLI(t, "", "--corpus="+dir, "sources", "-k", "1", "ferries")
	if code != 0 || !strings.Contains(out, "ferries") {
		t.Errorf("--corpus=DIR before sources: exit %d\n%s", code, out)
	}
	// A flag that the command doesn't take says so, with its usage.
	code, _, errOut = runCLI(t, "", "--k", "3", "ask", "q")
	if code != 2 || !strings.Contains(errOut, "flag provided but not defined: --k\n") || !strings.Contains(errOut, "usage: articlebot ask") {
		t.Errorf("a flag ask doesn't take: exit %d, stderr %q", code, errOut)
	}
	// Flag errors name the flag as the help does, with two dashes.
	for _, args := range [][]string{{"ask", "-bogus", "q"}, {"sources", "--k"}, {"sources", "--k", "many", "q"}} {
		code, _, errOut = runCLI(t, "", args...)
		if flag := strings.TrimLeft(args[1], "-"); code != 2 || !strings.Contains(errOut, " --"+flag) || strings.Contains(errOut, " -"+flag) {
			t.Errorf("%q: exit %d, stderr %q; want it to name --%s", args, code, errOut, flag)
		}
	}
	code, _, errOut = runCLI(t, "", "--corpus", dir)
	if code != 2 || !strings.Contains(errOut, "no command given after the flags") {
		t.Errorf("flags and no command: exit %d, stderr %q", code, errOut)
	}
}

func TestUnknownCommandSuggests(t *testing.T) {
	for _, tt := range []struct{ typed, want string }{
		{"aks", "did you mean ask?"}, {"summery", "did you mean summary?"}, {"sourc", "did you mean sources?"},
		{"Ask", "did you mean ask?"}, {"frobnicate", ""},
	} {
		code, out, errOut := runCLI(t, "", tt.typed, "q")
		if code != 2 || out != "" {
			t.Errorf("%s: exit %d, stdout %q", tt.typed, code, out)
		}
		if tt.want != "" && !strings.Contains(errOut, tt.want) || tt.want == "" && strings.Contains(errOut, "did you mean") {
			t.Errorf("%s: stderr %q, want %q", tt.typed, errOut, tt.want)
		}
		// A short error, not the whole usage.
		if strings.Contains(errOut, "Commands:") || strings.Count(errOut, "\n") > 3 {
			t.Errorf("%s: stderr is more than a short error:\n%s", tt.typed, errOut)
		}
	}
}

func TestHelpShowsOnlyTheCommandsFlagsWithDoubleDashes(t *testing.T) {
	for _, c := range commands {
		_, out, _ := runCLI(t, "", c.name, "--help")
		_, flags, _ := strings.Cut(out, "Flags:\n")
		fs, _ := c.flagSet()
		n := 0
		for _, l := range strings.Split(flags, "\n") {
			if strings.HasPrefix(l, "  -") {
				n++
				if !strings.HasPrefix(l, "  --") {
					t.Errorf("%s --help: flag written with one dash: %q", c.name, l)
				}
				// A flag's value is named in capitals, as in --config
				// FILE, not by its type or a word that reads as part
				// of the flag ("--length length").
				if f := strings.Fields(l); len(f) == 2 && f[1] != strings.ToUpper(f[1]) {
					t.Errorf("%s --help: %q names its value in lower case", c.name, strings.TrimSpace(l))
				}
			}
		}
		count := 0
		fs.VisitAll(func(*flag.Flag) { count++ })
		if n != count {
			t.Errorf("%s --help lists %d flags, it has %d:\n%s", c.name, n, count, out)
		}
	}
	_, out, _ := runCLI(t, "", "health", "--help")
	if strings.Contains(out, "--corpus") {
		t.Errorf("health --help offers --corpus, which it doesn't use:\n%s", out)
	}
	_, out, _ = runCLI(t, "", "sources", "--help")
	if !strings.Contains(out, "  --k N\n") || !strings.Contains(out, "(default 5)") {
		t.Errorf("sources --help:\n%s", out)
	}
}

func TestJSONErrorsOnStdout(t *testing.T) {
	for _, args := range [][]string{
		{"ask", "--json", "   "},
		{"summary", "--json", "--section", "Sports"},
		{"ask", "--json", "--corpus", filepath.Join(t.TempDir(), "missing"), "q"},
	} {
		code, out, errOut := runCLI(t, "", args...)
		var e struct {
			Error      string `json:"error"`
			ExitStatus int    `json:"exit_status"`
		}
		if err := json.Unmarshal([]byte(out), &e); err != nil {
			t.Errorf("%q: stdout is not a JSON error: %v\n%s", args, err, out)
			continue
		}
		if e.Error == "" || e.ExitStatus != code || code == 0 || !strings.Contains(errOut, e.Error) {
			t.Errorf("%q: exit %d, JSON %+v, stderr %q", args, code, e, errOut)
		}
	}
	// In a chat, each bad line gets its object and the session goes on.
	code, out, errOut := runCLI(t, strings.Repeat("x", 1001)+"\n"+troopsQ+"\n", "chat", "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.Contains(lines[0], `"error":"the question is too long`) ||
		!strings.Contains(lines[1], "15,000") || !strings.Contains(errOut, "too long") {
		t.Errorf("chat --json: exit %d, stderr %q\n%s", code, errOut, out)
	}
}

func TestChatEndsOnExitInAnyCase(t *testing.T) {
	for _, word := range []string{"exit", "QUIT", "Exit", "  quit  "} {
		code, out, _ := runCLI(t, troopsQ+"\n"+word+"\nWhen did Kim and Putin have a phone conversation?\n", "chat")
		if code != 0 || !strings.Contains(out, "15,000") || strings.Contains(out, "August 13") {
			t.Errorf("%q: exit %d, want the session to end there:\n%s", word, code, out)
		}
	}
}

func TestChatSkipsAnOverLongLine(t *testing.T) {
	in := strings.Repeat("troops ", 100_000) + "\n" + troopsQ + "\n"
	code, out, errOut := runCLI(t, in, "chat")
	if code != 0 || !strings.Contains(out, "15,000") {
		t.Errorf("exit %d, stderr %q: the session didn't go on after an over-long line\n%s", code, errOut, out)
	}
	if !strings.Contains(errOut, "articlebot: the question is too long: 700000 characters") {
		t.Errorf("stderr %q: want the usual error", errOut)
	}
}

func TestChatEcho(t *testing.T) {
	in := troopsQ + "\nWhen did Kim and Putin have a phone conversation?\n"
	_, out, _ := runCLI(t, in, "chat")
	first, second, ok := strings.Cut(out, "> When did Kim and Putin have a phone conversation?\n")
	if !ok || !strings.HasPrefix(first, "> "+troopsQ+"\n") || !strings.Contains(first, "15,000") || !strings.Contains(second, "August 13") {
		t.Errorf("piped chat doesn't put each question above its answer:\n%s", out)
	}
	_, out, _ = runCLI(t, in, "chat", "--echo=false")
	if strings.Contains(out, "> ") {
		t.Errorf("--echo=false still echoes:\n%s", out)
	}
}

// signalWriter collects output and closes seen once it contains want.
type signalWriter struct {
	mu   sync.Mutex
	buf  strings.Builder
	want string
	seen chan struct{}
	once sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

// Ctrl-C cancels run's context (see main); at the prompt that ends the
// session cleanly, with no error, while input stays open.
func TestChatInterruptAtThePromptEndsCleanly(t *testing.T) {
	stdin, feed := io.Pipe()
	defer feed.Close()
	out := &signalWriter{want: "15,000", seen: make(chan struct{})}
	var errb strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"chat"}, func(string) string { return "" }, stdin, out, &errb) }()
	go io.WriteString(feed, troopsQ+"\n")
	bound := time.After(30 * time.Second) // against a hung test only
	select {
	case <-out.seen:
	case err := <-done:
		t.Fatalf("chat ended before answering: %v", err)
	case <-bound:
		t.Fatal("no answer")
	}
	cancel() // the user presses Ctrl-C at the next prompt
	select {
	case err := <-done:
		if code := exitCode(err, &errb); code != 0 || errb.Len() != 0 {
			t.Errorf("exit %d, stderr %q; want a clean end", code, errb.String())
		}
	case <-bound:
		t.Fatal("Ctrl-C at the prompt didn't end the session")
	}
}

// What `config` prints is a file that --config takes, and that gives the
// same configuration back.
func TestConfigRoundTrips(t *testing.T) {
	vars := map[string]string{
		"OPENAI_API_KEY": "sk-test-VERYSECRET", "DISCORD_TOKEN": "discord-VERYSECRET",
		"ARTICLEBOT_CHAT_MODEL": "my-model", "ARTICLEBOT_LLM_TEMPERATURE": "0.5", "ARTICLEBOT_CACHE_TTL": "5m",
		"ARTICLEBOT_DISCORD_ALLOWED_GUILDS": "1,2", "ARTICLEBOT_HTTP_ADDR": ":8080",
	}
	code, out, errOut := runWithEnv(t, vars, "config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "VERYSECRET") {
		t.Fatalf("a secret was printed:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "articlebot.yaml")
	if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	code, again, errOut := runWithEnv(t, map[string]string{}, "config", "--config", file)
	if code != 0 {
		t.Fatalf("config --config of config's output: exit %d: %s", code, errOut)
	}
	// Only the secrets, which no file holds, differ.
	strip := func(s string) string {
		var keep []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, "# openai_api_key:") && !strings.HasPrefix(l, "# discord_token:") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	if strip(again) != strip(out) {
		t.Errorf("the configuration didn't survive the round trip:\nfirst:\n%s\nagain:\n%s", out, again)
	}
	if !strings.Contains(again, "# openai_api_key: not set") || !strings.Contains(out, "# openai_api_key: '[redacted]' (from OPENAI_API_KEY") {
		t.Errorf("secrets aren't shown as comments:\n%s\n%s", out, again)
	}
}

// Every key that `ask --json` and `summary --json` print is documented, in
// --help and in the README.
func TestJSONKeysDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, summaryDoc, _ := strings.Cut(string(readme), "`summary --json` prints")
	summaryDoc, _, _ = strings.Cut(summaryDoc, "\n\n")
	_, askHelp, _ := runCLI(t, "", "ask", "--help")
	for _, tt := range []struct {
		args []string
		doc  string // where the README lists the keys
	}{
		{[]string{"ask", "--json", troopsQ}, string(readme)},
		{[]string{"summary", "--json", "--section", "growing"}, summaryDoc},
	} {
		_, out, _ := runCLI(t, "", tt.args...)
		_, help, _ := runCLI(t, "", tt.args[0], "--help")
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %v\n%s", tt.args, err, out)
		}
		for k := range got {
			if !strings.Contains(help, `"`+k+`"`) {
				t.Errorf("%s --help doesn't list the key %q", tt.args[0], k)
			}
			if !strings.Contains(tt.doc, `"`+k+`"`) && !strings.Contains(tt.doc, "`"+k+"`") {
				t.Errorf("the README doesn't list the %s --json key %q", tt.args[0], k)
			}
		}
		// A source's keys are listed once, in ask's help and the README's
		// ask --json section (summary's help says "…as ask's").
		sources, _ := got["sources"].([]any)
		if len(sources) == 0 {
			t.Fatalf("%v printed no sources:\n%s", tt.args, out)
		}
		for k := range sources[0].(map[string]any) {
			if !strings.Contains(askHelp, `"`+k+`"`) {
				t.Errorf("ask --help doesn't list the source key %q (seen in %s --json)", k, tt.args[0])
			}
			if !strings.Contains(string(readme), `"`+k+`"`) {
				t.Errorf("the README doesn't list the source key %q (seen in %s --json)", k, tt.args[0])
			}
		}
	}
}
