package retrieval

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/retrieval/synonym"
)

// TestStoryFitBBC is how the story ranking's weights were chosen: it
// prints story recall@1, @4 and MRR on both halves of the BBC development
// set for each variant; pick on the calibration half only.
//
//	go test ./retrieval -run TestStoryFitBBC -storyfit -v             # fusion with vectors
//	STORYFIT_GRID=1 go test ./retrieval -run TestStoryFitBBC -storyfit -v  # BM25F parameters
//	STORYFIT_FUSE=1 ...  # Find's story ranking plus best passage by BM25 and by vector
//	STORYFIT_EXPAND=synonyms|derived ...                                   # one WordNet relation only
var storyFit = flag.Bool("storyfit", false, "print story-ranking variants on the BBC development set's halves")

type devCase struct {
	ID, Split, Story, Kind, Question string
	Also, Evidence                   []string
}

func readDevCases(tb testing.TB) []devCase {
	f, err := os.Open("../testdata/bbc-dev.jsonl")
	if err != nil {
		tb.Skip(err)
	}
	defer f.Close()
	var out []devCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		var c devCase
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			tb.Fatal(err)
		}
		if c.Kind == "fact" || c.Kind == "paraphrase" || c.Kind == "multi" {
			out = append(out, c)
		}
	}
	return out
}

