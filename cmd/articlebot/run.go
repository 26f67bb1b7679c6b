package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
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
	verbose    bool
	// minCoverage overrides the relevance threshold when above 0.
	minCoverage float64
	minSentence float64
	envTable    bool
	// observe, when set, is told of every question the service handles
	// (serve passes its metrics).
	observe func(bot.Event)
	cmd     *command // the command being run, for its usage line
}

// usageError is a mistake in how the command was called: exit status 2.
type usageError struct {
	err   error
	usage string
}

func (u *usageError) Error() string { return u.err.Error() + "\n" + u.usage }
func (u *usageError) Unwrap() error { return u.err }

// usagef reports a usage error with the running command's usage line.
func (cl *cli) usagef(format string, args ...any) error {
	c := cl.cmd
	return &usageError{err: fmt.Errorf(format, args...), usage: "usage: " + c.usageLine() + "\nRun 'articlebot " + c.name + " --help' for details."}
}

func (c *command) usageLine() string {
	return strings.TrimSpace("articlebot " + c.name + " [flags] " + c.args)
}

// run parses the command line and runs one command. Its error decides the
// exit status (see exitCode).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: controlFree{stdout}, stderr: stderr}
	if len(args) == 0 {
		mainUsage(stderr)
		return &usageError{err: errors.New("no command given"), usage: ""}
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if name == "help" && len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				return runCommand(ctx, e, c, []string{"--help"})
			}
		}
		mainUsage(stdout)
		return nil
	case "-v", "-version", "--version", "version":
		fmt.Fprintln(stdout, "articlebot", version)
		return nil
	}
	c := lookup(name)
	if c == nil {
		mainUsage(stderr)
		return &usageError{err: fmt.Errorf("unknown command %q", name)}
	}
	return runCommand(ctx, e, c, args[1:])
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func runCommand(ctx context.Context, e *env, c *command, args []string) error {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cl := &cli{cmd: c}
	fs.StringVar(&cl.corpusDir, "corpus", "", "load the `DIR`'s .txt and .md articles instead of the built-in article")
	fs.StringVar(&cl.configFile, "config", "", "read settings from the YAML `FILE` (default: $ARTICLEBOT_CONFIG)")
	if c.flags != nil {
		c.flags(fs, cl)
	}
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		commandUsage(e.stdout, c, fs)
		return nil
	}
	if err != nil {
		return cl.usagef("%v", err)
	}
	return c.run(ctx, e, cl, pos)
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
Every command accepts --corpus DIR, --config FILE and --help.
Run 'articlebot <command> --help' for a command's flags.
Settings come from flags, then the environment, then the config file, then defaults.

Environment:
`)
	config.WriteEnvTable(w)
	fmt.Fprintf(w, `
Exit status: 0 for answers (refusals included), 2 for usage errors, 1 for failures.
`)
}

func commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s\n\nFlags:\n", c.summary, c.usageLine())
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// exitCode reports err on stderr and turns it into the exit status: 0 for
// success, 2 for usage errors, 1 for failures.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "articlebot:", err)
	var u *usageError
	if errors.As(err, &u) || bot.IsInputError(err) {
		return 2
	}
	return 1
}
