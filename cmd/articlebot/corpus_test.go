package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A real collection: stories in subfolders with a headline first line, a
// notice, and a file that can't be read as text. The bad file is skipped
// with a warning naming it, and the rest answers.
func TestCorpusFolderWithWarnings(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"README.TXT":         "This collection is a notice, not a story.\n",
		"local/harbour.txt":  "Ferries return to the harbour\n\nTwo new ferries will start service in June.\n",
		"local/airport.txt":  "Airport adds gates\n\nThree new gates will open at the airport in July.\n",
		"local/broken.txt":   "\x00\x01\xff\xfe not text",
		"archive/.draft.txt": "Hidden draft\n\nNever loaded.\n",
	}
	writeStories(t, dir, files)
	code, out, errOut := runCLI(t, "", "ask", "--corpus", dir, "How many new ferries will start service?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Two new ferries") {
		t.Errorf("answer: %s", out)
	}
	broken := filepath.Join(dir, "local", "broken.txt")
	if !strings.Contains(errOut, broken) || !strings.Contains(errOut, "2 stories from 3 files") || !strings.Contains(errOut, "1 skipped: not UTF-8") {
		t.Errorf("stderr doesn't report the skipped file and the load:\n%s", errOut)
	}
}

// With several stories in the collection, every source names its story,
// in ask and in sources, even when an answer draws on one; a story's url
// and date show under it and in --json.
func TestSourcesNameTheirStory(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"harbour.md":  "---\ntitle: Harbour News\nurl: https://example.org/harbour\npublished: 2026-05-01\n---\nTwo new ferries will start service in June.\n",
		"airport.txt": "Airport adds gates\n\nThree new gates will open at the airport in July.\n",
	}
	writeStories(t, dir, files)
	code, out, errOut := runCLI(t, "", "ask", "--corpus", dir, "How many new ferries will start service?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "[1] Harbour News › Introduction: “Two new ferries") ||
		!strings.Contains(out, "\n    https://example.org/harbour · 2026-05-01\n") {
		t.Errorf("ask's sources don't name and link the story:\n%s", out)
	}
	code, out, _ = runCLI(t, "", "ask", "--corpus", dir, "--json", "How many new ferries will start service?")
	if code != 0 || !strings.Contains(out, `"url": "https://example.org/harbour"`) || !strings.Contains(out, `"published": "2026-05-01"`) {
		t.Errorf("ask --json sources lack the story's url and date: exit %d\n%s", code, out)
	}
	code, out, errOut = runCLI(t, "", "sources", "--corpus", dir, "gates at the airport")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "1. Airport adds gates › Introduction") {
		t.Errorf("sources doesn't name the story:\n%s", out)
	}
	code, out, errOut = runCLI(t, "", "sources", "--corpus", dir, "--json", "ferries")
	if code != 0 || !strings.Contains(out, `"url": "https://example.org/harbour"`) || !strings.Contains(out, `"article_id": "harbour"`) ||
		!strings.Contains(out, `"published": "2026-05-01"`) {
		t.Errorf("sources --json: exit %d, stderr %q\n%s", code, errOut, out)
	}
}

// sources over a collection says whether its articles cover the query, as
// the refusals do; scoped to one story, whether that article does.
func TestSourcesVerdictOverACollection(t *testing.T) {
	dir := t.TempDir()
	writeStories(t, dir, map[string]string{
		"harbour.txt": "Ferries return to the harbour\n\nTwo new ferries will start service in June.\n",
		"airport.txt": "Airport adds gates\n\nThree new gates will open at the airport in July.\n",
	})
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"new ferries"}, "(these articles cover this;"},
		{[]string{"world cup winner"}, "(these articles do not seem to cover this;"},
		{[]string{"--article", "airport", "world cup winner"}, "(the article does not seem to cover this;"},
		{[]string{"--article", "harbour", "new ferries"}, "(the article covers this;"},
	} {
		code, out, errOut := runCLI(t, "", append([]string{"sources", "--corpus", dir}, tt.args...)...)
		if code != 0 || !strings.Contains(out, tt.want) {
			t.Errorf("sources %q: exit %d, want %q in:\n%s%s", tt.args, code, tt.want, out, errOut)
		}
	}
}
