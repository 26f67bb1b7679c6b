package retrieval

import (
	"context"
	"flag"
	"fmt"
	"testing"
)

var neighboursFit = flag.Bool("neighboursfit", false, "print story and passage recall on the BBC development set's halves for each Neighbours policy")

// TestNeighboursFitBBC is how DefaultNeighbours was chosen: story
// recall@1 (all questions and paraphrases), passage recall@1 and @4 and
// passage MRR on both halves of the BBC development set for each floor,
// weight and number of neighbours; pick on the calibration half only.
//
//	go test ./retrieval -run TestNeighboursFitBBC -neighboursfit -v
func TestNeighboursFitBBC(t *testing.T) {
	if !*neighboursFit {
		t.Skip("-neighboursfit not set")
	}
	ctx := context.Background()
	c := loadBBC(t)
	ix, err := Build(ctx, c.Chunks(), Options{Expand: Expand})
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, a := range c.Articles {
		paths[a.Path] = a.ID
		for _, al := range a.Aliases {
			paths[al.Path] = a.ID
		}
	}
	cases := readDevCases(t)
	type variant struct {
		name string
		nb   Neighbours
	}
	vs := []variant{{"off", Neighbours{Weight: -1}}}
	for _, fl := range []float64{0.6, 0.65, 0.7} {
		for _, k := range []int{5, 10} {
			vs = append(vs, variant{fmt.Sprintf("floor %.2f w 0.50 k %d", fl, k), Neighbours{Nearest: WordNeighbours, K: k, Floor: fl, Weight: 0.5}})
		}
		for _, w := range []float64{0.35, 0.75} {
			vs = append(vs, variant{fmt.Sprintf("floor %.2f w %.2f k 10", fl, w), Neighbours{Nearest: WordNeighbours, K: 10, Floor: fl, Weight: w}})
		}
	}
	for _, v := range vs {
		ix.neighbourPolicy = v.nb
		line := fmt.Sprintf("%-22s", v.name)
		for _, split := range []string{"calibration", "heldout"} {
			var n, s1, p1, p4, np, ps1, mrr float64
			for _, dc := range cases {
				if dc.Split != split {
					continue
				}
				res, err := ix.Search(ctx, dc.Question, 50)
				if err != nil {
					t.Fatal(err)
				}
				own := map[string]bool{paths[dc.Story]: true}
				for _, a := range dc.Also {
					own[paths[a]] = true
				}
				n++
				ok := len(res.Hits) > 0 && own[res.Hits[0].Chunk.ArticleID]
				if ok {
					s1++
				}
				if dc.Kind == "paraphrase" {
					np++
					if ok {
						ps1++
					}
				}
				switch r := evidenceRank(res.Hits, dc.Evidence); {
				case r == 1:
					p1++
					fallthrough
				case r > 0 && r <= 4:
					p4++
				}
				if r := evidenceRank(res.Hits, dc.Evidence); r > 0 {
					mrr += 1 / float64(r)
				}
			}
			line += fmt.Sprintf(" | %s story@1 %.3f (paraphrase %.3f) passage@1 %.3f @4 %.3f mrr %.3f", split[:3], s1/n, ps1/np, p1/n, p4/n, mrr/n)
		}
		t.Log(line)
	}
}
