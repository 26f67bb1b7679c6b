package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/internal/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// env is the process's outside world, passed in so tests can run commands
// in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// controlFree writes to w without control characters other than newline
// and tab: what is printed (answers, quotes, titles) must not drive the
// terminal, whatever an article or a model wrote.
type controlFree struct{ w io.Writer }

func (c controlFree) Write(p []byte) (int, error) {
	if _, err := io.WriteString(c.w, corpus.StripControl(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

type command struct {
	name    string
	args    string // the positional arguments, for the usage line
	summary string
	flags   func(fs *flag.FlagSet, cl *cli) // registers the command's own flags
	run     func(ctx context.Context, e *env, c *cli, args []string) error
	// noCorpus is set for commands that load no articles, which take no
	// --corpus.
	noCorpus bool
	// onError, when set, maps every error of the command, its flags'
	// included, before it becomes the exit status.
	onError func(error) error
}

// commands lists every subcommand, in the order --help shows them.
var commands []*command

func init() {
	commands = []*command{askCmd, sourcesCmd, summaryCmd, chatCmd, evalCmd, indexCmd, serveCmd, configCmd, healthCmd}
}

// cli holds the parsed flags: --corpus for every command, the rest for the
// commands that register them.
type cli struct {
	corpusDir  string
	configFile string
	json       bool
	k          int
	length     string
	section    string
	article    string
	verbose    bool
	// split is eval's half of split sets.
	split string
	// minCoverage overrides the relevance threshold when above 0.
	minCoverage   float64
	fitOut        string
	fitCV         bool // eval --cv: fit by cross-validation
	fitAlone      bool // eval --alone: ask each question of its story alone (with --fit, both ways)
	lower         bool // eval --lower: ask every question in lower case
	fitThresholds bool // eval --thresholds: with --fit, refit the thresholds only
	envTable      bool
	echo          autoBool
	// full is index's --full: read every story file again.
	full bool
	cmd  *command // the command being run, for its usage line
}

// usageError is a mistake in how the command was called: exit status 2.
type usageError struct {
	err   error
	usage string
}

func (u *usageError) Error() string { return u.err.Error() + "\n" + u.usage }
func (u *usageError) Unwrap() error { return u.err }

// statusError gives err an exit status of its own, outranking what the
// error would map to (see exitStatus).
type statusError struct {
	err    error
	status int
}

func (s *statusError) Error() string { return s.err.Error() }
func (s *statusError) Unwrap() error { return s.err }

// withStatus gives err the exit status; nil stays nil.
func withStatus(err error, status int) error {
	if err == nil {
		return nil
	}
	return &statusError{err: err, status: status}
}

// badInput marks err as something the command was given that it can't
// use, found before any work starts: a setting that is missing or invalid
// (in the config file, the environment, or a file one of them names) or a
// file named on the command line that can't be opened or read as its
// format. Like a usage error it is fixed by changing how the command is
// run, so it exits with status 2; failures while working (a corpus that
// can't be loaded, a model or Discord refusing the credentials) exit with 1.
func badInput(err error) error { return withStatus(err, 2) }

// usagef reports a usage error with the running command's usage line.
func (cl *cli) usagef(format string, args ...any) error {
	c := cl.cmd
	return &usageError{err: fmt.Errorf(format, args...), usage: "usage: " + c.usageLine() + "\nRun 'articlebot " + c.name + " --help' for details."}
}

// serviceError is err from the answering service, with the usage line
// when it was the caller's input (an empty question, an unknown article).
func (cl *cli) serviceError(err error) error {
	if bot.IsInputError(err) {
		return cl.usagef("%v", err)
	}
	return err
}

func (c *command) usageLine() string {
	return strings.TrimSpace("articlebot " + c.name + " [flags] " + c.args)
}

// run parses the command line and runs one command. Its error decides the
// exit status (see exitCode).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: controlFree{stdout}, stderr: stderr}
	// Flags may come before the command too: `articlebot --corpus DIR ask …`.
	lead, name, rest := splitCommand(args)
	switch name {
	case "":
		if slices.ContainsFunc(lead, isHelpFlag) {
			mainUsage(stdout)
			return nil
		}
		if len(lead) > 0 {
			return &usageError{err: errors.New("no command given after the flags, as in articlebot --corpus DIR ask \"question\""),
				usage: "Run 'articlebot --help' for the commands."}
		}
		mainUsage(stderr)
		return &usageError{err: errors.New("no command given"), usage: ""}
	case "-v", "-version", "--version", "version":
		fmt.Fprintln(stdout, "articlebot", version)
		return nil
	case "help":
		if len(rest) > 0 {
			if c := lookup(rest[0]); c != nil {
				return runCommand(ctx, e, c, []string{"--help"})
			}
		}
		mainUsage(stdout)
		return nil
	}
	c := lookup(name)
	if c == nil {
		msg := fmt.Sprintf("unknown command %q", name)
		if s := suggest(name); s != "" {
			msg += "; did you mean " + s + "?"
		}
		return &usageError{err: errors.New(msg), usage: "Run 'articlebot --help' for the commands."}
	}
	return runCommand(ctx, e, c, slices.Concat(lead, rest))
}

func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
}

// splitCommand finds the command among args: the first argument that is
// not a flag or a flag's value. It returns the flags before it, its name,
// and the arguments after it. Whether a flag takes a value is looked up in
// every command's flags.
func splitCommand(args []string) (lead []string, name string, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return args[:i], "", nil
		case a == "-v" || a == "-version" || a == "--version":
			return args[:i], a, args[i+1:]
		case !strings.HasPrefix(a, "-") || a == "-":
			return args[:i], a, args[i+1:]
		case strings.Contains(a, "=") || isHelpFlag(a):
		case takesValue(strings.TrimLeft(a, "-")):
			i++
		}
	}
	return args, "", nil
}

