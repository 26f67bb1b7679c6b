package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot"
)

// runCLI runs the command line in-process and returns its exit status and
// output, as main would.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(string) string { return "" }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	code = exitCode(err, &errb)
	return code, out.String(), errb.String()
}

func TestAskAnswersWithCitation(t *testing.T) {
	code, out, errOut := runCLI(t, "", "ask", "How many troops has North Korea sent to Russia?")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	answer, sources, ok := strings.Cut(out, "\nSources:\n")
	if !ok {
		t.Fatalf("no sources section:\n%s", out)
	}
	if !strings.Contains(answer, "15,000") || !strings.Contains(answer, "[1]") {
		t.Errorf("answer lacks the number or its citation:\n%s", answer)
	}
	if !strings.HasPrefix(sources, "[1] Growing Military Cooperation: “") || !strings.Contains(sources, "15,000") {
		t.Errorf("sources:\n%s", sources)
	}
}

func TestAskJSONShape(t *testing.T) {
	code, out, _ := runCLI(t, "", "ask", "--json", "How many troops has North Korea sent to Russia?")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, key := range []string{"question", "answer", "refused", "sources"} {
		if _, ok := got[key]; !ok {
			t.Errorf("missing key %q", key)
		}
	}
	if got["refused"] != false || got["question"] != "How many troops has North Korea sent to Russia?" {
		t.Errorf("refused/question = %v / %v", got["refused"], got["question"])
	}
	sources, _ := got["sources"].([]any)
	if len(sources) == 0 {
		t.Fatal("no sources")
	}
	src := sources[0].(map[string]any)
	var keys []string
	for k := range src {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range []string{"n", "id", "article", "section", "quote"} {
		if _, ok := src[key]; !ok {
			t.Errorf("source lacks %q (has %v)", key, keys)
		}
	}
	if src["n"] != float64(1) || !strings.Contains(src["quote"].(string), "15,000") {
		t.Errorf("source = %v", src)
	}
	// Flags after the question work too.
	code, out2, _ := runCLI(t, "", "ask", "How many troops has North Korea sent to Russia?", "--json")
	if code != 0 || out2 != out {
		t.Errorf("--json after the question: exit %d, output differs", code)
	}
}

func TestAskRefusalExitsZero(t *testing.T) {
	code, out, _ := runCLI(t, "", "ask", "--json", "Who won the 2022 World Cup?")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got struct {
		Refused bool  `json:"refused"`
		Sources []any `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Refused || got.Sources == nil || len(got.Sources) != 0 {
		t.Errorf("want refused with an empty sources list, got %s", out)
	}
	code, out, _ = runCLI(t, "", "ask", "Who won the 2022 World Cup?")
	if code != 0 || !strings.Contains(out, "doesn't say") || strings.Contains(out, "Sources:") {
		t.Errorf("text refusal: exit %d\n%s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ask", ""}, "the question is empty"},
		{[]string{"ask", "   "}, "the question is empty"},
		{[]string{"ask"}, "ask takes one question"},
		{[]string{"ask", strings.Repeat("x", 1001)}, "too long"},
		{[]string{"ask", "--bogus", "q"}, "flag provided but not defined"},
		{[]string{"summary", "--length", "huge"}, "unknown summary length"},
		{[]string{"summary", "--section", "Sports"}, "no such section"},
		{[]string{"sources", "-k", "0", "q"}, "-k must be at least 1"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"eval", "-min-coverage", "2", "../../testdata/qa.jsonl"}, "--min-coverage must be between 0 and 1, got 2"},
		{[]string{"eval", "--min-coverage", "NaN", "../../testdata/qa.jsonl"}, "between 0 and 1"},
		{[]string{"eval", "--alone", "../../testdata/dialogues.jsonl"}, "is a dialogue set"},
		{nil, "no command"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, "", tt.args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", tt.args, code)
		}
		if !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: stderr %q lacks %q", tt.args, errOut, tt.want)
		}
		if len(tt.args) > 0 && tt.args[0] == "ask" && !strings.Contains(errOut, "usage: articlebot ask") {
			t.Errorf("%q: stderr lacks the usage line: %q", tt.args, errOut)
		}
		if out != "" && tt.args != nil && tt.args[0] != "frobnicate" {
			t.Errorf("%q: wrote to stdout: %q", tt.args, out)
		}
	}
}

func TestFailuresExitOne(t *testing.T) {
	// A directory that holds no article is a failure to load it; one that
	// is missing is a usage error (TestCorpusFlagNamingNoDirectoryIsAUsageError).
	code, _, errOut := runCLI(t, "", "ask", "--corpus", t.TempDir(), "q")
	if code != 1 || !strings.Contains(errOut, "no article files") {
		t.Errorf("corpus without articles: exit %d, stderr %q", code, errOut)
	}
}

// Bad input found before any work starts exits with 2, like a usage error,
// whether it is a setting (environment, config file, a file they name) or a
// file named on the command line; --help documents it.
func TestBadInputExitsTwo(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	badYAML := write("bad.yaml", "answer: [\n")
	badValue := write("value.yaml", "answer:\n  top_k: -3\n")
	badSet := write("bad.jsonl", "not json\n")
	noCorpus := write("elsewhere.jsonl", "# corpus: no-such-dir\n"+
		`{"id": "q1", "kind": "fact", "question": "How many?", "evidence": ["two"], "answer": ["two"]}`+"\n")
	noCorpusDialogues := write("elsewhere-dialogues.jsonl", "# format: dialogues\n# corpus: no-such-dir\n"+
		`{"id": "d1", "turns": [{"kind": "fact", "question": "How many?", "answer": [["two"]], "evidence": ["two"]}, `+
		`{"kind": "fact", "question": "why?", "standalone": "Why two?", "answer": [["two"]], "evidence": ["two"]}]}`+"\n")
	missing := filepath.Join(dir, "none")
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string // in stderr
	}{
		{"env value not a number", map[string]string{"ARTICLEBOT_TOP_K": "many"}, []string{"ask", "q"}, "ARTICLEBOT_TOP_K"},
		{"env value not allowed", map[string]string{"ARTICLEBOT_LOG_FORMAT": "xml"}, []string{"ask", "q"}, "log.format"},
		{"config file missing", nil, []string{"ask", "--config", missing, "q"}, "config file"},
		{"config file from env missing", map[string]string{"ARTICLEBOT_CONFIG": missing}, []string{"summary"}, "config file"},
		{"config file not YAML", nil, []string{"ask", "--config", badYAML, "q"}, "invalid YAML"},
		{"config value out of range", nil, []string{"sources", "--config", badValue, "q"}, "answer.top_k"},
		{"token file missing", map[string]string{"DISCORD_TOKEN_FILE": missing}, []string{"serve"}, "DISCORD_TOKEN_FILE"},
		{"serve without a token", nil, []string{"serve"}, "DISCORD_TOKEN is not set"},
		{"listen address invalid", map[string]string{"DISCORD_TOKEN": "t", "ARTICLEBOT_HTTP_ADDR": "8080"}, []string{"serve"}, "http.addr"},
		{"eval file missing", nil, []string{"eval", missing + ".jsonl"}, "question set"},
		{"eval dialogue file missing", nil, []string{"eval", missing + "-dialogues.jsonl"}, "none-dialogues"},
		{"eval file not JSON lines", nil, []string{"eval", badSet}, "bad.jsonl"},
		{"eval set's corpus missing", nil, []string{"eval", noCorpus}, "no-such-dir"},
		{"eval dialogues' corpus missing", nil, []string{"eval", noCorpusDialogues}, "no-such-dir"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, json := range []bool{false, true} {
				args := tt.args
				if json && args[0] != "summary" && args[0] != "serve" && args[0] != "health" {
					args = append([]string{args[0], "--json"}, args[1:]...)
				}
				var out, errb bytes.Buffer
				err := run(context.Background(), args, envOf(tt.env), strings.NewReader(""), &out, &errb)
				if code := exitCode(err, &errb); code != 2 || !strings.Contains(errb.String(), tt.want) {
					t.Errorf("%q: exit %d, want 2; stderr %q, want it to name %q", args, code, errb.String(), tt.want)
				}
				if json && len(args) != len(tt.args) && !strings.Contains(out.String(), `"exit_status":2`) {
					t.Errorf("%q: JSON error lacks exit_status 2: %s", args, out.String())
				}
			}
		})
	}
	// The usage text says which is which.
	_, out, _ := runCLI(t, "", "--help")
	for _, want := range []string{"2    usage errors and bad input", "config file", "DISCORD_TOKEN", "1    failures while working"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q:\n%s", want, out)
		}
	}
}

func TestHelpEverywhere(t *testing.T) {
	for _, c := range commands {
		code, out, _ := runCLI(t, "", c.name, "--help")
		if code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "  --config FILE\n") {
			t.Errorf("%s --help: exit %d\n%s", c.name, code, out)
		}
		code, out2, _ := runCLI(t, "", "help", c.name)
		if code != 0 || out2 != out {
			t.Errorf("help %s differs from %s --help", c.name, c.name)
		}
	}
	code, out, _ := runCLI(t, "", "--help")
	if code != 0 || !strings.Contains(out, "Commands:") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
	for _, c := range commands {
		if !strings.Contains(out, c.name) {
			t.Errorf("--help doesn't list %s", c.name)
		}
	}
}

func TestSources(t *testing.T) {
	code, out, _ := runCLI(t, "", "sources", "-k", "2", "birthday letter")
	if code != 0 || strings.Count(out, "score ") != 2 || !strings.Contains(out, "birthday") {
		t.Errorf("exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "sources", "--json", "birthday letter")
	var got struct {
		Hits []struct {
			Rank  int     `json:"rank"`
			Score float64 `json:"score"`
		} `json:"hits"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got.Hits) != 5 || got.Hits[0].Score < got.Hits[4].Score {
		t.Errorf("sources --json: exit %d\n%s", code, out)
	}
}

func TestSummary(t *testing.T) {
	code, out, _ := runCLI(t, "", "summary", "--length", "short", "--json")
	var sum struct {
		Text    string `json:"summary"`
		Sources []any  `json:"sources"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &sum) != nil {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if n := len([]rune(sum.Text)); n > 600 || !strings.Contains(sum.Text, "[1]") || len(sum.Sources) == 0 {
		t.Errorf("short summary: %d characters, %d sources: %s", n, len(sum.Sources), sum.Text)
	}
	code, out, _ = runCLI(t, "", "summary", "--length", "long")
	if code != 0 {
		t.Errorf("summary --length long: exit %d", code)
	}
	for _, sec := range []string{"Introduction", "Growing Military Cooperation", "Continued Diplomatic Exchange",
		"Strategic Alliance Against Western Pressure", "Symbolism and Global Implications"} {
		if !strings.Contains(out, "] "+sec+": ") {
			t.Errorf("long summary doesn't cite section %q", sec)
		}
	}
	code, out, _ = runCLI(t, "", "summary", "--section", "growing military cooperation")
	if code != 0 || !strings.Contains(out, "Growing Military Cooperation") || strings.Contains(out, "] Introduction") {
		t.Errorf("section summary: exit %d\n%s", code, out)
	}
}

func TestChatPiped(t *testing.T) {
	in := "How many troops has North Korea sent to Russia?\n\nWho won the 2022 World Cup?\n" + strings.Repeat("x", 1001) + "\nWhen did Kim and Putin have a phone conversation?\n"
	code, out, errOut := runCLI(t, in, "chat")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"15,000", "doesn't say", "August 13"} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
	// Piped questions are echoed above their answers, with no prompt.
	if !strings.HasPrefix(out, "> How many troops has North Korea sent to Russia?\n") || strings.Contains(out, "\n> \n") || strings.Contains(out, "> > ") {
		t.Errorf("piped chat doesn't echo each question above its answer:\n%s", out)
	}
	if !strings.Contains(errOut, "too long") {
		t.Errorf("the over-long line was not reported: %q", errOut)
	}
	code, out, _ = runCLI(t, "How many troops has North Korea sent to Russia?\nexit\nWho won?\n", "chat", "--json")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"refused":false`) {
		t.Errorf("chat --json: exit %d\n%s", code, out)
	}
}

func TestCorpusFlag(t *testing.T) {
	dir := t.TempDir()
	article := "---\ntitle: Harbour News\n---\nThe harbour reopened on Monday after repairs.\n\nNew Ferries\n\nTwo new ferries will start service in June.\n"
	if err := os.WriteFile(filepath.Join(dir, "harbour.md"), []byte(article), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "ask", "--corpus", dir, "--json", "How many new ferries will start service?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var a struct {
		Answer  string `json:"answer"`
		Sources []struct {
			Article string `json:"article"`
			Section string `json:"section"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Answer, "Two new ferries") || len(a.Sources) != 1 ||
		!reflect.DeepEqual([]string{a.Sources[0].Article, a.Sources[0].Section}, []string{"Harbour News", "New Ferries"}) {
		t.Errorf("answer from --corpus: %s", out)
	}
}

func TestNoBoilerplateAnywhere(t *testing.T) {
	runs := [][]string{
		{"ask", "Also Read: UK PM Keir Starmer to Begin First Official Visit to India Tomorrow"},
		{"sources", "-k", "20", "Keir Starmer India visit"},
		{"summary", "--length", "long"},
		{"ask", "--json", "What should I also read?"},
	}
	for _, args := range runs {
		_, out, _ := runCLI(t, "", args...)
		if strings.Contains(out, "Starmer") || strings.Contains(out, "Also Read") {
			t.Errorf("%q shows boilerplate:\n%s", args, out)
		}
	}
}

func TestEvalCommand(t *testing.T) {
	// Two sets over different corpora: the built-in article, and the
	// Kessford story its file's "# corpus:" line names.
	code, out, errOut := runCLI(t, "", "eval", "../../testdata/qa.jsonl", "../../testdata/kessford.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"qa (split all): 60 questions", "kessford (split all): 26 questions",
		"answer", "unans.refused", "offtopic.refused", "other.story", "mixed", "story@4", "passage@1", "MRR",
		"\n          fact", "\n      offtopic", "\n           all"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "why:") || strings.Contains(out, "k01 [fact]") {
		t.Error("eval without -v lists questions")
	}

	code, out, errOut = runCLI(t, "", "eval", "-v", "--split", "heldout", "../../testdata/kessford.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"kessford (split heldout): 26 questions", `k01 [fact] "How much will the Kessford footbridge cost?"`, "passage rank"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval -v output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runCLI(t, "", "eval", "--json", "../../testdata/kessford.jsonl")
	var reports []bot.EvalSetReport
	if err := json.Unmarshal([]byte(out), &reports); code != 0 || err != nil || len(reports) != 1 || len(reports[0].Results) != 26 {
		t.Errorf("exit %d, err %v, --json gave %.300s", code, err, out)
	}

	for _, args := range [][]string{{"eval"}, {"eval", "--split", "test", "../../testdata/qa.jsonl"}} {
		if code, _, errOut := runCLI(t, "", args...); code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", args, code, errOut)
		}
	}
}

func TestConfigCommandRedactsSecrets(t *testing.T) {
	var out, errb bytes.Buffer
	env := map[string]string{"OPENAI_API_KEY": "sk-test-VERYSECRET", "DISCORD_TOKEN": "discord-VERYSECRET", "ARTICLEBOT_CHAT_MODEL": "my-model"}
	err := run(context.Background(), []string{"config"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String()+errb.String(), "VERYSECRET") {
		t.Errorf("a secret was printed:\n%s", out.String())
	}
	for _, want := range []string{"chat_model: my-model", "openai_api_key: '[redacted]'", "discord_token: '[redacted]'", "api_url: https://discord.com"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("config output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(file, []byte("answer:\n  top_kk: 3\n"), 0o600)
	code, _, errOut := runCLI(t, "", "config", "--config", file)
	if code != 2 || !strings.Contains(errOut, `"top_kk"`) || !strings.Contains(errOut, "top_k") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"ask", "q"}, func(k string) string {
		return map[string]string{"ARTICLEBOT_LOG_FORMAT": "xml"}[k]
	}, strings.NewReader(""), &out, &errb)
	if code := exitCode(err, &errb); code != 2 || !strings.Contains(errb.String(), "log.format") || !strings.Contains(errb.String(), "auto, text, json") {
		t.Errorf("invalid value: exit %d, stderr %q", code, errb.String())
	}
}

func TestReadmeListsEveryEnvVar(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := runCLI(t, "", "config", "--env-markdown")
	if !strings.Contains(string(readme), table) {
		t.Errorf("README's environment table is stale; replace it with the output of `articlebot config --env-markdown`:\n%s", table)
	}
}

func TestHealthCommand(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"health"}, func(k string) string {
		return map[string]string{"ARTICLEBOT_HTTP_ADDR": addr}[k]
	}, strings.NewReader(""), &out, &errb)
	if err != nil || out.String() != "ok\n" {
		t.Errorf("healthy: err %v, out %q", err, out.String())
	}
	srv.Close()
	err = run(context.Background(), []string{"health"}, func(k string) string {
		return map[string]string{"ARTICLEBOT_HTTP_ADDR": addr}[k]
	}, strings.NewReader(""), &out, &errb)
	if exitCode(err, &errb) != 1 {
		t.Errorf("server down: err %v", err)
	}
	// A container health check reads anything but 0 as unhealthy, and
	// Docker reserves 2: every failure of health is 1, bad settings too.
	if code, _, errOut := runCLI(t, "", "health"); code != 1 || !strings.Contains(errOut, "ARTICLEBOT_HTTP_ADDR") {
		t.Errorf("listener off: exit %d %q", code, errOut)
	}
	for _, env := range []map[string]string{{"ARTICLEBOT_HTTP_ADDR": "nocolon"}, {"ARTICLEBOT_HTTP_ADDR": addr, "ARTICLEBOT_LOG_LEVEL": "loud"}} {
		var errb bytes.Buffer
		err := run(context.Background(), []string{"health"}, envOf(env), strings.NewReader(""), &out, &errb)
		if code := exitCode(err, &errb); code != 1 {
			t.Errorf("%v: exit %d, want 1: %s", env, code, errb.String())
		}
	}
	for _, args := range [][]string{{"health", "extra"}, {"health", "--bogus"}} {
		if code, _, _ := runCLI(t, "", args...); code != 1 {
			t.Errorf("%q: exit %d, want 1", args, code)
		}
	}
}

func TestProgressBar(t *testing.T) {
	for _, tt := range []struct {
		done, total int
		want        string
	}{{0, 10, "[----------]"}, {5, 10, "[#####-----]"}, {10, 10, "[##########]"}, {12, 10, "[##########]"}, {0, 0, "[##########]"}} {
		if got := progressBar(tt.done, tt.total, 10); got != tt.want {
			t.Errorf("progressBar(%d, %d) = %q, want %q", tt.done, tt.total, got, tt.want)
		}
	}
}

func TestSourcesNameTheArticleWhenThereAreSeveral(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "harbour.md"), []byte("---\ntitle: Harbour News\n---\nTwo new ferries will start service in June.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "airport.md"), []byte("---\ntitle: Airport News\n---\nThree new gates will open at the airport in June.\n"), 0o644)
	code, out, errOut := runCLI(t, "", "ask", "--corpus", dir, "When will the new ferries start service, and what will open at the airport?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Harbour News › Introduction: “") || !strings.Contains(out, "Airport News › Introduction: “") {
		t.Errorf("sources don't name their articles:\n%s", out)
	}
}
