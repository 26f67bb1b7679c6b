package bot

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

var calibrate = flag.Bool("calibrate", false, "fit the summary picker's weights on the BBC calibration stories")

// storyFacts are the facts a summary of the story should keep: its
// figures and dates, and the names it mentions in more than one sentence.
func storyFacts(sents []sentence) map[string]bool {
	n := map[string]int{}
	for _, st := range sents {
		for _, f := range st.facts {
			n[f]++
		}
	}
	out := map[string]bool{}
	for f, c := range n {
		if c > 1 || strings.ContainsAny(f, "0123456789") {
			out[f] = true
		}
	}
	return out
}

// summaryScore is how a picked summary does: the share of the story's
// facts it states, and whether two of its sentences restate each other.
func summaryScore(all, picked []sentence) (recall float64, redundant bool) {
	key := storyFacts(all)
	got := map[string]bool{}
	for i, st := range picked {
		for _, f := range st.facts {
			got[f] = true
		}
		for _, other := range picked[:i] {
			redundant = redundant || restatesStems(st.stems, other.stems)
		}
	}
	if len(key) == 0 {
		return 1, redundant
	}
	n := 0
	for f := range key {
		if got[f] {
			n++
		}
	}
	return float64(n) / float64(len(key)), redundant
}

// bbcScored scores the sentences of up to n stories of each folder, each
// story summarised on its own; it skips when the collection is absent.
func bbcScored(t *testing.T, folders []string, n int) [][]sentence {
	t.Helper()
	var out [][]sentence
	for _, folder := range folders {
		files, _ := filepath.Glob(filepath.Join(bbcDir, folder, "*.txt"))
		if len(files) == 0 {
			t.Skip("the BBC collection is not in ../shared/corpora/bbc")
		}
		sort.Strings(files)
		for _, f := range files[:min(n, len(files))] {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			a, err := corpus.Parse(filepath.Base(f), string(raw))
			if err != nil {
				continue // the one Latin-1 story
			}
			svc := serviceOver(t, &corpus.Corpus{Articles: []*corpus.Article{a}})
			sents, err := svc.scoreSentences(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, sents)
		}
	}
	return out
}

type pickerReport struct {
	recall    map[Length]float64
	redundant int // summaries with a restated sentence, over all lengths
	summaries int
}

func (p picker) report(stories [][]sentence) pickerReport {
	r := pickerReport{recall: map[Length]float64{}}
	for _, sents := range stories {
		for _, l := range Lengths {
			rec, red := summaryScore(sents, p.pick(sents, l))
			r.recall[l] += rec / float64(len(stories))
			r.summaries++
			if red {
				r.redundant++
			}
		}
	}
	return r
}

func (r pickerReport) String() string {
	return fmt.Sprintf("fact recall short %.3f medium %.3f long %.3f; %d of %d summaries restate a sentence",
		r.recall[Short], r.recall[Medium], r.recall[Long], r.redundant, r.summaries)
}

// The weights are fit on business and entertainment: the most fact recall
// (medium and long); restating is ruled out by the picker itself. The
// held-out folders report what the fit weights do.
func TestCalibrateSummaryPicker(t *testing.T) {
	if !*calibrate {
		t.Skip("run with -calibrate to fit the summary picker")
	}
	cal := bbcScored(t, []string{"business", "entertainment"}, 40)
	held := bbcScored(t, []string{"politics", "sport", "tech"}, 40)
	best, bestRecall := picker{}, -1.0
	for _, lambda := range []float64{0.5, 0.7, 0.9, 1} {
		for _, facts := range []float64{0, 0.25, 0.5, 1} {
			for _, red := range []float64{0.4, 0.5, 0.6, 2} {
				p := picker{lambda, facts, red, false}
				r := p.report(cal)
				if rec := r.recall[Medium] + r.recall[Long]; rec > bestRecall {
					best, bestRecall = p, rec
				}
			}
		}
	}
	old := picker{lambda: 1, facts: 0, maxRedundancy: 2, allowRestating: true} // centrality alone, as before
	t.Logf("fit on %d calibration stories: %+v", len(cal), best)
	t.Logf("calibration: %v", best.report(cal))
	t.Logf("held out (%d stories), fit weights: %v", len(held), best.report(held))
	t.Logf("held out, centrality alone:        %v", old.report(held))
	t.Logf("held out, shipped weights:         %v", summaryPicker.report(held))
}

// A summary never says the same thing twice, whatever its length, and keeps
// more of the story's facts than centrality alone: on the built-in article
// and on held-out BBC stories (when present).
func TestSummaryRestatesNothing(t *testing.T) {
	svc := newService(t)
	builtin, err := svc.scoreSentences(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	stories := [][]sentence{builtin}
	if _, err := os.Stat(bbcDir); err == nil {
		stories = append(stories, bbcScored(t, []string{"politics", "sport", "tech"}, 20)...)
	}
	for i, sents := range stories {
		for _, l := range Lengths {
			picked := pickSummary(sents, l)
			for a := range picked {
				for b := range picked[:a] {
					if restatesStems(picked[a].stems, picked[b].stems) {
						t.Errorf("story %d, %s summary restates itself:\n  %s\n  %s", i, l, picked[b].text, picked[a].text)
					}
				}
			}
		}
	}
	if len(stories) > 1 {
		now := summaryPicker.report(stories[1:])
		before := picker{lambda: 1, facts: 0, maxRedundancy: 2, allowRestating: true}.report(stories[1:])
		if now.recall[Medium] <= before.recall[Medium] || now.recall[Long] <= before.recall[Long] {
			t.Errorf("held-out fact recall is no better than centrality alone:\nnow    %v\nbefore %v", now, before)
		}
	}
}

// Medium and long summaries take a sentence, and so the key facts, from
// every section: on the built-in article the troop numbers and the date of
// the phone call, which are in different sections.
func TestRestates(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"North Korean leader Kim Jong-un reaffirms his alliance with Russian President Vladimir Putin, pledging unwavering support for Moscow’s war in Ukraine.",
			"North Korean leader Kim Jong-un has reiterated his firm commitment to strengthening ties with Russian President Vladimir Putin, declaring that the alliance between Pyongyang and Moscow will be carried forward.", true},
		{"He made the apology to members of the Conlon and Maguire families in his private room at Westminster.",
			"Also arrested were Anne Maguire and members of her family.", false},
		{"We presented new evidence to the committee that they were not aware of.", "It was not clear what this new evidence was.", false},
	} {
		if got := restates(tt.a, tt.b); got != tt.want {
			t.Errorf("restates(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestSummaryKeepsEverySectionsFacts(t *testing.T) {
	svc := newService(t)
	for _, l := range []Length{Medium, Long} {
		sum, err := svc.Summarize(context.Background(), l, "")
		if err != nil {
			t.Fatal(err)
		}
		cited := map[string]bool{}
		for _, src := range sum.Sources {
			cited[src.Section] = true
		}
		for _, sec := range svc.Corpus().Sections() {
			if !cited[sec] {
				t.Errorf("%s summary has nothing from %q:\n%s", l, sec, sum.Text)
			}
		}
		for _, fact := range []string{"15,000", "August 13"} {
			if !strings.Contains(sum.Text, fact) {
				t.Errorf("%s summary lacks %s:\n%s", l, fact, sum.Text)
			}
		}
	}
}
