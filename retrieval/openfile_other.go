//go:build !unix

package retrieval

import (
	"context"
	"errors"
	"io"
	"os"
)

// openRegular opens path for reading if it is a regular file.
func openRegular(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	return os.Open(path)
}

// mapFile reads the first size bytes of f.
func mapFile(f *os.File, size int64) ([]byte, func(), error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, nil, err
	}
	return b, func() {}, nil
}

// lockFile is a no-op here: processes saving the same index at once are
// not kept apart on this system (each save still renames a whole file).
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	return func() {}, ctx.Err()
}
