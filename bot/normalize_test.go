package bot

import "testing"

func TestNormalizeChat(t *testing.T) {
	tests := []struct{ in, want string }{
		{"whats a multipolar world order", "what is a multipolar world order"},
		{"tl;dr pls", "tl;dr"},
		{"y did u say that?", "why did you say that?"},
		{"how many troops did they send pls?", "how many troops did they send?"},
		{"who r the leaders abt 2 meet", "who are the leaders about 2 meet"},
		{"didnt kim write to putin", "did not kim write to putin"},
		// Names and capitals are kept: "NK" is not a chat word.
		{"How many troops did NK send?", "How many troops did NK send?"},
		{"Is U Thant mentioned?", "Is U Thant mentioned?"},
		// Filler alone is left as it was rather than emptied.
		{"pls", "pls"},
	}
	for _, tt := range tests {
		if got := normalizeChat(tt.in); got != tt.want {
			t.Errorf("normalizeChat(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func testVocabulary(t *testing.T) *vocabulary {
	t.Helper()
	return newService(t).vocab
}

func TestCorrectTypos(t *testing.T) {
	v := testVocabulary(t)
	tests := []struct{ in, want string }{
		{"How many trooops were sent?", "How many troops were sent?"},
		{"What did Kim say to Puttin?", "What did Kim say to Putin?"},
		{"When was the birthdy letter sent?", "When was the birthday letter sent?"},
		// English words the article lacks are left alone, not "corrected"
		// to a neighbour: "mayor" is no typo of "major".
		{"Who is the mayor?", "Who is the mayor?"},
		// Short words have too many neighbours to guess.
		{"Did Kim sey so?", "Did Kim sey so?"},
		// A possessive is corrected as its word, and is too short to
		// guess when its word is; an abbreviation is never corrected.
		{"What was in Puttin's letter?", "What was in Putin's letter?"},
		{"Who is Kmi's envoy?", "Who is Kmi's envoy?"},
		{"What did the TROPS say?", "What did the TROPS say?"},
		{"What would've sufficed?", "What would've sufficed?"},
		{"Why couldn’t Puttin come?", "Why couldn’t Putin come?"},
		{"What was in Puttin’s letter?", "What was in Putin’s letter?"},
	}
	for _, tt := range tests {
		if got := v.correctTypos(tt.in); got != tt.want {
			t.Errorf("correctTypos(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadable(t *testing.T) {
	v := testVocabulary(t)
	for _, q := range []string{
		"How many troops has North Korea sent to Russia?",
		"whats a multipolar world order",
		"Kim?",
		"When did Pyongyang and Moscow sign the treaty?",
	} {
		if !v.readable(q) {
			t.Errorf("readable(%q) = false", q)
		}
	}
	for _, q := range []string{
		"¿Cuántos soldados envió Corea del Norte a Rusia?",
		"Combien de soldats la Corée du Nord a-t-elle envoyés?",
		"북한은 러시아에 병력을 몇 명 보냈나요?",
		"Сколько солдат отправила Северная Корея?",
		"Wie viele Soldaten hat Nordkorea geschickt?",
	} {
		if v.readable(q) {
			t.Errorf("readable(%q) = true", q)
		}
	}
}

func TestOfflineNeedsEnglish(t *testing.T) {
	svc := newService(t)
	a, err := svc.Ask(t.Context(), "¿Cuántos soldados envió Corea del Norte a Rusia?")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || a.Text != NoteNeedsEnglish || len(a.Sources) != 0 {
		t.Errorf("answer = %+v", a)
	}
}

func TestQuestionSentences(t *testing.T) {
	tests := []struct{ in, want string }{
		{"How many troops were sent? Please answer with the number of soldiers.", "How many troops were sent?"},
		{"I read the story. Who wrote to Putin? And when?", "Who wrote to Putin? And when?"},
		{"Tell me about the troops.", "Tell me about the troops."},
		{"who reported that? (North Korea Russia)", "who reported that? (North Korea Russia)"},
	}
	for _, tt := range tests {
		if got := questionSentences(tt.in); got != tt.want {
			t.Errorf("questionSentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRestoreNames(t *testing.T) {
	v := testVocabulary(t)
	for _, c := range []struct{ in, want string }{
		// The article writes Kim, Putin and North Korea capitalised.
		{"who did kim write to?", "who did Kim write to?"},
		{"why did kim write to putin", "why did Kim write to Putin"},
		{"what did north korea's leader pledge", "what did North Korea's leader pledge"},
		{"Has kim met putin?", "Has Kim met Putin?"},
		// Words it writes in lower case stay.
		{"how many troops were sent", "how many troops were sent"},
		// A word it never uses is read by the background collection.
		{"how many troops did china send", "how many troops did China send"},
		{"who won the world cup", "who won the world Cup"},
		{"how do i bake cookies", "how do i bake cookies"},
		// A question written with capitals after its first letter is
		// left as it is.
		{"Did Kim write to putin?", "Did Kim write to putin?"},
		// In capitals throughout, a question names nothing by them and is
		// read as typed in lower case; one word in capitals is kept.
		{"HOW MANY TROOPS DID CHINA SEND?", "how many troops did China send?"},
		{"WHO DID KIM WRITE TO", "who did Kim write to"},
		{"KCNA?", "KCNA?"},
		// So is one in title case, stop words and all; a run of names
		// is not.
		{"How Many Troops Did China Send?", "how many troops did China send?"},
		{"Who Did Kim Write To", "who did Kim write to"},
		{"Kim Jong Un?", "Kim Jong Un?"},
		{"Did KIM write?", "Did KIM write?"},
		{"", ""},
		{"k", "k"},
	} {
		if got := v.restoreNames(c.in); got != c.want {
			t.Errorf("restoreNames(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
