package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A --corpus that names no directory (a missing path, a file) is a usage
// error, exit 2 with the command's usage, for every command that takes it;
// with --json the error is a JSON object saying so.
func TestCorpusFlagNamingNoDirectoryIsAUsageError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "story.txt")
	if err := os.WriteFile(file, []byte("A story.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	for dir, says := range map[string]string{missing: "no such directory", file: "is a file, not a directory"} {
		for _, args := range [][]string{
			{"ask", "how many troops"}, {"sources", "troops"}, {"summary"}, {"chat"}, {"index"},
		} {
			code, out, errOut := runCLI(t, "", append([]string{"--corpus", dir}, args...)...)
			if code != 2 || !strings.Contains(errOut, says) || !strings.Contains(errOut, "usage: articlebot "+args[0]) || out != "" {
				t.Errorf("%s --corpus %s: exit %d, stdout %q, stderr %q; want 2 and the usage", args[0], dir, code, out, errOut)
			}
		}
	}
	code, out, _ := runCLI(t, "", "ask", "--json", "--corpus", missing, "troops")
	var got errorJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 2 || got.ExitStatus != 2 || !strings.Contains(got.Error, "no such directory") {
		t.Errorf("--json: exit %d, %v, %q", code, err, out)
	}
}
