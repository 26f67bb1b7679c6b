package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/articlebot/articlebot/bot"
)

var evalCmd = &command{
	name:    "eval",
	args:    "FILE...",
	summary: "Measure answers, refusals and retrieval against JSON-lines question sets, and follow-ups against dialogue sets.",
	flags: func(fs *flag.FlagSet, cl *cli) {
		fs.BoolVar(&cl.json, "json", false, "print the reports as JSON")
		fs.BoolVar(&cl.verbose, "v", false, "print every question: its answer, what was cited, what went wrong, and why")
		fs.StringVar(&cl.split, "split", bot.SplitAll, "evaluate the `HALF` of split sets: calibration, heldout or all")
		fs.Float64Var(&cl.minCoverage, "min-coverage", 0, "override the relevance threshold with `X` (0 to 1), for calibration")
		fs.BoolVar(&cl.fitCV, "cv", false, "with --fit: choose the ridge penalty, the features and the thresholds by 5-fold cross-validation over the calibration stories (slower; not the default, as it measured worse on the held-out half)")
		fs.BoolVar(&cl.fitAlone, "alone", false, "ask each question of its own story alone, as --article asks it (off-topic questions, of no story, are left out); with --fit, ask each calibration question both of its story alone and of the whole collection, so that the model learns one-story corpora too")
		fs.BoolVar(&cl.lower, "lower", false, "ask every question in lower case, as chat often types it (\"who runs lufthansa\"): how much the answers lean on the asker's capitals")
		fs.BoolVar(&cl.fitThresholds, "thresholds", false, "with --fit: keep the embedded model's weights, gate and support level, and fit only the answer and follow thresholds")
		fs.StringVar(&cl.fitOut, "fit", "", "fit the answering model on the calibration half of FILE and write it to `OUT` (bot/model.json); also prints how the fit and the embedded model decide the calibration questions, the fit cross-validated by story")
	},
	run: func(ctx context.Context, e *env, cl *cli, args []string) error {
		if len(args) == 0 {
			return cl.usagef("eval takes one or more question files")
		}
		for _, f := range []struct {
			name string
			v    float64
		}{{"min-coverage", cl.minCoverage}} {
			// Written so that NaN fails too.
			if !(f.v >= 0 && f.v <= 1) {
				return cl.usagef("--%s must be between 0 and 1, got %v", f.name, f.v)
			}
		}
		if _, err := bot.Select(nil, cl.split); err != nil {
			return cl.usagef("%v", err)
		}
		if cl.fitOut != "" && cl.lower {
			return cl.usagef("-fit fits the model on the questions as they are written; --lower only measures")
		}
		if cl.fitOut != "" && (len(args) != 1 || cl.split != bot.SplitCalibration) {
			return cl.usagef("-fit takes one question file and --split %s: the model is fit on the calibration half only", bot.SplitCalibration)
		}
		cfg, err := cl.config(e)
		if err != nil {
			return err
		}
		// Sets over the same corpus share one index.
		services := map[string]*bot.Service{}
		var reports []*bot.EvalSetReport
		service := func(file, corpusDir string) (*bot.Service, error) {
			dir := cfg.CorpusDir
			if cl.corpusDir == "" && corpusDir != "" {
				dir = filepath.Join(filepath.Dir(file), corpusDir)
				// Like a --corpus that names no directory, a set's
				// "# corpus:" line naming none is bad input (exit 2).
				if info, err := os.Stat(dir); err != nil || !info.IsDir() {
					return nil, badInput(fmt.Errorf("%s: its corpus %s (%q from the file's directory) is no directory", file, dir, corpusDir))
				}
			}
			if svc, ok := services[dir]; ok {
				return svc, nil
			}
			c := cfg
			c.CorpusDir = dir
			// An evaluation measures the configured pipeline, so it waits
			// for the remote index however long it takes rather than
			// scoring local embeddings in its place.
			a, err := NewApp(ctx, c, AppOptions{Stderr: e.stderr, MinCoverage: cl.minCoverage, FullIndex: true})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			services[dir] = a.Service
			return a.Service, nil
		}
		var dialogues []*bot.DialogueReport
		for _, file := range args {
			if isDialogueFile(file) {
				if cl.fitAlone {
					return cl.usagef("--alone asks question sets' questions of their own stories; %s is a dialogue set", file)
				}
				if cl.lower {
					return cl.usagef("--lower asks question sets' questions in lower case; %s is a dialogue set", file)
				}
				rep, err := evalDialogues(ctx, file, cl.split, service)
				if err != nil {
					return err
				}
				dialogues = append(dialogues, rep)
				continue
			}
			set, err := readEvalSet(file)
			if err != nil {
				return err
			}
			svc, err := service(file, set.Corpus)
			if err != nil {
				return err
			}
			cases, _ := bot.Select(set.Cases, cl.split)
			name := set.Name
			if cl.lower {
				cases, name = bot.LowerCase(cases), name+", in lower case"
			}
			if cl.fitOut != "" {
				return fitModel(ctx, e, svc, calibrationOnly(cases), cl.fitOut, bot.FitOptions{CrossValidate: cl.fitCV, Alone: cl.fitAlone, Thresholds: cl.fitThresholds})
			}
			evaluate := svc.Evaluate
			if cl.fitAlone {
				evaluate = svc.EvaluateAlone
			}
			rep, err := evaluate(ctx, name, cl.split, cases)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			reports = append(reports, rep)
		}
		if cl.json && len(dialogues) > 0 {
			return writeJSON(e.stdout, map[string]any{"sets": reports, "dialogues": dialogues})
		}
		for i, rep := range dialogues {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			writeDialogueReport(e.stdout, rep, cl.verbose)
		}
		if len(dialogues) > 0 && len(reports) > 0 {
			fmt.Fprintln(e.stdout)
		}
		if cl.json {
			return writeJSON(e.stdout, reports)
		}
		for i, rep := range reports {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			writeEvalReport(e.stdout, rep, cl.verbose)
		}
		return nil
	},
}

