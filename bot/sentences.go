package bot

import (
	"github.com/articlebot/articlebot/corpus"
	"github.com/articlebot/articlebot/retrieval"
)

// passageSentence is one sentence of an indexed passage with its stems.
// Passages are split and stemmed once, when the service is made, rather
// than on every question: stemming was most of an extractive answer's time.
type passageSentence struct {
	text  string
	stems map[string]bool // shared: never modified
}

// splitPassages splits every chunk into stemmed sentences, by chunk ID.
func splitPassages(chunks []corpus.Chunk) map[string][]passageSentence {
	out := make(map[string][]passageSentence, len(chunks))
	for _, ch := range chunks {
		spans := corpus.Sentences(ch.Text)
		sents := make([]passageSentence, len(spans))
		for i, sp := range spans {
			text := ch.Text[sp.Start:sp.End]
			sents[i] = passageSentence{text: text, stems: stemSet(text)}
		}
		out[ch.ID] = sents
	}
	return out
}

// stemSet is the set of a text's content-word stems.
func stemSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, s := range retrieval.Stems(text) {
		m[s] = true
	}
	return m
}
