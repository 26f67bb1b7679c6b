package main

import (
	"context"
	"os"
	"strings"
	"testing"
)

// A character device is no terminal: `chat < /dev/null` reads no
// questions and greets no one.
func TestDevNullIsNoTerminal(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	defer null.Close()
	if isTerminal(null) {
		t.Errorf("%s is taken for a terminal", os.DevNull)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if isTerminal(r) || isTerminal(strings.NewReader("")) {
		t.Error("a pipe or a reader is taken for a terminal")
	}
	var out, errb strings.Builder
	err = run(context.Background(), []string{"chat"}, func(string) string { return "" }, null, &out, &errb)
	if err != nil || out.Len() != 0 {
		t.Errorf("chat < %s: %v, stdout %q, stderr %q; want nothing printed", os.DevNull, err, out.String(), errb.String())
	}
}

// The master side of a pseudo-terminal answers the terminal's control
// call, as a real terminal does.
func TestPseudoTerminalIsATerminal(t *testing.T) {
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	defer ptmx.Close()
	if !isTerminal(ptmx) {
		t.Error("a pseudo-terminal is not taken for a terminal")
	}
}
