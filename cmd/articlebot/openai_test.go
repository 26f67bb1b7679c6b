package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/openaitest"
)

// runWithEnv runs the command line in-process with the given environment.
func runWithEnv(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	code = exitCode(err, &errb)
	return code, out.String(), errb.String()
}

// fakeAPI starts the fake OpenAI server and an environment pointing at it,
// with a fresh data directory.
func fakeAPI(t *testing.T) (*openaitest.Server, map[string]string) {
	t.Helper()
	srv := openaitest.New(t)
	return srv, map[string]string{
		"OPENAI_BASE_URL":            srv.URL,
		"ARTICLEBOT_DATA_DIR":        t.TempDir(),
		"ARTICLEBOT_CHAT_MODEL":      "chat-test",
		"ARTICLEBOT_EMBEDDING_MODEL": "embed-test",
		"ARTICLEBOT_LOG_FORMAT":      "json",
	}
}

func troopsReply(r openaitest.Request) openaitest.Reply {
	for n, p := range openaitest.Passages(r.Last("user")) {
		if strings.Contains(p, "15,000") {
			return openaitest.Reply{Content: "Pyongyang has reportedly sent around 15,000 troops [" + itoa(n) + "]."}
		}
	}
	return openaitest.Reply{Content: "NO_ANSWER: The article doesn't say."}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestAskJSONThroughOpenAICompatibleAPI(t *testing.T) {
	srv, vars := fakeAPI(t)
	srv.SetChat(troopsReply)
	code, out, errOut := runWithEnv(t, vars, "ask", "--json", "How many troops has North Korea sent to Russia?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var a struct {
		Answer  string `json:"answer"`
		Refused bool   `json:"refused"`
		Drafter string `json:"drafter"`
		Usage   *struct {
			Prompt     int `json:"prompt_tokens"`
			Completion int `json:"completion_tokens"`
			Total      int `json:"total_tokens"`
		} `json:"usage"`
		Sources []struct {
			N       int    `json:"n"`
			Passage string `json:"passage"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if a.Drafter != "llm" || a.Refused || a.Answer != "Pyongyang has reportedly sent around 15,000 troops [1]." {
		t.Errorf("answer: %s", out)
	}
	if a.Usage == nil || a.Usage.Prompt == 0 || a.Usage.Total != a.Usage.Prompt+a.Usage.Completion {
		t.Errorf("usage: %s", out)
	}
	if len(a.Sources) != 1 || a.Sources[0].N != 1 || !strings.Contains(a.Sources[0].Passage, "15,000") {
		t.Errorf("sources: %s", out)
	}
	// The index in one batch, then one query embedding and one chat.
	if e, c := srv.Count(openaitest.Embeddings), srv.Count(openaitest.Chat); e != 2 || c != 1 {
		t.Errorf("%d embedding and %d chat requests, want 2 and 1", e, c)
	}

	// A restart reuses the persisted index: only the question's requests.
	srv.Reset()
	if code, _, errOut := runWithEnv(t, vars, "ask", "--json", "How many troops has North Korea sent to Russia?"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if e, c := srv.Count(openaitest.Embeddings), srv.Count(openaitest.Chat); e != 1 || c != 1 {
		t.Errorf("after a restart: %d embedding and %d chat requests, want 1 and 1", e, c)
	}
}

func TestAskTextStreamsAndCites(t *testing.T) {
	srv, vars := fakeAPI(t)
	srv.SetChat(troopsReply)
	code, out, errOut := runWithEnv(t, vars, "ask", "How many troops has North Korea sent to Russia?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "Pyongyang has reportedly sent around 15,000 troops [1].\n\nSources:\n[1] Growing Military Cooperation: “"
	if !strings.HasPrefix(out, want) {
		t.Errorf("output:\n%s", out)
	}
}

func TestChatModelOnlyKeepsLocalEmbeddings(t *testing.T) {
	srv, vars := fakeAPI(t)
	srv.SetChat(troopsReply)
	vars["ARTICLEBOT_EMBEDDING_MODEL"] = "local"
	code, out, _ := runWithEnv(t, vars, "ask", "--json", "How many troops has North Korea sent to Russia?")
	if code != 0 || !strings.Contains(out, `"drafter": "llm"`) {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if n := srv.Count(openaitest.Embeddings); n != 0 {
		t.Errorf("%d embedding requests with local embeddings", n)
	}

	// And the other way round: API embeddings, extractive answers.
	srv.Reset()
	vars["ARTICLEBOT_EMBEDDING_MODEL"], vars["ARTICLEBOT_CHAT_MODEL"] = "embed-test", "extractive"
	code, out, _ = runWithEnv(t, vars, "ask", "--json", "How many troops has North Korea sent to Russia?")
	if code != 0 || !strings.Contains(out, `"drafter": "extractive"`) || !strings.Contains(out, "15,000") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if srv.Count(openaitest.Chat) != 0 || srv.Count(openaitest.Embeddings) != 2 {
		t.Errorf("%d chat and %d embedding requests, want 0 and 2", srv.Count(openaitest.Chat), srv.Count(openaitest.Embeddings))
	}
}

func TestAskWithAWrongKeyExitsOne(t *testing.T) {
	srv, vars := fakeAPI(t)
	srv.RequireKey("sk-right")
	vars["OPENAI_API_KEY"] = "sk-wrong"
	code, out, errOut := runWithEnv(t, vars, "ask", "How many troops has North Korea sent to Russia?")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "rejected the API key") || !strings.Contains(errOut, "OPENAI_API_KEY") {
		t.Errorf("stderr %q lacks a clear configuration error", errOut)
	}
	if strings.Contains(errOut, "Incorrect API key") || strings.Contains(errOut, "sk-wrong") {
		t.Errorf("stderr shows the upstream error or the key: %q", errOut)
	}
	if n := len(srv.Requests()); n != 1 || srv.Count(openaitest.Models) != 1 {
		t.Errorf("%d requests, want 1 (the key's check at start): a 401 is never retried", n)
	}
}

func TestIndexCommand(t *testing.T) {
	srv, vars := fakeAPI(t)
	code, out, errOut := runWithEnv(t, vars, "index")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	chunks := summaryValue(t, out, "chunks")
	if summaryValue(t, out, "stories") != "1" || summaryValue(t, out, "embedded") != chunks || summaryValue(t, out, "reused") != "0" {
		t.Errorf("first run:\n%s", out)
	}
	if !strings.Contains(out, "time:") || !strings.Contains(out, "embed-test at "+srv.URL) {
		t.Errorf("summary:\n%s", out)
	}
	// Not a terminal: plain progress lines.
	if !strings.Contains(errOut, "embedded "+chunks+" of "+chunks+" passages\n") || strings.Contains(errOut, "\r") {
		t.Errorf("progress on stderr: %q", errOut)
	}
	if n := srv.Count(openaitest.Embeddings); n != 1 {
		t.Errorf("first run: %d embedding requests, want 1 batch", n)
	}

	srv.Reset()
	code, out, _ = runWithEnv(t, vars, "index")
	if code != 0 || summaryValue(t, out, "embedded") != "0" || summaryValue(t, out, "reused") != chunks {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
	if n := srv.Count(openaitest.Embeddings); n != 0 {
		t.Errorf("second run: %d embedding requests, want 0", n)
	}
}

func TestIndexRebuildsACorruptFileWithAWarning(t *testing.T) {
	srv, vars := fakeAPI(t)
	if code, _, errOut := runWithEnv(t, vars, "index"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(vars["ARTICLEBOT_DATA_DIR"], "index-*.bin"))
	if len(files) != 1 {
		t.Fatalf("index files: %v", files)
	}
	if err := os.WriteFile(files[0], []byte("\x00garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	code, out, errOut := runWithEnv(t, vars, "index")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, `"level":"WARN"`) || !strings.Contains(errOut, "unusable") || !strings.Contains(errOut, "corrupt") {
		t.Errorf("no warning on stderr: %s", errOut)
	}
	if summaryValue(t, out, "embedded") != summaryValue(t, out, "chunks") || srv.Count(openaitest.Embeddings) != 1 {
		t.Errorf("not rebuilt:\n%s", out)
	}
	srv.Reset()
	if code, out, _ := runWithEnv(t, vars, "index"); code != 0 || summaryValue(t, out, "embedded") != "0" {
		t.Errorf("the rebuilt index was not saved:\n%s", out)
	}
}

func TestIndexOffline(t *testing.T) {
	code, out, _ := runWithEnv(t, map[string]string{}, "index")
	if code != 0 || summaryValue(t, out, "embeddings") != "local" || !strings.Contains(out, "not persisted") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestEmbeddingsDownAtStartFallsBackToLocal(t *testing.T) {
	srv, vars := fakeAPI(t)
	srv.SetChat(troopsReply)
	vars["ARTICLEBOT_LLM_MAX_RETRIES"] = "0"
	srv.Fail(openaitest.Embeddings, openaitest.ServerError(), 1)
	code, out, errOut := runWithEnv(t, vars, "ask", "--json", "How many troops has North Korea sent to Russia?")
	if code != 0 || !strings.Contains(out, "15,000") {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(errOut, "using local embeddings") {
		t.Errorf("no warning: %s", errOut)
	}
}

// summaryValue reads "key: value" from the index command's summary.
func summaryValue(t *testing.T, out, key string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == key {
			return strings.TrimSpace(v)
		}
	}
	t.Errorf("no %q in:\n%s", key, out)
	return ""
}

func TestIndexFailsWhenTheEmbeddingsAPIIsDown(t *testing.T) {
	srv, vars := fakeAPI(t)
	vars["ARTICLEBOT_LLM_MAX_RETRIES"] = "0"
	srv.Fail(openaitest.Embeddings, openaitest.ServerError(), 1)
	code, out, errOut := runWithEnv(t, vars, "index")
	if code != 1 {
		t.Fatalf("exit %d, want 1: nothing was persisted\n%s", code, out)
	}
	if !strings.Contains(errOut, "couldn't build the persisted index") || !strings.Contains(errOut, "unavailable") {
		t.Errorf("stderr: %s", errOut)
	}
	if strings.Contains(errOut, "Sorry about that") {
		t.Errorf("stderr shows the upstream error: %s", errOut)
	}
	files, _ := filepath.Glob(filepath.Join(vars["ARTICLEBOT_DATA_DIR"], "index-*.bin"))
	if len(files) != 0 {
		t.Errorf("index files after a failed build: %v", files)
	}
}

// A model reply with nested markers used to kill the CLI with a stack trace.
func TestAskSurvivesNestedMarkers(t *testing.T) {
	srv, vars := fakeAPI(t)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: "North Korea sent 15,000 troops [[9]2]. Kim met Putin [0[0]]."}
	})
	code, out, errOut := runWithEnv(t, vars, "ask", "How many troops has North Korea sent to Russia?")
	if code != 0 || strings.Contains(errOut, "goroutine") || strings.Contains(out, "[9]") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