func TestStoryFitBBC(t *testing.T) {
	if !*storyFit {
		t.Skip("-storyfit not set")
	}
	c := loadBBC(t)
	cases := readDevCases(t)
	ctx := context.Background()
	expand := Expand
	switch os.Getenv("STORYFIT_EXPAND") { // which WordNet relations expand queries
	case "synonyms":
		expand = synonym.Lookup
	case "derived":
		expand = synonym.Derived
	}
	ix, err := Build(ctx, c.Chunks(), Options{Expand: expand})
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
	type variant struct {
		name string
		rank func(q string) []string
	}
	storyIDs := func(sc []scored) []string {
		out := make([]string, len(sc))
		for i, s := range sc {
			out[i] = ix.stories[s.doc].ID
		}
		return out
	}
	// per query caches
	type qdata struct {
		terms  map[string]float64
		sims   []float64 // by chunk
		chunkB []scored  // chunk BM25 top 200
	}
	cache := map[string]*qdata{}
	get := func(q string) *qdata {
		if d, ok := cache[q]; ok {
			return d
		}
		toks := Tokenize(q)
		d := &qdata{terms: ix.queryTerms(toks)}
		qv, _ := ix.embedQuery(ctx, q, toks)
		qv = Normalize(qv)
		d.sims = make([]float64, len(ix.chunks))
		for i := range ix.chunks {
			d.sims[i] = ix.similarity(qv, i)
		}
		d.chunkB = ix.bm.top(ix.weighted(d.terms, nil, 1), 200, nil, nil)
		cache[q] = d
		return d
	}
	storyBM := func(q string, w storyWeights, expW float64) []scored {
		d := get(q)
		return ix.stix.scores(ix.weighted(d.terms, nil, expW), w, nil)
	}
	vecStories := func(q string) []scored {
		d := get(q)
		best := make([]float64, len(ix.stories))
		for i := range best {
			best[i] = math.Inf(-1)
		}
		for i, s := range d.sims {
			st := ix.story[i]
			best[st] = max(best[st], s)
		}
		out := make([]scored, len(best))
		for i, b := range best {
			out[i] = scored{i, b}
		}
		slices.SortFunc(out, func(a, b scored) int {
			if better(a, b) {
				return -1
			}
			return 1
		})
		return out
	}
	chunkBMStories := func(q string) []scored {
		d := get(q)
		seen := map[int]bool{}
		var out []scored
		for _, s := range d.chunkB {
			st := int(ix.story[s.doc])
			if !seen[st] {
				seen[st] = true
				out = append(out, scored{st, s.score})
			}
		}
		return out
	}
	rrf := func(k float64, lists [][]scored, ws []float64, depth int) []scored {
		acc := map[int]float64{}
		for li, l := range lists {
			for r, s := range l[:min(depth, len(l))] {
				acc[s.doc] += ws[li] / (k + float64(r+1))
			}
		}
		var out []scored
		for d, v := range acc {
			out = append(out, scored{d, v})
		}
		slices.SortFunc(out, func(a, b scored) int {
			if better(a, b) {
				return -1
			}
			return 1
		})
		return out
	}
	variants := []variant{
		{"current Find", func(q string) []string {
			res, err := ix.Search(ctx, q, 50)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, h := range res.Hits {
				if !slices.Contains(out, h.Chunk.ArticleID) {
					out = append(out, h.Chunk.ArticleID)
				}
			}
			return out
		}},
		{"story BM25F (default)", func(q string) []string { return storyIDs(storyBM(q, defaultStoryWeights, storyExpansion)) }},
		{"vector max", func(q string) []string { return storyIDs(vecStories(q)) }},
		{"chunk bm25 max", func(q string) []string { return storyIDs(chunkBMStories(q)) }},
	}
	// The story ranking Find uses (neighbours grouped with their word),
	// fused by score with each story's best passage: by BM25 over
	// passages and by the embedding.
	prodBM := func(q string) []scored {
		terms, near := ix.queryTermsNear(Tokenize(q))
		return ix.rankStories(terms, near, -1)
	}
	fuse := func(q string, a, b float64) []string {
		sb := prodBM(q)
		if len(sb) == 0 {
			return nil
		}
		cb := map[int]float64{}
		chunks := chunkBMStories(q)
		for _, s := range chunks {
			cb[s.doc] = s.score / chunks[0].score
		}
		sim := map[int]float64{}
		for _, v := range vecStories(q) {
			sim[v.doc] = v.score
		}
		out := slices.Clone(sb)
		for i := range out {
			out[i].score = out[i].score/sb[0].score + a*cb[out[i].doc] + b*sim[out[i].doc]
		}
		slices.SortFunc(out, func(x, y scored) int {
			if better(x, y) {
				return -1
			}
			return 1
		})
		return storyIDs(out)
	}
	if os.Getenv("STORYFIT_FUSE") == "1" {
		variants = variants[:1]
		variants = append(variants, variant{"story BM25F as Find", func(q string) []string { return storyIDs(prodBM(q)) }})
		for _, a := range []float64{0, 0.1, 0.25, 0.5} {
			for _, b := range []float64{0, 0.25, 0.5, 1} {
				variants = append(variants, variant{fmt.Sprintf("BM25F/top + %g·passage/top + %g·sim", a, b), func(q string) []string { return fuse(q, a, b) }})
			}
		}
	} else if os.Getenv("STORYFIT_GRID") == "1" {
		variants = variants[:1]
		for _, tw := range []float64{1, 2, 3} {
			for _, k1 := range []float64{0.9, 1.2, 2} {
				for _, b := range []float64{0.5, 0.75, 0.9} {
					for _, ew := range []float64{0.15, 0.25, 0.35} {
						w := defaultStoryWeights
						w.title, w.k1, w.b = tw, k1, b
						variants = append(variants, variant{fmt.Sprintf("t=%g k1=%g b=%g exp=%g", tw, k1, b, ew), func(q string) []string { return storyIDs(storyBM(q, w, ew)) }})
					}
				}
			}
		}
	} else {
		for _, vw := range []float64{0.25, 0.5, 1} {
			for _, k := range []float64{10, 60} {
				variants = append(variants, variant{fmt.Sprintf("rrf k=%g story+%g·vec", k, vw), func(q string) []string {
					return storyIDs(rrf(k, [][]scored{storyBM(q, defaultStoryWeights, storyExpansion), vecStories(q)}, []float64{1, vw}, 200))
				}})
			}
		}
		for _, lam := range []float64{0, 0.5, 1, 2, 4} {
			w := defaultStoryWeights
			variants = append(variants, variant{fmt.Sprintf("storyBM25F + %g·maxsim·top", lam), func(q string) []string {
				sb := storyBM(q, w, 0.25)
				vs := vecStories(q)
				sim := map[int]float64{}
				for _, v := range vs {
					sim[v.doc] = v.score
				}
				if len(sb) == 0 {
					return nil
				}
				top := sb[0].score
				out := slices.Clone(sb)
				for i := range out {
					out[i].score += lam * top * sim[out[i].doc]
				}
				slices.SortFunc(out, func(a, b scored) int {
					if better(a, b) {
						return -1
					}
					return 1
				})
				return storyIDs(out)
			}})
		}
	}
	for _, v := range variants {
		line := fmt.Sprintf("%-45s", v.name)
		for _, split := range []string{"calibration", "heldout"} {
			var n, at1, at4, mrr float64
			var kinds = map[string][2]float64{}
			for _, c := range cases {
				if c.Split != split {
					continue
				}
				own := map[string]bool{paths[c.Story]: true}
				for _, a := range c.Also {
					own[paths[a]] = true
				}
				ranked := v.rank(c.Question)
				r := slices.IndexFunc(ranked, func(id string) bool { return own[id] })
				n++
				k := kinds[c.Kind]
				k[1]++
				if r == 0 {
					at1++
					k[0]++
				}
				if r >= 0 && r < 4 {
					at4++
				}
				if r >= 0 {
					mrr += 1 / float64(r+1)
				}
				kinds[c.Kind] = k
			}
			line += fmt.Sprintf(" | %s @1 %.3f @4 %.3f mrr %.3f (f %.2f p %.2f m %.2f)", split[:3], at1/n, at4/n, mrr/n,
				kinds["fact"][0]/kinds["fact"][1], kinds["paraphrase"][0]/kinds["paraphrase"][1], kinds["multi"][0]/kinds["multi"][1])
		}
		t.Log(line)
	}
}
