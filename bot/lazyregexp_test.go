package bot

import (
	"regexp"
	"testing"
)

// Every expression compiles: a bad one would panic at its first use, not
// when the program starts.
func TestRegexpsCompile(t *testing.T) {
	if len(allRE) == 0 {
		t.Fatal("no expressions")
	}
	for _, l := range allRE {
		if _, err := regexp.Compile(l.expr); err != nil {
			t.Errorf("%q: %v", l.expr, err)
		}
	}
}
