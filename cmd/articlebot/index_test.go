package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeStories writes a small collection of stories in two folders.
func writeStories(t *testing.T, dir string, bodies map[string]string) {
	t.Helper()
	for name, body := range bodies {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestIndexIsPersistedAndIncremental(t *testing.T) {
	corpusDir, data := t.TempDir(), t.TempDir()
	writeStories(t, corpusDir, map[string]string{
		"business/001.txt": "Harbour reopens after storm\n\nThe harbour reopened on Monday after a week of repairs.\n\nFerries resume their timetable in June.\n",
		"business/002.txt": "Rail line opens in May\n\nThe new rail line opens in May, the operator said.\n\nTickets go on sale next week.\n",
		"sport/001.txt":    "Town win the cup final\n\nThe town's football club won the cup final 2-1 on Saturday.\n",
		// A notice, as the BBC collection has: read, but no story file.
		"README.TXT": "About these stories\n\nThree stories for a test.\n",
	})
	vars := map[string]string{"ARTICLEBOT_DATA_DIR": data}
	var errOut string
	index := func(flags ...string) string {
		t.Helper()
		var code int
		var out string
		code, out, errOut = runWithEnv(t, vars, append([]string{"--corpus", corpusDir, "index"}, flags...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		return out
	}
	out := index()
	if summaryValue(t, out, "stories") != "3" || !strings.Contains(out, "processed:  3 stories new") || summaryValue(t, out, "reused") != "0" ||
		summaryValue(t, out, "files read") != "3 (all of them)" {
		t.Errorf("first run:\n%s", out)
	}
	// The files read are the files the load's summary counts.
	if !strings.Contains(errOut, "3 stories from 3 files") {
		t.Errorf("first run's log lacks the load summary of 3 files:\n%s", errOut)
	}
	path := summaryValue(t, out, "index")
	if !strings.HasPrefix(path, data) {
		t.Errorf("index at %s, want under the data directory %s", path, data)
	}
	out = index()
	if !strings.Contains(out, "processed:  0 stories new or changed, 3 unchanged") || summaryValue(t, out, "embedded") != "0" ||
		!strings.Contains(out, "nothing was re-embedded") || !strings.HasPrefix(summaryValue(t, out, "files read"), "0 ") {
		t.Errorf("second run re-processed something:\n%s", out)
	}
	writeStories(t, corpusDir, map[string]string{
		"business/002.txt": "Rail line opens in May\n\nThe new rail line opens in July, the operator said.\n\nTickets go on sale next week.\n",
	})
	out = index()
	if !strings.Contains(out, "processed:  1 story new or changed, 2 unchanged, 0 removed") || summaryValue(t, out, "embedded") != "1" ||
		!strings.HasPrefix(summaryValue(t, out, "files read"), "1 ") {
		t.Errorf("after changing one story's paragraph:\n%s", out)
	}
	if err := os.Remove(filepath.Join(corpusDir, "sport/001.txt")); err != nil {
		t.Fatal(err)
	}
	out = index()
	if !strings.Contains(out, "0 stories new or changed, 2 unchanged, 1 removed") {
		t.Errorf("after removing a story:\n%s", out)
	}
	// --full reads every file, and still processes no unchanged story.
	if out = index("--full"); !strings.HasPrefix(summaryValue(t, out, "files read"), "2 ") || !strings.Contains(out, "0 stories new or changed, 2 unchanged") {
		t.Errorf("index --full:\n%s", out)
	}
	// ask loads the index rather than building it.
	code, answer, errOut := runWithEnv(t, vars, "--corpus", corpusDir, "ask", "When does the new rail line open?")
	if code != 0 || !strings.Contains(answer, "July") {
		t.Errorf("ask: exit %d\n%s\n%s", code, answer, errOut)
	}
}

func TestBuiltinAskWritesNothing(t *testing.T) {
	data := t.TempDir()
	code, out, errOut := runWithEnv(t, map[string]string{"ARTICLEBOT_DATA_DIR": data}, "ask", "How many troops has North Korea sent to Russia?")
	if code != 0 || !strings.Contains(out, "15,000") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("the built-in article's ask wrote %d entries to the data directory", len(entries))
	}
}

func TestArticleFlag(t *testing.T) {
	corpusDir := t.TempDir()
	writeStories(t, corpusDir, map[string]string{
		"a/rail.txt": "New rail line opens in May\n\nThe new rail line opens in May, the operator said.\n",
		"a/tram.txt": "Tram fares rise\n\nTram fares rise in June; the new rail line is not affected.\n",
	})
	vars := map[string]string{"ARTICLEBOT_DATA_DIR": t.TempDir()}
	code, out, errOut := runWithEnv(t, vars, "--corpus", corpusDir, "ask", "--article", "Tram fares rise", "--json", "What about the new rail line?")
	if code != 0 || strings.Contains(out, `"article_id": "a/rail"`) || !strings.Contains(out, `"article_id": "a/tram"`) {
		t.Errorf("ask --article: exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runWithEnv(t, vars, "--corpus", corpusDir, "ask", "--article", "Rail opens", "When?")
	if code != 2 || !strings.Contains(errOut, "New rail line opens in May") {
		t.Errorf("unknown article: exit %d, stderr %s; want 2 and a suggestion", code, errOut)
	}
	code, out, errOut = runWithEnv(t, vars, "--corpus", corpusDir, "summary")
	if code != 0 || !strings.Contains(out, "2 stories") {
		t.Errorf("summary of a collection: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runWithEnv(t, vars, "--corpus", corpusDir, "summary", "--article", "a/tram")
	if code != 0 || !strings.Contains(out, "Tram fares rise in June") {
		t.Errorf("summary --article: exit %d\n%s", code, out)
	}
}
