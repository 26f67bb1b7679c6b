package bot

import (
	"regexp"
	"sync"
)

// lazyRE is a regular expression compiled at its first use, or before by
// a goroutine the package starts, never at package init: compiling this
// package's forty expressions, most with Unicode classes, took some 20 ms
// of every process's start (GODEBUG=inittrace=1), on the path of the first
// answer and of commands that never answer. The methods are those of
// regexp.Regexp the package uses.
type lazyRE struct {
	expr string
	re   func() *regexp.Regexp
}

// allRE lists every lazyRE, for the background compile.
var allRE []*lazyRE

// lazyRegexp returns expr's lazyRE; a bad expression panics when it is
// first used (TestRegexpsCompile compiles them all).
func lazyRegexp(expr string) *lazyRE {
	l := &lazyRE{expr: expr, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
	allRE = append(allRE, l)
	return l
}

// The expressions are compiled on another CPU while the program starts
// (loading an index, reading the question); one needed before its turn is
// compiled where it is needed, once.
func init() {
	go func() {
		for _, l := range allRE {
			l.re()
		}
	}()
}

func (l *lazyRE) MatchString(s string) bool              { return l.re().MatchString(s) }
func (l *lazyRE) FindStringIndex(s string) []int         { return l.re().FindStringIndex(s) }
func (l *lazyRE) FindAllString(s string, n int) []string { return l.re().FindAllString(s, n) }
func (l *lazyRE) FindAllStringIndex(s string, n int) [][]int {
	return l.re().FindAllStringIndex(s, n)
}
func (l *lazyRE) FindAllStringSubmatch(s string, n int) [][]string {
	return l.re().FindAllStringSubmatch(s, n)
}
func (l *lazyRE) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return l.re().FindAllStringSubmatchIndex(s, n)
}
func (l *lazyRE) FindStringSubmatchIndex(s string) []int {
	return l.re().FindStringSubmatchIndex(s)
}
func (l *lazyRE) ReplaceAllString(s, repl string) string { return l.re().ReplaceAllString(s, repl) }
func (l *lazyRE) ReplaceAllStringFunc(s string, repl func(string) string) string {
	return l.re().ReplaceAllStringFunc(s, repl)
}
func (l *lazyRE) Split(s string, n int) []string { return l.re().Split(s, n) }
