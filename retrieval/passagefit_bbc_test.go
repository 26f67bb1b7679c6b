package retrieval

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

var passageFit = flag.Bool("passagefit", false, "print passage-ranking diagnostics on the BBC development set's halves")

func foldLower(s string) string { return strings.ToLower(corpus.Fold(s)) }

// bbcFitIndex indexes the BBC collection with WordNet expansion, for the
// -passagefit diagnostics.
func bbcFitIndex(t *testing.T) *Index {
	t.Helper()
	if !*passageFit {
		t.Skip("-passagefit not set")
	}
	ix, err := Build(context.Background(), loadBBC(t).Chunks(), Options{Expand: Expand})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestPassageDiagBBC(t *testing.T) {
	ctx := context.Background()
	ix := bbcFitIndex(t)
	ix.storyPolicy.Local = 1
	for _, dc := range readDevCases(t) {
		if dc.Split != "calibration" {
			continue
		}
		res, err := ix.Search(ctx, dc.Question, 50)
		if err != nil {
			t.Fatal(err)
		}
		rank := 0
		for i, h := range res.Hits {
			if strings.Contains(foldLower(h.Chunk.Text), foldLower(dc.Evidence[0])) {
				rank = i + 1
				break
			}
		}
		if rank == 1 {
			continue
		}
		top := res.Hits[0]
		pos := ix.pos[top.Chunk.ID]
		st := ix.stories[ix.story[pos]]
		t.Logf("%s %s rank=%d q=%q\n   top: chunk %d of %s (lead=%v) vr=%d lr=%d %q", dc.ID, dc.Kind, rank, dc.Question, pos-st.First, st.ID, pos == st.First, top.VectorRank, top.LexicalRank, trunc(top.Chunk.Text, 160))
		if rank > 0 {
			h := res.Hits[rank-1]
			t.Logf("   ans: vr=%d lr=%d %q", h.VectorRank, h.LexicalRank, trunc(h.Chunk.Text, 160))
		}
	}
}

// TestPassageFitBBC is how StoryPolicy.Local and Meaning were chosen:
// passage recall@1 and @4 on both halves of the BBC development set for
// each λ and weight; pick on the calibration half only.
//
//	go test ./retrieval -run TestPassageFitBBC -passagefit -v
func TestPassageFitBBC(t *testing.T) {
	ctx := context.Background()
	ix := bbcFitIndex(t)
	cases := readDevCases(t)
	type policy struct{ local, meaning float64 }
	var ps []policy
	for _, lam := range []float64{0, 0.25, 0.5, 0.75, 1} {
		ps = append(ps, policy{lam, 0})
	}
	for _, m := range []float64{0.5, 1, 2} {
		ps = append(ps, policy{0, m}, policy{1, m})
	}
	for _, p := range ps {
		ix.storyPolicy.Local, ix.storyPolicy.Meaning = p.local, p.meaning
		line := fmt.Sprintf("local=%-5g meaning=%-4g", p.local, p.meaning)
		for _, split := range []string{"calibration", "heldout"} {
			var n, at1, at4, mrr float64
			for _, dc := range cases {
				if dc.Split != split {
					continue
				}
				res, err := ix.Search(ctx, dc.Question, 50)
				if err != nil {
					t.Fatal(err)
				}
				n++
				r := evidenceRank(res.Hits, dc.Evidence)
				if r == 1 {
					at1++
				}
				if r > 0 && r <= 4 {
					at4++
				}
				if r > 0 {
					mrr += 1 / float64(r)
				}
			}
			line += fmt.Sprintf(" | %s p@1 %.3f p@4 %.3f mrr %.3f", split[:3], at1/n, at4/n, mrr/n)
		}
		t.Log(line)
	}
}

// evidenceRank is the least rank by which every evidence snippet is inside
// a hit; 0 when not all are.
func evidenceRank(hits []Hit, evidence []string) int {
	need := map[string]bool{}
	for _, e := range evidence {
		need[foldLower(e)] = true
	}
	for i, h := range hits {
		text := foldLower(h.Chunk.Text)
		for e := range need {
			if strings.Contains(text, e) {
				delete(need, e)
			}
		}
		if len(need) == 0 {
			return i + 1
		}
	}
	return 0
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
