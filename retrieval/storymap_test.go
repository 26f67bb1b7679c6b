//go:build linux

package retrieval

import (
	"context"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

// A one-story index made by Index.Story from an index whose vectors are
// mapped from the vectors file must not point into that mapping: the
// mapping is released once the parent is unreachable, and a search of the
// story would then read unmapped memory and crash the process. The test
// drops the parent, collects until the vectors file is no longer mapped,
// and searches the story's index.
func TestStoryIndexOutlivesItsParentsMapping(t *testing.T) {
	ctx := context.Background()
	chunks := builtinChunks(t)
	for i, text := range []string{
		"The council approved the new rail budget after a long debate about fares.",
		"Union leaders said the strike over wages would go ahead next week.",
	} {
		chunks = append(chunks, corpus.Chunk{ID: "other-" + itoa(i), ArticleID: "other", ArticleTitle: "Rail strike looms", Seq: i, Text: text})
	}
	st := NewStore(t.TempDir(), "local-test", "")
	if _, _, err := BuildPersisted(ctx, chunks, Options{}, st); err != nil {
		t.Fatal(err)
	}
	vecFile := func() bool {
		maps, err := os.ReadFile("/proc/self/maps")
		if err != nil {
			t.Skip(err)
		}
		return strings.Contains(string(maps), vectorsPrefix(st.Path()))
	}
	story := func() *Index {
		parent, stats, err := BuildPersisted(ctx, chunks, Options{}, st)
		if err != nil || stats.Reused != len(chunks) {
			t.Fatalf("reopening: %+v, %v", stats, err)
		}
		if parent.mapped == nil || !vecFile() {
			t.Fatal("the reopened index's vectors are not mapped from the vectors file")
		}
		sub, err := parent.Story(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		return sub
	}()
	for i := 0; vecFile(); i++ {
		if i == 100 {
			t.Fatal("the vectors file stayed mapped after its index was dropped")
		}
		runtime.GC()
		runtime.Gosched()
	}
	res, err := story.Search(ctx, "When is the rail strike over wages?", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Chunk.ArticleID != "other" {
		t.Fatalf("hits = %+v", res.Hits)
	}
	for _, v := range story.vecs {
		var sum float64
		for _, x := range v {
			sum += float64(x) * float64(x)
		}
		if sum < 0.99 || sum > 1.01 {
			t.Fatalf("a vector of the story's index has squared norm %v after the parent's mapping was released", sum)
		}
	}
}