// takesValue reports whether some command's flag of that name takes a
// value (is not boolean).
func takesValue(name string) bool {
	for _, c := range commands {
		fs, _ := c.flagSet()
		if f := fs.Lookup(name); f != nil {
			b, ok := f.Value.(interface{ IsBoolFlag() bool })
			return !ok || !b.IsBoolFlag()
		}
	}
	return false
}

// suggest names the command closest to a mistyped one, or "".
func suggest(name string) string {
	best, bestD := "", 3
	for _, c := range commands {
		d := editDistance(strings.ToLower(name), c.name)
		if strings.HasPrefix(c.name, strings.ToLower(name)) && len(name) >= 2 {
			d = min(d, 1)
		}
		if d < bestD || (d == bestD && best == "") {
			best, bestD = c.name, d
		}
	}
	if bestD > min(2, max(1, len(name)/2)) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, with an
// adjacent transposition costing one (Damerau).
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// flagSet registers the command's flags on a new flag set.
func (c *command) flagSet() (*flag.FlagSet, *cli) {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cl := &cli{cmd: c}
	if !c.noCorpus {
		fs.StringVar(&cl.corpusDir, "corpus", "", "load the articles (.txt, .md) under `DIR`, subfolders too, instead of the built-in article")
	}
	fs.StringVar(&cl.configFile, "config", "", "read settings from the YAML `FILE` (default: $ARTICLEBOT_CONFIG)")
	if c.flags != nil {
		c.flags(fs, cl)
	}
	return fs, cl
}

func runCommand(ctx context.Context, e *env, c *command, args []string) error {
	fs, cl := c.flagSet()
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		commandUsage(e.stdout, c, fs)
		return nil
	}
	if err != nil {
		err = cl.usagef("%s", doubleDash(err.Error()))
	} else {
		err = c.run(ctx, e, cl, pos)
	}
	if err != nil && c.onError != nil {
		err = c.onError(err)
	}
	if err != nil && cl.json {
		// Whoever reads the JSON gets the error as JSON too; the text
		// still goes to standard error.
		_ = writeJSONLine(e.stdout, errorObject(err, ""))
	}
	return err
}

// doubleDash writes the flag a flag package message names with one dash
// ("flag provided but not defined: -bogus") with two, as this CLI's help
// and README write every flag.
func doubleDash(msg string) string {
	for _, lead := range []string{"not defined: -", "needs an argument: -", "for flag -"} {
		if i := strings.Index(msg, lead); i >= 0 && !strings.HasPrefix(msg[i+len(lead):], "-") {
			return msg[:i+len(lead)] + "-" + msg[i+len(lead):]
		}
	}
	return msg
}

// parseInterleaved parses flags wherever they appear, so that both
// `ask --json "q"` and `ask "q" --json` work. "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// Parse stops at the first positional argument, or just after "--",
		// which makes everything after it positional.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func mainUsage(w io.Writer) {
	fmt.Fprintf(w, `articlebot answers questions about a news article and cites the passages it used.
With nothing configured it answers from the built-in article, offline.

Usage:
  articlebot <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Every command accepts --config FILE and --help, and all but health --corpus DIR.
Run 'articlebot <command> --help' for a command's flags.
Settings come from flags, then the environment, then the config file, then defaults.

Environment:
`)
	config.WriteEnvTable(w)
	fmt.Fprintf(w, `
Exit status:
  0    answers, refusals included
  2    usage errors and bad input, found before any work starts: a flag,
       argument, question, article or section; a setting missing or invalid
       in the environment or the config file (serve without DISCORD_TOKEN
       too); a named file (config, question set) that can't be read
  1    failures while working: a corpus that can't be loaded, a model API or
       Discord that refuses the credentials or can't be reached; and every
       failure of health, whatever the cause (Docker's HEALTHCHECK reserves 2)
  130  interrupted
`)
}

func commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s\n\nFlags:\n", c.summary, c.usageLine())
	printFlags(w, fs)
}

// printFlags lists a command's flags as the README writes them, with "--".
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			name += " " + arg
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			def = fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  %s\n    \t%s%s\n", name, usage, def)
	})
}

// exitStatus is the exit status for err: 0 for success, 2 for usage
// errors and bad input (settings and named files included), 130 when
// interrupted, 1 for other failures.
func exitStatus(err error) int {
	var st *statusError
	if errors.As(err, &st) {
		return st.status
	}
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	switch bot.KindOf(err) {
	case "":
		return 0
	case bot.KindInput, bot.KindNotFound:
		return 2
	case bot.KindShutdown:
		return 130
	default:
		return 1
	}
}

// exitCode reports err on stderr and turns it into the exit status.
func exitCode(err error, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintln(stderr, "articlebot:", err)
	}
	return exitStatus(err)
}

// errorJSON is an error as --json prints it.
type errorJSON struct {
	Error string `json:"error"`
	// Question is the chat line that failed, if any.
	Question string `json:"question,omitempty"`
	// Usage is how to call the command, for usage errors.
	Usage      string `json:"usage,omitempty"`
	ExitStatus int    `json:"exit_status"`
}

func errorObject(err error, question string) errorJSON {
	out := errorJSON{Error: err.Error(), Question: question, ExitStatus: exitStatus(err)}
	var u *usageError
	if errors.As(err, &u) {
		out.Error, out.Usage = u.err.Error(), u.usage
	}
	return out
}
