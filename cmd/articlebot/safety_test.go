package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/internal/openaitest"
)

// Credentials in OPENAI_BASE_URL appear nowhere: not in `config`, `index`,
// the index file, nor the logs of a failing request.
func TestBaseURLCredentialsNeverShown(t *testing.T) {
	srv, vars := fakeAPI(t)
	vars["OPENAI_BASE_URL"] = strings.Replace(srv.URL, "http://", "http://alice:s3cret@", 1)
	vars["ARTICLEBOT_LLM_MAX_RETRIES"] = "0"
	vars["ARTICLEBOT_LOG_LEVEL"] = "debug"
	var shown strings.Builder
	for _, args := range [][]string{{"config"}, {"index"}} {
		code, out, errOut := runWithEnv(t, vars, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		shown.WriteString(out + errOut)
	}
	if !strings.Contains(shown.String(), "[redacted]@127.0.0.1") {
		t.Errorf("the URL isn't shown redacted:\n%s", shown.String())
	}
	files, _ := filepath.Glob(filepath.Join(vars["ARTICLEBOT_DATA_DIR"], "*"))
	if len(files) == 0 {
		t.Fatal("no index file")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		shown.Write(b)
	}
	// A failing request logs its upstream error, which quotes the URL.
	srv.Fail(openaitest.Chat, openaitest.Fault{Drop: true}, 1)
	_, out, errOut := runWithEnv(t, vars, "ask", "How many troops has North Korea sent to Russia?")
	shown.WriteString(out + errOut)
	if !strings.Contains(errOut, "upstream") {
		t.Errorf("no upstream error logged: %s", errOut)
	}
	for _, leak := range []string{"alice", "s3cret"} {
		if strings.Contains(shown.String(), leak) {
			t.Errorf("%q shown:\n%s", leak, shown.String())
		}
	}
}

// Neither an article nor a model can send escape sequences to the terminal.
func TestNoControlCharactersPrinted(t *testing.T) {
	dir := t.TempDir()
	article := "---\ntitle: Troops \x1b]0;pwned\x07\n---\nNorth Korea has sent around 15,000 troops\x1b[2J to Russia, officials said.\n"
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte(article), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, vars := fakeAPI(t)
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: "Around 15,000 troops\x1b[31m were sent [1].\u009b"}
	})
	for _, args := range [][]string{{"ask", "--corpus", dir, "How many troops were sent?"}, {"sources", "--corpus", dir, "troops"}, {"summary", "--corpus", dir}} {
		for _, v := range []map[string]string{{}, vars} {
			code, out, errOut := runWithEnv(t, v, args...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, errOut)
			}
			if strings.ContainsAny(out, "\x1b\x07\u009b") {
				t.Errorf("%v printed a control character: %q", args, out)
			}
		}
	}
}

func TestControlFreeWriter(t *testing.T) {
	var b strings.Builder
	w := controlFree{&b}
	n, err := w.Write([]byte("a\x1b[2Jb\n\tc\x00"))
	if err != nil || n != 10 || b.String() != "ab\n\tc" {
		t.Errorf("Write = %d, %v; wrote %q", n, err, b.String())
	}
}

// The exit status comes from the answering service's error kinds, mapped
// in one place.
func TestExitStatusByKind(t *testing.T) {
	for err, want := range map[error]int{
		nil:                                      0,
		bot.ErrEmptyQuestion:                     2,
		bot.ErrUnknownSection:                    2,
		&usageError{err: errors.New("bad flag")}: 2,
		fmt.Errorf("x: %w", badInput(errors.New("bad setting"))): 2,
		fmt.Errorf("asking: %w", context.Canceled):               130,
		context.DeadlineExceeded:                                 1,
		bot.ErrModelConfig:                                       1,
		bot.ErrInternal:                                          1,
	} {
		if got := exitStatus(err); got != want {
			t.Errorf("exitStatus(%v) = %d, want %d", err, got, want)
		}
	}
}
