package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/openaitest"
)

// troopsEvidence is the built-in article's sentence on the troops sent.
const troopsEvidence = "Pyongyang has reportedly sent around 15,000 troops and various types of weaponry to assist Moscow’s military operations in Ukraine since October last year."

// LLM mode answers in the question's language. A question the offline
// drafter can't read reaches the model, searched as it is written (not
// "corrected" to English words, which would lose it for a multilingual
// embedding model), and the model's answer in that language is shown when
// it cites the passage holding the fact; one stating a figure the passage
// doesn't is dropped. (With the local embedder, which reads English only,
// such a question is as far off-topic as gibberish and the fitted gate
// refuses it.)
func TestLLMAnswersOtherLanguages(t *testing.T) {
	questions := []string{
		"¿Cuántos soldados ha enviado Corea del Norte a Rusia?",
		"Combien de soldats la Corée du Nord a-t-elle envoyés en Russie ?",
		"Wie viele Soldaten hat Nordkorea nach Russland geschickt?",
		"북한은 러시아에 병력을 몇 명 보냈나요?",
	}
	var cases []openaitest.OracleCase
	for _, q := range questions {
		cases = append(cases, openaitest.OracleCase{Question: q, Evidence: []string{troopsEvidence}})
	}
	o := openaitest.NewOracle(cases)
	srv := openaitest.New(t)
	srv.SetEmbed(o.Embed)
	figure := "15.000"
	srv.SetChat(func(r openaitest.Request) openaitest.Reply {
		n := passageWith(openaitest.Passages(r.Last("user")), "15,000")
		if n == 0 {
			return openaitest.Reply{Content: refusalMarker + " Los pasajes no lo dicen."}
		}
		return openaitest.Reply{Content: fmt.Sprintf("Corea del Norte ha enviado unos %s soldados a Rusia desde octubre del año pasado [%d].", figure, n)}
	})
	svc, _ := newLLMService(t, srv, llmSetup{remoteEmbeddings: true})
	for _, q := range questions {
		before := srv.Count(openaitest.Chat)
		a, err := svc.Ask(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if srv.Count(openaitest.Chat) == before {
			t.Errorf("%q never reached the model: %q", q, a.Text)
			continue
		}
		if a.Refused || a.Drafter != DrafterLLM || !strings.Contains(a.Text, "15.000 soldados") || len(a.Sources) != 1 || !strings.Contains(a.Sources[0].Passage, "15,000") {
			t.Errorf("%q: refused %v by %s: %q, sources %d", q, a.Refused, a.Drafter, a.Text, len(a.Sources))
		}
	}
	figure = "50.000"
	svc, _ = newLLMService(t, srv, llmSetup{remoteEmbeddings: true})
	a, err := svc.Ask(context.Background(), questions[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.Text, "50.000") {
		t.Errorf("a figure the cited passage doesn't state is shown: %q", a.Text)
	}
}

func TestSupportAcross(t *testing.T) {
	passage := "According to South Korea’s National Intelligence Service (NIS), " + troopsEvidence
	tests := []struct {
		sentence string
		want     float64
	}{
		{"Corea del Norte ha enviado unos 15.000 soldados a Rusia.", 1},
		{"La Corée du Nord a envoyé environ 15 000 soldats.", 1},
		{"북한은 약 15,000명의 병력을 보냈습니다.", 1},
		{"Lo informó el Servicio Nacional de Inteligencia de Corea del Sur (NIS).", 1},
		{"Corea del Norte ha enviado unos 50.000 soldados a Rusia.", 0},
		{"Unos 15.000 soldados llegaron en 2019.", 0},
		{"Corea del Norte ha enviado muchos soldados.", 0},
		{"Zorblax quindle vexwort.", 0},
	}
	for _, tt := range tests {
		if got := supportAcross(tt.sentence, []string{passage}); got != tt.want {
			t.Errorf("supportAcross(%q) = %v, want %v", tt.sentence, got, tt.want)
		}
	}
}

// Where retrieval can't read a question's language (the local embedder
// reads English only), the off-topic gate still keeps it from the model,
// but its reply says to ask in English, not that the article doesn't say:
// it does. And a question in another language that the model fails to
// answer gets the offline reply, that offline answers need English, after
// the note on the model.
func TestLLMOtherLanguagesWithoutAModelOrAnEmbedderThatReadsThem(t *testing.T) {
	const es = "¿Cuántos soldados ha enviado Corea del Norte a Rusia?"
	srv := openaitest.New(t)
	svc, _ := newLLMService(t, srv, llmSetup{})
	a, err := svc.Ask(context.Background(), es)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || a.Text != NoteNoMatchInLanguage || len(a.Sources) != 0 || srv.Count(openaitest.Chat) != 0 {
		t.Errorf("local embeddings: %q (refused %v, %d chat requests)", a.Text, a.Refused, srv.Count(openaitest.Chat))
	}
	// An English question far off-topic is refused as before.
	if a, _ := svc.Ask(context.Background(), "How do I bake chocolate chip cookies?"); !strings.HasPrefix(a.Text, "The article doesn't say.") {
		t.Errorf("English off-topic: %q", a.Text)
	}

	o := openaitest.NewOracle([]openaitest.OracleCase{{Question: es, Evidence: []string{troopsEvidence}}})
	srv = openaitest.New(t)
	srv.SetEmbed(o.Embed)
	svc, _ = newLLMService(t, srv, llmSetup{remoteEmbeddings: true})
	srv.Fail(openaitest.Chat, openaitest.ServerError(), 1)
	a, err = svc.Ask(context.Background(), es)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Count(openaitest.Chat) != 1 || a.Note != NoteModelUnavailable || a.Text != NoteModelUnavailable+"\n\n"+NoteNeedsEnglish || len(a.Sources) != 0 {
		t.Errorf("model down: %q (note %q, %d chat requests)", a.Text, a.Note, srv.Count(openaitest.Chat))
	}
}
