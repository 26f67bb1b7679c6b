//go:build unix

package retrieval

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"syscall"
	"testing"
)

func TestIndexFileHazards(t *testing.T) {
	ctx := context.Background()
	chunks := builtinChunks(t)
	newStore := func(t *testing.T) *Store { return NewStore(t.TempDir(), "local-test", "") }

	t.Run("fifo", func(t *testing.T) {
		st := newStore(t)
		if err := syscall.Mkfifo(st.Path(), 0o644); err != nil {
			t.Skip(err)
		}
		// Opening a FIFO for reading would block until a writer came.
		_, err := st.load(ctx)
		if !errors.Is(err, ErrCorruptIndex) {
			t.Fatalf("a FIFO at the index path: err = %v", err)
		}
		if _, stats, err := BuildPersisted(ctx, chunks, Options{}, st); err != nil || stats.Discarded == nil {
			t.Errorf("build over a FIFO: stats %+v, err %v", stats, err)
		}
		if info, err := os.Stat(st.Path()); err != nil || !info.Mode().IsRegular() {
			t.Errorf("the FIFO was not replaced by an index: %v %v", info, err)
		}
	})
	t.Run("huge junk file", func(t *testing.T) {
		st := newStore(t)
		f, err := os.Create(st.Path())
		if err != nil {
			t.Fatal(err)
		}
		// A sparse 4 GiB file: reading it whole would take 4 GiB.
		if err := f.Truncate(4 << 30); err != nil {
			t.Skip(err)
		}
		f.Close()
		if _, err := st.load(ctx); !errors.Is(err, ErrCorruptIndex) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("header larger than the file", func(t *testing.T) {
		st := newStore(t)
		if _, _, err := BuildPersisted(ctx, chunks, Options{}, st); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(st.Path())
		// Claim a header of 60 KB in a file that has less after it.
		binary.LittleEndian.PutUint32(raw[len(storeMagic):], 60000)
		os.WriteFile(st.Path(), raw[:1000], 0o644)
		if _, err := st.load(ctx); !errors.Is(err, ErrCorruptIndex) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("header claims more chunks or stems than the file holds", func(t *testing.T) {
		for _, field := range []string{"chunks", "stems"} {
			st := newStore(t)
			if _, _, err := BuildPersisted(ctx, chunks, Options{}, st); err != nil {
				t.Fatal(err)
			}
			raw, _ := os.ReadFile(st.Path())
			hlen := binary.LittleEndian.Uint32(raw[len(storeMagic):])
			var h map[string]any
			if err := json.Unmarshal(raw[len(storeMagic)+4:len(storeMagic)+4+int(hlen)], &h); err != nil {
				t.Fatal(err)
			}
			// Every chunk's vector slot must still exist, so that only the
			// terms can disagree.
			h[field] = 1 << 40
			hb, _ := json.Marshal(h)
			out := append([]byte(storeMagic), binary.LittleEndian.AppendUint32(nil, uint32(len(hb)))...)
			out = append(append(out, hb...), raw[len(storeMagic)+4+int(hlen):]...)
			os.WriteFile(st.Path(), out, 0o644)
			if _, err := st.load(ctx); !errors.Is(err, ErrCorruptIndex) {
				t.Errorf("%s = 2^40: err = %v", field, err)
			}
		}
	})
	t.Run("directory", func(t *testing.T) {
		st := newStore(t)
		if err := os.Mkdir(st.Path(), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := st.load(ctx); !errors.Is(err, ErrCorruptIndex) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		st := newStore(t)
		if _, _, err := BuildPersisted(ctx, chunks, Options{}, st); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := BuildPersisted(cctx, chunks, Options{}, st); !errors.Is(err, context.Canceled) {
			t.Errorf("a cancelled load: err = %v", err)
		}
	})
}
