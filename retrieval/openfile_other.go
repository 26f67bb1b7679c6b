//go:build !unix

package retrieval

import (
	"errors"
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
