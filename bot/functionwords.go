package bot

import (
	"slices"
	"strings"

	"github.com/articlebot/articlebot/retrieval"
)

// functionWords are English function words the tokenizer's stop list
// lacks: prepositions, conjunctions, pronouns, determiners and connective
// adverbs. General English, not fitted to any question. Rare in news, and
// so heavy, one would weigh in a question as much as what it asks: "what
// else did they send besides troops?" asks about sending, not about
// "besides".
var functionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`afterwards almost along alongside already although amid amidst among amongst
		another anybody anyhow anyone anyway anywhere around beside besides beyond despite either else elsewhere
		enough etc even ever every everybody everyone everything everywhere except hence however indeed instead
		likewise maybe meanwhile moreover namely neither nevertheless nobody none nonetheless nothing nowhere
		onto others otherwise perhaps per quite rather since somebody somehow someone somewhere thereby therefore
		though thus till toward towards unless unlike upon us via whatever whenever whereas whereby wherever whilst
		whichever whoever whose within without yet`) {
		m[w] = true
	}
	return m
}()

// ownWords are the content words of a question that are not function
// words.
func ownWords(q string) []retrieval.Token {
	return slices.DeleteFunc(retrieval.Tokenize(q), func(t retrieval.Token) bool { return functionWords[t.Word] })
}

// whWords open the question words a preposition can govern ("amid
// what?", "with whom?").
var whWords = map[string]bool{"what": true, "which": true, "who": true, "whom": true, "whose": true,
	"when": true, "where": true, "how": true, "why": true}

// functionStems are the stems of q's function words that ask nothing: all
// but a preposition governing the question word, as in "amid what?", which
// asks what the sentence says the subject is amid.
func functionStems(q string) map[string]bool {
	out := map[string]bool{}
	words := textWords(strings.ToLower(q))
	for i, w := range words {
		if functionWords[w] && (i+1 == len(words) || !whWords[words[i+1]]) {
			out[retrieval.Stem(w)] = true
		}
	}
	return out
}
