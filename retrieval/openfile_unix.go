//go:build unix

package retrieval

import (
	"os"
	"syscall"
)

// openRegular opens path for reading without blocking: opening a FIFO for
// reading would wait for a writer forever, out of reach of a context or a
// signal. The caller checks that what it opened is a regular file.
func openRegular(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// mapFile maps the first size bytes of f read-only: reading the vectors
// from the page cache in place rather than copying them into a fresh
// buffer first. unmap releases the mapping.
func mapFile(f *os.File, size int64) (data []byte, unmap func(), err error) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, syscall.EINVAL
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return b, func() { _ = syscall.Munmap(b) }, nil
}
