package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/articlebot/articlebot/bot"
)

// isDialogueFile reports whether an eval file holds dialogues (a
// "# format: dialogues" line among its leading comments).
func isDialogueFile(file string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false // reported when it is read as a question set
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	return bot.IsDialogueSet(head[:n])
}

// evalDialogues evaluates a dialogue set with the service for its corpus.
func evalDialogues(ctx context.Context, file, split string, service func(file, corpusDir string) (*bot.Service, error)) (*bot.DialogueReport, error) {
	set, err := readSet(file, "dialogue set", bot.ReadDialogueSet)
	if err != nil {
		return nil, err
	}
	svc, err := service(file, set.Corpus)
	if err != nil {
		return nil, err
	}
	rep, err := svc.EvaluateDialogues(ctx, set.Name, split, bot.SelectDialogues(set.Dialogues, split))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return rep, nil
}

// writeDialogueReport prints a dialogue set's first turns, follow-ups and
// the follow-ups' standalone forms side by side.
func writeDialogueReport(w io.Writer, rep *bot.DialogueReport, verbose bool) {
	fmt.Fprintf(w, "%s (split %s): %d dialogues\n", rep.Name, rep.Split, rep.Dialogues)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "turns\tn\tanswer\trefusal\tright\t")
	for _, row := range []struct {
		name string
		m    bot.DialogueMetrics
	}{{"first", rep.First}, {"follow-ups", rep.FollowUps}, {"standalone", rep.Standalone}} {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t\n", row.name, row.m.Turns, rate(row.m.AnswerAccuracy, row.m.Answerable),
			rate(row.m.RefusalAccuracy, row.m.Turns), rate(row.m.Accuracy, row.m.Turns))
	}
	tw.Flush()
	fmt.Fprintf(w, "follow-ups vs standalone: %+.3f right\n", rep.FollowUps.Accuracy-rep.Standalone.Accuracy)
	for _, r := range rep.Results {
		if !verbose && r.Correct {
			continue
		}
		mark := "ok"
		if r.Problem != "" {
			mark = r.Problem
		}
		fmt.Fprintf(w, "\n%s [%s] %q → %q\n  %s (standalone alone: %v)\n  %s\n", r.ID, r.Kind, r.Question, r.Rewritten, mark, r.AloneCorrect, oneLine(r.Answer))
	}
}
