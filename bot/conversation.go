package bot

import (
	"strings"
	"unicode/utf8"
)

// Turn is one question of a conversation and what it got: what a front end
// keeps so that the next question can follow up on it. It holds the
// answer's text for the language model's rewrite only; follow-ups are
// always answered, and cited, from the passages themselves.
type Turn struct {
	Question string `json:"question"`
	// Standalone is what the question became once its conversation was
	// taken into account; empty when it stood alone.
	Standalone string `json:"standalone,omitempty"`
	Answer     string `json:"answer"`
	Refused    bool   `json:"refused,omitempty"`
	// Cited are the IDs of the passages the answer cited, in order.
	Cited []string `json:"cited,omitempty"`
}

// MaxTurnAnswer bounds the answer text a turn keeps, in bytes: enough for
// a rewrite to know what was said, small enough to keep many conversations.
const MaxTurnAnswer = 600

// TurnOf records an answer as a turn of its conversation.
func TurnOf(a *Answer) Turn {
	t := Turn{Question: a.Question, Standalone: a.Standalone, Answer: clip(a.Text, MaxTurnAnswer), Refused: a.Refused}
	for _, s := range a.Sources {
		t.Cited = append(t.Cited, s.ID)
	}
	return t
}

// Asked is the question the turn answered, in its standalone form.
func (t Turn) Asked() string {
	if t.Standalone != "" {
		return t.Standalone
	}
	return t.Question
}

// Size is roughly how many bytes the turn takes, for the store's bounds.
func (t Turn) Size() int {
	n := len(t.Question) + len(t.Standalone) + len(t.Answer) + 32
	for _, c := range t.Cited {
		n += len(c) + 8
	}
	return n
}

// clip cuts s to at most n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

// NoteNeedsSubject is the reply to a question that names nothing to look
// up ("since when?", "who else?") and has no conversation to lean on.
const NoteNeedsSubject = "Your question doesn't say what it is about. Please ask it in full, or as a follow-up to one of my answers."

// namesNothing reports whether a question has no content word of its own:
// only question words, pronouns and other function words. Without an
// earlier turn to say what it means, any sentence holding a date answers
// "since when?" alike.
func namesNothing(q string) bool {
	return len(ownWords(questionSentences(q))) == 0
}

// needsSubject answers a question that names nothing, asking for what it
// is about. It never repeats the question.
func (s *Service) needsSubject(q string) *Answer {
	return &Answer{Question: q, Text: NoteNeedsSubject, Refused: true, Sources: []Source{}, Drafter: DrafterExtractive}
}
