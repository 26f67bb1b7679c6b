package bot

import (
	"sync"

	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// passageSentence is one sentence of an indexed passage with its stems.
// A passage is split and stemmed once, the first time it is retrieved,
// rather than on every question (stemming was most of an extractive
// answer's time) or every passage of a large corpus at start.
type passageSentence struct {
	text  string
	stems map[string]bool // shared: never modified
	// joined are the stems of two consecutive words written as one
	// ("multi-polar" is also "multipolar"); shared, never modified.
	joined map[string]bool
	// abbrevs are the keys of the abbreviations it writes or spells out
	// (see abbrevKey); shared, never modified.
	abbrevs map[string]bool
	seq     []string       // the stems in order, for proximity
	vec     []float32      // its local embedding, for similarity to a question
	words   []sentenceWord // every word, for how near a fact is to the question's words
}

// sentenceWord is one word of a sentence: where it is and its content
// stems (none for a stop word).
type sentenceWord struct {
	start, end int
	stems      []string
}

// wordsOf returns the words of a sentence with their stems.
func wordsOf(text string) []sentenceWord {
	locs := wordRE.FindAllStringIndex(text, -1)
	out := make([]sentenceWord, len(locs))
	for i, l := range locs {
		out[i] = sentenceWord{start: l[0], end: l[1], stems: retrieval.Stems(text[l[0]:l[1]])}
	}
	return out
}

// passageSplits holds the stemmed sentences of the passages split so far.
type passageSplits struct {
	mu sync.Mutex
	m  map[string][]passageSentence // by chunk ID; shared, never modified
}

func newPassageSplits() *passageSplits {
	return &passageSplits{m: map[string][]passageSentence{}}
}

// of returns the chunk's stemmed sentences, splitting it on first use.
func (p *passageSplits) of(ch corpus.Chunk) []passageSentence {
	p.mu.Lock()
	sents, ok := p.m[ch.ID]
	p.mu.Unlock()
	if ok {
		return sents
	}
	spans := corpus.Sentences(ch.Text)
	sents = make([]passageSentence, len(spans))
	for i, sp := range spans {
		text := ch.Text[sp.Start:sp.End]
		toks := retrieval.Tokenize(text)
		seq := make([]string, len(toks))
		set := make(map[string]bool, len(seq))
		for j, t := range toks {
			seq[j] = t.Stem
			set[t.Stem] = true
		}
		sents[i] = passageSentence{text: text, stems: set, joined: joinedStems(toks), abbrevs: abbrevKeys(text), seq: seq, vec: sentenceEmbedder.EmbedTokens(toks), words: wordsOf(text)}
	}
	p.mu.Lock()
	p.m[ch.ID] = sents
	p.mu.Unlock()
	return sents
}

// has reports whether the sentence holds a stem, as a word or as two
// consecutive words written apart, or an abbreviation's key.
func (ps passageSentence) has(st string) bool { return ps.stems[st] || ps.joined[st] || ps.abbrevs[st] }

// joinedStems are the stems of each two consecutive words of toks written
// as one: English writes a compound open, hyphenated or closed ("multi-polar",
// "multipolar"; "Time Warner", "TimeWarner"), and a reader takes them for
// the same word.
func joinedStems(toks []retrieval.Token) map[string]bool {
	var out map[string]bool
	for i := 1; i < len(toks); i++ {
		if out == nil {
			out = map[string]bool{}
		}
		out[joinStem(toks[i-1], toks[i])] = true
	}
	return out
}

// joinStem is the stem of two words written as one.
func joinStem(a, b retrieval.Token) string { return retrieval.Stem(a.Word + b.Word) }

// sentenceEmbedder embeds sentences and questions for their similarity; it
// depends on no corpus statistics.
var sentenceEmbedder = retrieval.NewLocalEmbedder(0)

// stemSet is the set of a text's content-word stems.
func stemSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, s := range retrieval.Stems(text) {
		m[s] = true
	}
	return m
}
