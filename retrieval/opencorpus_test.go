package retrieval

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/articlebot/articlebot/corpus"
)

// collection writes a small collection of stories to a new directory and
// returns it and a function that rewrites one story's body.
func collection(t *testing.T, stories int) (dir string, edit func(i int, body string)) {
	t.Helper()
	dir = t.TempDir()
	mtime := time.Unix(1_700_000_000, 0)
	write := func(i int, body string) {
		path := filepath.Join(dir, fmt.Sprintf("s%03d.md", i))
		text := fmt.Sprintf("---\ntitle: Story %d\n---\n%s\n\nThe second paragraph of story %d mentions harbour %d.\n", i, body, i, i)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		// A time of its own, so that an edit is seen whatever the clock's step.
		mtime = mtime.Add(time.Second)
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	for i := range stories {
		write(i, fmt.Sprintf("Story %d says the ferry carried %d passengers.", i, 100+i))
	}
	return dir, write
}

func TestOpenCorpusReadsAndProcessesOnlyChangedFiles(t *testing.T) {
	ctx := context.Background()
	dir, edit := collection(t, 6)
	st := NewStore(t.TempDir(), "local-test", "")
	open := func(source string, reread bool) (*corpus.Corpus, *Index, BuildStats) {
		t.Helper()
		c, ix, stats, err := OpenCorpus(ctx, dir, source, reread, Options{Expand: Expand}, st)
		if err != nil {
			t.Fatal(err)
		}
		return c, ix, stats
	}
	c, ix, stats := open("v1", false)
	if stats.Reread != 6 || stats.Processed != 6 || !stats.Saved || stats.Discarded != nil {
		t.Fatalf("first open: %+v", stats)
	}
	first := ix.Chunks()

	c2, ix2, stats := open("v1", false)
	if stats.Reread != 0 || stats.Processed != 0 || stats.Saved || stats.Unchanged != 6 {
		t.Errorf("unchanged collection: %+v; want nothing read, processed or saved", stats)
	}
	if !slices.Equal(ix2.Chunks(), first) || !slices.Equal(c2.Titles(), c.Titles()) || len(c2.Files) != 6 {
		t.Errorf("the saved corpus differs from the loaded one")
	}
	if res, err := ix2.Search(ctx, "How many passengers did the ferry of story 3 carry?", 1); err != nil || !strings.Contains(res.Hits[0].Chunk.Text, "103") {
		t.Errorf("search over the opened index: %v", err)
	}

	edit(2, "Story 2 now says the ferry carried 999 passengers.")
	_, ix3, stats := open("v1", false)
	if stats.Reread != 1 || stats.Processed != 1 || stats.Unchanged != 5 || !stats.Saved {
		t.Errorf("one story edited: %+v; want one file read and one story processed", stats)
	}
	if res, err := ix3.Search(ctx, "ferry 999 passengers", 1); err != nil || !strings.Contains(res.Hits[0].Chunk.Text, "999") {
		t.Errorf("the edit is not searchable: %v", err)
	}
	// Unchanged stories' chunks come from the index, the edited one's are
	// cut again: together what chunking the whole collection gives.
	if full, err := corpus.LoadDir(dir); err != nil || !slices.Equal(ix3.Chunks(), full.Chunks()) {
		t.Errorf("the chunks differ from a full load's (%v)", err)
	}
	if _, _, stats = open("v1", false); stats.Reread != 0 || stats.Saved {
		t.Errorf("after the edit was saved: %+v", stats)
	}

	if err := os.Remove(filepath.Join(dir, "s004.md")); err != nil {
		t.Fatal(err)
	}
	if _, _, stats = open("v1", false); stats.Reread != 0 || stats.Removed != 1 || !stats.Saved {
		t.Errorf("one story removed: %+v", stats)
	}
	// Another program may parse differently: every file is read, but
	// stories whose text is the same are not processed again.
	if _, _, stats = open("v2", false); stats.Reread != 5 || stats.Processed != 0 {
		t.Errorf("another program: %+v; want every file read, nothing processed", stats)
	}
	if _, _, stats = open("v2", true); stats.Reread != 5 || stats.Processed != 0 {
		t.Errorf("reread: %+v; want every file read, nothing processed", stats)
	}
}

// vectorFiles lists the store's vectors files.
func vectorFiles(t *testing.T, st *Store) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(filepath.Dir(st.Path()), vectorsPrefix(st.Path())+"*.vec"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestReindexAppendsVectorsAndCompactsWhenMostAreStale(t *testing.T) {
	ctx := context.Background()
	dir, edit := collection(t, 4)
	st := NewStore(t.TempDir(), "local-test", "")
	_, ix, _, err := OpenCorpus(ctx, dir, "v1", false, Options{}, st)
	if err != nil {
		t.Fatal(err)
	}
	slot := int64(slotBytes(ix.Dims()))
	files := vectorFiles(t, st)
	size := func() int64 {
		info, err := os.Stat(files[0])
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	if len(files) != 1 || size() != vectorsHeader+int64(ix.Len())*slot {
		t.Fatalf("vectors files %v", files)
	}
	// One paragraph of one story changes: one vector is appended, the
	// file is not rewritten.
	before := size()
	edit(1, "Story 1 now says the ferry carried 555 passengers.")
	if _, _, stats, err := OpenCorpus(ctx, dir, "v1", false, Options{}, st); err != nil || stats.Embedded != 1 {
		t.Fatalf("%+v %v", stats, err)
	}
	if got := vectorFiles(t, st); !slices.Equal(got, files) || size() != before+slot {
		t.Errorf("after one changed passage: %v, %d bytes; want %v, %d", got, size(), files, before+slot)
	}
	// Edit after edit: once most slots are stale, one new file holds the
	// vectors in use, and the old one is gone.
	for n := range 12 {
		edit(n%4, fmt.Sprintf("Edit %d of the first paragraph.", n))
		if _, _, stats, err := OpenCorpus(ctx, dir, "v1", false, Options{}, st); err != nil || stats.SaveErr != nil {
			t.Fatalf("%+v %v", stats, err)
		}
	}
	got := vectorFiles(t, st)
	p, err := st.load(ctx)
	if err != nil || p.verify() != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] == files[0] || p.ref.Slots > 2*ix.Len() {
		t.Errorf("after many edits: files %v (were %v), %d slots for %d chunks", got, files, p.ref.Slots, ix.Len())
	}
}

func TestDamagedOrMissingVectorsAreRebuilt(t *testing.T) {
	ctx := context.Background()
	chunks := builtinChunks(t)
	flip := func(path string) (time.Time, error) {
		info, err := os.Stat(path)
		if err != nil {
			return time.Time{}, err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return time.Time{}, err
		}
		b[len(b)-3] ^= 0x40
		return info.ModTime(), os.WriteFile(path, b, 0o644)
	}
	for name, damage := range map[string]func(path string) error{
		"flipped byte": func(path string) error {
			was, err := flip(path)
			if err != nil {
				return err
			}
			// A write changes the file's time (here beyond a coarse
			// clock's step): its checksum is computed again.
			later := was.Add(time.Second)
			return os.Chtimes(path, later, later)
		},
		// An edit that keeps the file's size and time is found only by
		// checking every vector (index --full).
		"flipped byte, time restored": func(path string) error {
			was, err := flip(path)
			if err != nil {
				return err
			}
			return os.Chtimes(path, was, was)
		},
		"truncated": func(path string) error { return os.Truncate(path, vectorsHeader+100) },
		"missing":   os.Remove,
	} {
		t.Run(name, func(t *testing.T) {
			st := NewStore(t.TempDir(), "local-test", "")
			if name == "flipped byte, time restored" {
				st.VerifyAlways()
			}
			if _, _, err := BuildPersisted(ctx, chunks, Options{}, st); err != nil {
				t.Fatal(err)
			}
			if err := damage(vectorFiles(t, st)[0]); err != nil {
				t.Fatal(err)
			}
			p, err := st.load(ctx)
			if err == nil {
				err = p.verify()
			}
			if !errors.Is(err, ErrCorruptIndex) {
				t.Fatalf("load: err = %v", err)
			}
			_, stats, err := BuildPersisted(ctx, chunks, Options{}, st)
			if err != nil || !errors.Is(stats.Discarded, ErrCorruptIndex) || stats.Embedded != len(chunks) || !stats.Saved {
				t.Errorf("rebuild: %+v, %v", stats, err)
			}
			if p, err := st.load(ctx); err != nil || p.verify() != nil {
				t.Errorf("the rebuilt index: %v", err)
			}
		})
	}
}

// Two stores on one directory stand for two processes: only the lock file
// keeps their saves apart.
func TestTwoProcessesSavingAtOnceLeaveAGoodIndex(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	chunks := syntheticChunks(40, 3, 5)
	var wg sync.WaitGroup
	for w := range 2 {
		st := NewStore(data, "local-test", "")
		wg.Go(func() {
			own := slices.Clone(chunks)
			for n := range 6 {
				own[(w*7+n)%len(own)].Text += fmt.Sprintf(" (edit %d by %d)", n, w)
				if _, stats, err := BuildPersisted(ctx, own, Options{}, st); err != nil || stats.SaveErr != nil {
					t.Errorf("writer %d: %+v %v", w, stats, err)
				}
			}
		})
	}
	wg.Wait()
	st := NewStore(data, "local-test", "")
	p, err := st.load(ctx)
	if err == nil {
		err = p.verify()
	}
	if err != nil || p == nil {
		t.Fatalf("the index after two writers: %v", err)
	}
	if _, stats, err := BuildPersisted(ctx, chunks, Options{}, st); err != nil || stats.Discarded != nil {
		t.Errorf("building on it: %+v %v", stats, err)
	}
}

// addSignalStore tells when its vectors are added.
type addSignalStore struct {
	VectorStore
	added chan struct{}
}

func (s *addSignalStore) Add(ctx context.Context, docs []VectorDoc) error {
	defer close(s.added)
	return s.VectorStore.Add(ctx, docs)
}

func TestTheStoreIsFilledAtTheFirstSearchOrByPrefill(t *testing.T) {
	ctx := context.Background()
	for _, prefill := range []bool{false, true} {
		s := &addSignalStore{added: make(chan struct{})}
		opt := Options{NewVectorStore: func() (VectorStore, error) {
			var err error
			s.VectorStore, err = NewChromemStore()
			return s, err
		}}
		ix, err := Build(ctx, builtinChunks(t), opt)
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-s.added:
			t.Fatal("the store was filled before anything asked for it")
		default:
		}
		if prefill {
			ix.Prefill()
			select {
			case <-s.added:
			case <-time.After(time.Minute):
				t.Fatal("Prefill did not fill the store")
			}
		}
		if res, err := ix.Search(ctx, "How many troops has North Korea sent?", 1); err != nil || !strings.Contains(res.Hits[0].Chunk.Text, "15,000") {
			t.Errorf("prefill %v: search %v", prefill, err)
		}
		<-s.added
	}
}

// A persisted index makes its postings lists and story index at its first
// search, not when it is opened: `index`, which only saves, never makes
// them. The saved index searches as one built in memory does.
func TestPostingsAreMadeAtTheFirstSearch(t *testing.T) {
	ctx := context.Background()
	chunks := builtinChunks(t)
	st := NewStore(t.TempDir(), "local-test", "")
	for range 2 { // built, then reopened
		ix, _, err := BuildPersisted(ctx, chunks, Options{}, st)
		if err != nil {
			t.Fatal(err)
		}
		if ix.bm != nil || ix.stix != nil {
			t.Fatal("the postings were made before any search")
		}
		res, err := ix.Search(ctx, "How many troops has North Korea sent?", 1)
		if err != nil || !strings.Contains(res.Hits[0].Chunk.Text, "15,000") {
			t.Fatalf("search: %v", err)
		}
		if ix.bm == nil || ix.stix == nil {
			t.Fatal("searched without postings")
		}
	}
	mem, err := Build(ctx, chunks, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, _, err := BuildPersisted(ctx, chunks, Options{}, st)
	if err != nil {
		t.Fatal(err)
	}
	ix.Prefill()
	for _, q := range []string{"Who did Kim write to?", "When did the troops arrive?"} {
		a, _ := mem.Search(ctx, q, 3)
		b, _ := ix.Search(ctx, q, 3)
		if len(a.Hits) != len(b.Hits) || a.Coverage != b.Coverage {
			t.Fatalf("%q: persisted %+v, in memory %+v", q, b, a)
		}
		for i := range a.Hits {
			if a.Hits[i].Chunk.ID != b.Hits[i].Chunk.ID || a.Hits[i].BM25 != b.Hits[i].BM25 {
				t.Errorf("%q: hit %d persisted %s %v, in memory %s %v", q, i, b.Hits[i].Chunk.ID, b.Hits[i].BM25, a.Hits[i].Chunk.ID, a.Hits[i].BM25)
			}
		}
	}
}
