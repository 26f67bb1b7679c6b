package bot

import (
	"fmt"
	"testing"

	"github.com/articlebot/articlebot/corpus"
)

// A passage either ranking puts first reaches the prompt even when fusing
// the rankings puts it below the passages the prompt takes.
func TestPassagesKeepEachRankingsBest(t *testing.T) {
	s := &Service{opt: Options{TopK: 2}}
	hit := func(id string, v, l int) Hit {
		return Hit{Chunk: corpus.Chunk{ID: id}, VectorRank: v, LexicalRank: l}
	}
	one := &SearchResult{Hits: []Hit{hit("a", 2, 2), hit("b", 3, 3), hit("c", 1, 9), hit("d", 4, 4)}}
	two := &SearchResult{Hits: []Hit{hit("e", 2, 2), hit("a", 3, 3), hit("f", 5, 1)}}
	for _, tt := range []struct {
		results []*SearchResult
		want    string
	}{
		{[]*SearchResult{one}, "[a b c]"},
		{[]*SearchResult{one, two}, "[a e b c f]"},
	} {
		var ids []string
		for i, p := range s.passagesFor(tt.results) {
			if p.N != i+1 {
				t.Errorf("passage %d numbered %d", i+1, p.N)
			}
			ids = append(ids, p.Chunk.ID)
		}
		if got := fmt.Sprint(ids); got != tt.want {
			t.Errorf("passages = %s, want %s", got, tt.want)
		}
	}
}
