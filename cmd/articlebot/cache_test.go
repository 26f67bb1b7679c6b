package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/config"
)

// testCache is the user cache directory while this package's tests run.
var testCache string

// TestMain points the user cache directory, where a command without a
// data_dir keeps its index, at a directory of the test run's own. Every
// test that loads a temporary corpus otherwise left an index directory in
// the real user cache, one per run (over a thousand had piled up).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "articlebot-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testCache = dir
	// os.UserCacheDir reads XDG_CACHE_HOME on Linux and the BSDs, HOME on
	// macOS and LocalAppData on Windows.
	for _, name := range []string{"XDG_CACHE_HOME", "HOME", "LocalAppData"} {
		os.Setenv(name, dir)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestTestsKeepOutOfTheUserCache(t *testing.T) {
	dir, err := dataDir(config.Default())
	if err != nil {
		t.Fatal(err)
	}
	if rel, err := filepath.Rel(testCache, dir); err != nil || strings.HasPrefix(rel, "..") {
		t.Errorf("the default data dir is %s, outside the tests' own cache %s", dir, testCache)
	}
}
