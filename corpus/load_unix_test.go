//go:build unix

package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A FIFO with an article's name blocked the load for good (and the
// command with it: an interrupt can't end a blocked open). Only regular
// files, and links to them, are read.
func TestOnlyRegularFilesAreRead(t *testing.T) {
	dir := writeTree(t, map[string]string{"story.txt": "Harbour reopens\n\nThe harbour reopened on Monday."})
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	for name, target := range map[string]string{
		"linked.md":    "story.txt", // a link to a story is read
		"dangling.txt": "missing.txt",
		"folder.txt":   ".",
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	type result struct {
		c   *Corpus
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := LoadDir(dir)
		done <- result{c, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute): // against a hang only
		t.Fatal("the load hung on a FIFO")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.c.Articles) != 1 || r.c.Report.Duplicates != 1 {
		t.Errorf("articles %d, duplicates %d: want the story and its link folded into it", len(r.c.Articles), r.c.Report.Duplicates)
	}
	want := map[string]string{
		"pipe.txt":     "not a regular file (a named pipe)",
		"dangling.txt": "couldn't read the file",
		"folder.txt":   "not a regular file (a folder)",
	}
	for _, w := range r.c.Report.Warnings {
		if w.Kind != WarnSkipped {
			continue
		}
		name := filepath.Base(w.Path)
		if frag, ok := want[name]; !ok || !strings.Contains(w.Detail, frag) || w.Path != filepath.Join(dir, name) {
			t.Errorf("skipped %s: %s", w.Path, w.Detail)
		}
		delete(want, name)
	}
	if len(want) > 0 || r.c.Report.Skipped != 3 {
		t.Errorf("not skipped with a warning: %v (skipped %d)", want, r.c.Report.Skipped)
	}
	// The incremental listing follows the link too: its target's size.
	l, err := ListDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range l.files {
		if f.rel == "linked.md" && (!f.stat.ok || f.stat.size != int64(len("Harbour reopens\n\nThe harbour reopened on Monday."))) {
			t.Errorf("linked.md's stat = %+v, want its target's", f.stat)
		}
	}
}
