package retrieval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkTmpReindexDir(b *testing.B) {
	dir := os.Getenv("REINDEX_DIR")
	if dir == "" {
		b.Skip()
	}
	ctx := context.Background()
	data := os.Getenv("REINDEX_DATA")
	st := NewStore(data, "bench", "")
	if _, _, _, err := OpenCorpus(ctx, dir, "bench", false, Options{Expand: Expand}, st); err != nil {
		b.Fatal(err)
	}
	f := filepath.Join(dir, "f0", "00000.txt")
	n := 0
	for b.Loop() {
		n++
		fh, _ := os.OpenFile(f, os.O_APPEND|os.O_WRONLY, 0)
		fmt.Fprintf(fh, "\nA sentence added %d.\n", n)
		fh.Close()
		_, _, stats, err := OpenCorpus(ctx, dir, "bench", false, Options{Expand: Expand}, NewStore(data, "bench", ""))
		if err != nil || stats.Processed != 1 {
			b.Fatalf("%+v %v", stats, err)
		}
	}
}
