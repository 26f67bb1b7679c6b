package wordvec

import (
	"flag"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"
)

var updateNearest = flag.Bool("update-nearest", false, "rewrite nearest.bin from a scan of every word (a few minutes)")

// TestNearestTable: the table's neighbours are the scan's, in its order,
// for every 50th word (all of them with -update-nearest, which rewrites
// the table first).
func TestNearestTable(t *testing.T) {
	if *updateNearest {
		b := make([]byte, Len()*tableK*entryLen)
		var wg sync.WaitGroup
		next := make(chan int)
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for i := range next {
					for n, nb := range scan(i, tableK) {
						j, _ := find(nb.Word)
						putEntry(b[(i*tableK+n)*entryLen:], j, nb.Similarity)
					}
				}
			})
		}
		for i := range Len() {
			next <- i
		}
		close(next)
		wg.Wait()
		if err := os.WriteFile("nearest.bin", b, 0o644); err != nil {
			t.Fatal(err)
		}
		nearestBin = string(b)
	}
	if Len() >= 1<<16 {
		t.Fatalf("%d words don't fit the table's uint16 numbers", Len())
	}
	step := 50
	if *updateNearest {
		step = 1
	}
	for i := 0; i < Len(); i += step {
		got, ok := fromTable(i, tableK)
		if !ok {
			t.Fatalf("nearest.bin (%d bytes) doesn't fit %d words; run go test -run TestNearestTable -update-nearest", len(nearestBin), Len())
		}
		if want := scan(i, tableK); !slices.Equal(got, want) {
			t.Fatalf("%s: table %v, scan %v", word(i), got, want)
		}
	}
	if got, want := Nearest("troops", 3), scan(mustFind(t, "troops"), 3); !slices.Equal(got, want) {
		t.Errorf("Nearest(troops, 3) = %v, want the scan's %v", got, want)
	}
}

func mustFind(t *testing.T, w string) int {
	i, ok := find(w)
	if !ok {
		t.Fatalf("%q has no vector", w)
	}
	return i
}

func BenchmarkNearestScan(b *testing.B) {
	i, _ := find("troops")
	for b.Loop() {
		scan(i, 10)
	}
}
