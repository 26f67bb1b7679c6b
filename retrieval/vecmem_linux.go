//go:build linux

package retrieval

import (
	"syscall"
	"unsafe"
)

// allocVectors returns a zeroed block for n float32s. A loaded index's
// vectors are most of its memory and are written once at start: on Linux
// they get their own mapping, advised to use huge pages, so that filling it
// takes a few dozen page faults rather than tens of thousands (half of a
// whole-process ask's time at 100 MB of vectors). The block lives as long as
// the process; an index is loaded once per process.
func allocVectors(n int) []float32 {
	if n < 1<<18 {
		return make([]float32, n)
	}
	b, err := syscall.Mmap(-1, 0, 4*n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]float32, n)
	}
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), n)
}