func readEvalSet(file string) (*bot.EvalSet, error) {
	return readSet(file, "question set", bot.ReadEvalSet)
}

// readSet opens an evaluation file and reads it with read, naming the set
// after the file.
func readSet[T any](file, what string, read func(io.Reader, string) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(file)
	if err != nil {
		return zero, badInput(fmt.Errorf("couldn't open the %s: %w", what, err))
	}
	defer f.Close()
	set, err := read(f, strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)))
	if err != nil {
		return zero, badInput(fmt.Errorf("couldn't read %s: %w", file, err))
	}
	return set, nil
}

// writeEvalReport prints a set's metrics as a table, a row per kind and
// one for the whole set; "-" marks a metric that doesn't apply.
func writeEvalReport(w io.Writer, rep *bot.EvalSetReport, verbose bool) {
	fmt.Fprintf(w, "%s (split %s): %d questions\n", rep.Name, rep.Split, rep.Cases)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "kind\tn\tanswer\tunans.refused\tofftopic.refused\tfalse.refusals\tother.story\tmixed"
	for _, k := range bot.RecallDepths {
		head += fmt.Sprintf("\tstory@%d", k)
	}
	for _, k := range bot.RecallDepths {
		head += fmt.Sprintf("\tpassage@%d", k)
	}
	fmt.Fprintln(tw, head+"\tMRR\tsentence@1\t")
	row := func(name string, m bot.EvalMetrics) {
		cells := []string{name, fmt.Sprint(m.Cases),
			rate(m.AnswerAccuracy, m.Answerable), rate(m.UnanswerableRefused, m.Unanswerable),
			rate(m.OffTopicRefused, m.OffTopic), rate(m.FalseRefusals, m.Answerable),
			rate(m.OtherStory, m.Answers), rate(m.Mixed, m.Answers)}
		for i := range bot.RecallDepths {
			if i < len(m.Recall) {
				cells = append(cells, rate(m.Recall[i].Story, m.WithStory))
			} else {
				cells = append(cells, "-")
			}
		}
		for i := range bot.RecallDepths {
			if i < len(m.Recall) {
				cells = append(cells, rate(m.Recall[i].Passage, m.Answerable))
			} else {
				cells = append(cells, "-")
			}
		}
		cells = append(cells, rate(m.MRR, m.Answerable), rate(m.SentenceAt1, m.Answerable))
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	for _, k := range rep.Kinds {
		row(k.Kind, k.EvalMetrics)
	}
	row("all", rep.EvalMetrics)
	tw.Flush()
	if !verbose {
		if n := len(rep.Failures()); n > 0 {
			fmt.Fprintf(w, "%d questions went wrong; -v shows them.\n", n)
		}
		return
	}
	for _, r := range rep.Results {
		mark := "ok"
		if r.Problem != "" {
			mark = r.Problem
		}
		fmt.Fprintf(w, "\n%s [%s] %q\n  %s; story rank %d, passage rank %d", r.ID, r.Kind, r.Question, mark, r.StoryRank, r.PassageRank)
		if r.SentenceRank > 0 {
			fmt.Fprintf(w, ", sentence rank %d", r.SentenceRank)
		}
		if r.Story != "" {
			fmt.Fprintf(w, "; story %s", r.Story)
		}
		if len(r.Cited) > 0 {
			fmt.Fprintf(w, "; cites %s", strings.Join(r.Cited, ", "))
		}
		fmt.Fprintf(w, "\n  %s\n", oneLine(r.Answer))
		if r.Why != "" {
			fmt.Fprintf(w, "  why: %s\n", oneLine(r.Why))
		}
	}
}

// rate prints a share, or "-" when it is over no questions.
func rate(x float64, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", x)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// calibrationOnly keeps the calibration half's cases: a set with no halves
// is a test set, never fit on.
func calibrationOnly(cases []bot.EvalCase) []bot.EvalCase {
	var out []bot.EvalCase
	for _, c := range cases {
		if c.Split == bot.SplitCalibration {
			out = append(out, c)
		}
	}
	return out
}

// fitModel fits the answering model on cases and writes it to out.
func fitModel(ctx context.Context, e *env, svc *bot.Service, cases []bot.EvalCase, out string, opt bot.FitOptions) error {
	m, rep, err := svc.Fit(ctx, cases, opt)
	if err != nil {
		return err
	}
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return fmt.Errorf("couldn't write the model: %w", err)
	}
	fmt.Fprintf(e.stdout, "fit on %d questions (%d answerable), %d candidate sentences (%d answering)\n", rep.Questions, rep.Answerable, rep.Sentences, rep.Positives)
	if opt.CrossValidate {
		fmt.Fprintf(e.stdout, "ridge penalty %g and thresholds chosen by cross-validation by story; worst group's accuracy over its target on left-out stories by penalty:", rep.L2)
		for _, l2 := range slices.Sorted(maps.Keys(rep.Grid)) {
			g := rep.Grid[l2]
			fmt.Fprintf(e.stdout, " %g: %.3f (answer at %.2f; answer first for %d of %d parts)", l2, g.Score, g.Answer, g.First, g.Rankable)
		}
		fmt.Fprintln(e.stdout)
		fmt.Fprintf(e.stdout, "features left out, as the model cross-validates as well without them: %s\n", strings.Join(rep.Dropped, ", "))
		fmt.Fprintf(e.stdout, "worst group's accuracy over its target on left-out stories: %.3f\n", rep.CrossValidated)
	}
	fmt.Fprintf(e.stdout, "worst group's accuracy over its target on the calibration questions: %.3f\n", rep.Score)
	if rep.Refit != nil {
		fmt.Fprintf(e.stdout, "cross-validated by story (weights and thresholds fit without each fold's stories): %s\n", rep.Refit)
		fmt.Fprintf(e.stdout, "the embedded model on the same questions: %s\n", rep.Service)
	}
	fmt.Fprintf(e.stdout, "thresholds: answer %.3f, follow %.3f, margin %.3f, gate coverage %.3f or similarity lead %.3f, support %.3f\n", m.Answer, m.Follow, m.Margin, m.Gate.Coverage, m.Gate.Lead, m.Support)
	fmt.Fprintf(e.stdout, "wrote %s\n", out)
	return nil
}
