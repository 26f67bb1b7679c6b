package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/articlebot/articlebot/bot"
)

var evalCmd = &command{
	name:    "eval",
	args:    "FILE",
	summary: "Measure retrieval and answers against a JSON-lines question set.",
	flags: func(fs *flag.FlagSet, cl *cli) {
		fs.BoolVar(&cl.json, "json", false, "print the report as JSON")
		fs.BoolVar(&cl.verbose, "v", false, "list the questions that went wrong")
		fs.Float64Var(&cl.minCoverage, "min-coverage", 0, "override the relevance threshold (0 to 1), for calibration")
		fs.Float64Var(&cl.minSentence, "min-sentence-coverage", 0, "override the answer sentence threshold (0 to 1), for calibration")
	},
	run: func(ctx context.Context, e *env, cl *cli, args []string) error {
		if len(args) != 1 {
			return cl.usagef("eval takes one question file, got %d arguments", len(args))
		}
		for _, f := range []struct {
			name string
			v    float64
		}{{"min-coverage", cl.minCoverage}, {"min-sentence-coverage", cl.minSentence}} {
			// Written so that NaN fails too.
			if !(f.v >= 0 && f.v <= 1) {
				return cl.usagef("--%s must be between 0 and 1, got %v", f.name, f.v)
			}
		}
		f, err := os.Open(args[0])
		if err != nil {
			return fmt.Errorf("couldn't open the question set: %w", err)
		}
		defer f.Close()
		cases, err := bot.ReadEvalCases(f)
		if err != nil {
			return fmt.Errorf("couldn't read %s: %w", args[0], err)
		}
		svc, err := cl.service(ctx, e)
		if err != nil {
			return err
		}
		rep, err := svc.Evaluate(ctx, cases)
		if err != nil {
			return err
		}
		if cl.json {
			return writeJSON(e.stdout, rep)
		}
		fmt.Fprintf(e.stdout, "questions:         %d (%d answerable)\n", rep.Cases, rep.Answerable)
		fmt.Fprintf(e.stdout, "recall@1:          %.3f\n", rep.RecallAt1)
		fmt.Fprintf(e.stdout, "recall@3:          %.3f\n", rep.RecallAt3)
		fmt.Fprintf(e.stdout, "MRR:               %.3f\n", rep.MRR)
		fmt.Fprintf(e.stdout, "answer accuracy:   %.3f\n", rep.AnswerAccuracy)
		fmt.Fprintf(e.stdout, "refusal accuracy:  %.3f\n", rep.RefusalAccuracy)
		if cl.verbose {
			for _, f := range rep.Failures {
				fmt.Fprintf(e.stdout, "\n%s %q: %s (evidence rank %d)\n  %s\n", f.ID, f.Question, f.Problem, f.Rank, f.Answer)
			}
		}
		return nil
	},
}
