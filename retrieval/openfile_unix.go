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
