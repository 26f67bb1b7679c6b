package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

var indexCmd = &command{
	name:    "index",
	summary: "Build or refresh the persisted index: read changed story files, embed new and changed passages, reuse the rest.",
	flags: func(fs *flag.FlagSet, cl *cli) {
		fs.BoolVar(&cl.full, "full", false, "read every story file again, not only those whose size or modification time changed "+
			"(for an edit that kept both); unchanged passages are still not re-embedded")
	},
	run: func(ctx context.Context, e *env, cl *cli, args []string) error {
		if len(args) != 0 {
			return cl.usagef("index takes no arguments, got %q", args)
		}
		// Progress goes to standard error: rewritten in place on a
		// terminal, one plain line per request elsewhere (logs, CI).
		tty := isTerminal(e.stderr)
		progressed := false
		progress := func(done, total int) {
			progressed = true
			if tty {
				fmt.Fprintf(e.stderr, "\rembedding passages %s %d/%d", progressBar(done, total, 30), done, total)
			} else {
				fmt.Fprintf(e.stderr, "embedded %d of %d passages\n", done, total)
			}
		}
		a, err := cl.app(ctx, e, AppOptions{Progress: progress, FullIndex: true, Reread: cl.full})
		if tty && progressed {
			fmt.Fprintln(e.stderr)
		}
		if err != nil {
			return err
		}
		rep := a.Index
		if rep.APIErr != nil {
			// A service may answer from local embeddings meanwhile, but
			// this command exists to build the persisted index: say it
			// failed rather than report a local index as done.
			return fmt.Errorf("couldn't build the persisted index: %w", rep.APIErr)
		}
		printIndexReport(e.stdout, rep)
		return nil
	},
}

// progressBar draws done/total as a bar of width cells, like [#####-----].
func progressBar(done, total, width int) string {
	filled := width
	if total > 0 {
		filled = min(width, max(0, done*width/total))
	}
	return "[" + strings.Repeat("#", filled) + strings.Repeat("-", width-filled) + "]"
}

// printIndexReport says what `index` found and did: what the collection
// holds, which stories were processed, and where the index is.
func printIndexReport(w io.Writer, rep indexReport) {
	fmt.Fprintf(w, "stories:    %d\n", rep.Articles)
	fmt.Fprintf(w, "duplicates: %d (loaded once)\n", rep.Duplicates)
	fmt.Fprintf(w, "chunks:     %d\n", rep.Chunks)
	noun := "stories"
	if rep.Processed == 1 {
		noun = "story"
	}
	if rep.Path != "" && rep.Reread >= 0 {
		// With no story unchanged (a first index, --full, or every story
		// edited) every file was read: there are no "others".
		which := "the others unchanged since the last index"
		if rep.Unchanged == 0 {
			which = "all of them"
		}
		fmt.Fprintf(w, "files read: %d (%s)\n", rep.Reread, which)
	}
	fmt.Fprintf(w, "processed:  %d %s new or changed, %d unchanged, %d removed\n", rep.Processed, noun, rep.Unchanged, rep.Removed)
	fmt.Fprintf(w, "embedded:   %d\n", rep.Embedded)
	fmt.Fprintf(w, "reused:     %d\n", rep.Reused)
	fmt.Fprintf(w, "embeddings: %s\n", rep.Embedder)
	if rep.Path != "" {
		fmt.Fprintf(w, "index:      %s\n", rep.Path)
	} else {
		fmt.Fprintln(w, "index:      not persisted (the built-in article is indexed at start)")
	}
	if rep.Path != "" && rep.Processed == 0 && rep.Removed == 0 && rep.Discarded == nil {
		fmt.Fprintln(w, "status:     up to date; nothing was re-embedded")
	}
	fmt.Fprintf(w, "time:       %s\n", rep.Elapsed.Round(time.Millisecond))
}
