package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/articlebot/articlebot/bot"
	"golang.org/x/term"
)

var chatCmd = &command{
	name:    "chat",
	summary: "Answer questions read from standard input, one per line, as one conversation (/new starts afresh, /history shows it).",
	flags: func(fs *flag.FlagSet, cl *cli) {
		fs.BoolVar(&cl.json, "json", false, `print one JSON object per answer, with the "standalone_question" a follow-up became`)
		fs.Var(&cl.echo, "echo", "print each question before its answer (default: when standard input is not a terminal)")
	},
	run: func(ctx context.Context, e *env, cl *cli, args []string) error {
		if len(args) != 0 {
			return cl.usagef("chat reads questions from standard input and takes no arguments")
		}
		app, err := cl.app(ctx, e, AppOptions{})
		if err != nil {
			return err
		}
		svc, conv := app.Service, &chatConversation{store: app.Conversations}
		interactive := isTerminal(e.stdin)
		// Piped questions don't show on the terminal: a transcript needs
		// each question above its answer. JSON answers carry theirs.
		echo := cl.echo.get(!interactive) && !cl.json
		if interactive {
			fmt.Fprintf(e.stdout, "Ask about %s. Follow-up questions continue the conversation; /new starts a new one, /history shows it. Type exit or press Ctrl-D to leave.\n", strings.Join(svc.Corpus().Titles(), "; "))
		}
		lines := readLines(ctx, e.stdin)
		for {
			if interactive {
				fmt.Fprint(e.stdout, "> ")
			}
			var l line
			select {
			case <-ctx.Done():
				// Ctrl-C at the prompt ends the session, as Ctrl-D does.
				if interactive {
					fmt.Fprintln(e.stdout)
				}
				return nil
			case l = <-lines:
			}
			if l.err != nil {
				return fmt.Errorf("couldn't read standard input: %w", l.err)
			}
			if l.eof {
				if interactive {
					fmt.Fprintln(e.stdout)
				}
				return nil
			}
			q := strings.TrimSpace(l.text)
			switch {
			case l.tooLong:
				// The line was not kept; say so as for any over-long
				// question, and go on with the next.
				cl.lineError(e, q, fmt.Errorf("%w: %d characters", bot.ErrQuestionTooLong, l.runes))
				continue
			case q == "":
				continue
			case isExit(q):
				return nil
			case conv.command(e.stdout, q, cl.json):
				continue
			}
			if echo {
				fmt.Fprintln(e.stdout, "> "+q)
			}
			p := &streamPrinter{w: e.stdout, named: severalStories(svc)}
			onPartial := p.partial
			if cl.json {
				onPartial = nil
			}
			a, err := svc.Answer(ctx, bot.Request{Question: q, History: conv.history()}, onPartial)
			if err == nil {
				conv.add(a)
			}
			switch {
			case ctx.Err() != nil:
				// Interrupted while answering: end the session quietly.
				fmt.Fprintln(e.stdout)
				return nil
			case bot.IsInputError(err):
				// One bad line should not end the session.
				cl.lineError(e, q, err)
				continue
			case err != nil:
				return err
			case cl.json:
				if err := writeJSONLine(e.stdout, a); err != nil {
					return err
				}
			default:
				p.final(a)
				fmt.Fprintln(e.stdout)
			}
		}
	},
}

// lineError reports a bad line of a chat session, which goes on: on
// standard error, and with --json as a JSON object on standard output too,
// so that each question gets one object.
func (cl *cli) lineError(e *env, q string, err error) {
	fmt.Fprintln(e.stderr, "articlebot:", err)
	if cl.json {
		_ = writeJSONLine(e.stdout, errorObject(err, q))
	}
}

// isExit reports whether a line asks to end the session.
func isExit(q string) bool {
	return strings.EqualFold(q, "exit") || strings.EqualFold(q, "quit")
}

// maxLineBytes is the longest line chat keeps; anything longer is no
// question (max_question_length is at most 4,000 characters) and is
// skipped, not allowed to end the session.
const maxLineBytes = 64 << 10

// line is one line of standard input.
type line struct {
	text string
	// tooLong means the line was over maxLineBytes; text is empty and
	// runes counts its characters.
	tooLong bool
	runes   int
	eof     bool
	err     error
}

// readLines reads r line by line in its own goroutine, so that a session
// waiting for input can still end when ctx does (Ctrl-C). The goroutine
// ends at the end of input, or at the next line after ctx ends.
func readLines(ctx context.Context, r io.Reader) <-chan line {
	out := make(chan line)
	go func() {
		br := bufio.NewReaderSize(r, 4096)
		for {
			l := readLine(br)
			select {
			case out <- l:
			case <-ctx.Done():
				return
			}
			if l.eof || l.err != nil {
				return
			}
		}
	}()
	return out
}

// readLine reads one line, keeping at most maxLineBytes of it.
func readLine(br *bufio.Reader) line {
	var b []byte
	var l line
	for {
		chunk, err := br.ReadSlice('\n')
		if bytes.HasSuffix(chunk, []byte("\n")) {
			chunk = bytes.TrimSuffix(bytes.TrimSuffix(chunk, []byte("\n")), []byte("\r"))
		}
		if !l.tooLong && len(b)+len(chunk) > maxLineBytes {
			l.tooLong, l.runes = true, utf8.RuneCount(b)
			b = nil
		}
		if l.tooLong {
			l.runes += utf8.RuneCount(chunk)
		} else {
			b = append(b, chunk...)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			// A last line without a newline still counts.
			if len(b) == 0 && !l.tooLong {
				l.eof = true
			}
		case err != nil:
			l.err = err
		}
		l.text = string(b)
		return l
	}
}

// autoBool is a boolean flag whose default is decided at run time.
type autoBool struct {
	set, v bool
}

func (b *autoBool) String() string {
	if b == nil || !b.set {
		return ""
	}
	return strconv.FormatBool(b.v)
}

func (b *autoBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	b.set, b.v = true, v
	return nil
}

func (b *autoBool) IsBoolFlag() bool { return true }

// get returns the flag's value, or def when it was not given.
func (b *autoBool) get(def bool) bool {
	if !b.set {
		return def
	}
	return b.v
}

// isTerminal reports whether v is a file open on a terminal: one that
// answers the terminal's own control call, not merely a character device
// (/dev/null is one too, and `chat < /dev/null` is no conversation).
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
