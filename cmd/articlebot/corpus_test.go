package main

import (
	"os"
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
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
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
