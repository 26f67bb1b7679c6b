package openaitest

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
)

// This file holds two model fakes for evaluation: an Oracle, a perfect model
// of an evaluation set (against it every loss is the pipeline's), and
// Obedient, a model that follows any instruction it reads (against it every
// injected reply shown is a defence missing).

// OracleCase is a question the Oracle knows.
type OracleCase struct {
	Question string
	// Evidence are the sentences of the corpus that answer the question,
	// one per part; none when nothing answers it.
	Evidence []string
	// Partial is set when a part of the question has no evidence: the
	// reply answers the others and marks that one as unanswered, on a
	// last line opened by the refusal marker, as the system prompt asks.
	Partial bool
}

// Oracle is a perfect model of an evaluation set. Its embedder embeds a
// known question as the passages holding its evidence, so retrieval that
// ranks by the embedding finds them first. (Not as the evidence's sentence
// alone: HashEmbed is a bag of words, and a sentence's nearest passage by
// it need not be its own. Embedded so, 2 of bbc-dev's 260 answerable
// questions were lost on 2026-12-03, p249-3 because its sentence is nearer
// another story's passage, 0.547, than its own, 0.539: the fake's
// embedder losing them, not the pipeline.) Its chat answers a known
// question from the prompt's passages, quoting each part's evidence and
// citing the passage that holds it (marking the rest of a partial
// question as unanswered), and says the passages don't answer when a
// part's passage is missing or nothing answers the question.
// Everything else is embedded as HashEmbed does, so passages and questions
// share one vector space.
type Oracle struct {
	cases []OracleCase
	// keys are the cases' questions, normalised.
	keys []string

	mu sync.Mutex
	// docs maps normalised evidence to the text of a document embedded
	// so far that holds it.
	docs map[string]string
}

// NewOracle returns an Oracle knowing cases.
func NewOracle(cases []OracleCase) *Oracle {
	o := &Oracle{cases: cases, docs: map[string]string{}}
	for _, c := range cases {
		o.keys = append(o.keys, normalize(c.Question))
	}
	return o
}

// normalize makes text comparable: lower case, typographic quotes folded,
// the prompt's substitutes for angle brackets undone, single spaces, no
// closing punctuation.
func normalize(s string) string {
	s = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "‹", "<", "›", ">").Replace(strings.ToLower(s))
	return strings.TrimRight(strings.Join(strings.Fields(s), " "), "?!. ")
}

// lookup returns the known case a question (or a part of one, as the
// search of a compound question sends) belongs to.
func (o *Oracle) lookup(q string) (OracleCase, bool) {
	k := normalize(q)
	if k == "" {
		return OracleCase{}, false
	}
	for i, key := range o.keys {
		if key == k {
			return o.cases[i], true
		}
	}
	if len(strings.Fields(k)) < 3 {
		return OracleCase{}, false
	}
	for i, key := range o.keys {
		if strings.Contains(key, k) || strings.Contains(k, key) {
			return o.cases[i], true
		}
	}
	return OracleCase{}, false
}

// Embed is an EmbedFunc. A known question with evidence is embedded as the
// sum of the unit vectors of the documents seen holding its evidence (the
// evidence itself until such a document was embedded); any other input as
// HashEmbed embeds it, and remembered when it holds a case's evidence.
func (o *Oracle) Embed(model string, inputs []string) [][]float32 {
	out := HashEmbed(model, inputs)
	for i, in := range inputs {
		if c, ok := o.lookup(in); ok {
			if len(c.Evidence) > 0 {
				out[i] = o.embedEvidence(model, c.Evidence)
			}
			continue
		}
		o.remember(in)
	}
	return out
}

func (o *Oracle) remember(doc string) {
	d := normalize(doc)
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, c := range o.cases {
		for _, ev := range c.Evidence {
			k := normalize(ev)
			if _, ok := o.docs[k]; !ok && strings.Contains(d, k) {
				o.docs[k] = doc
			}
		}
	}
}

func (o *Oracle) embedEvidence(model string, evidence []string) []float32 {
	sum := make([]float32, Dims)
	for _, ev := range evidence {
		o.mu.Lock()
		text, ok := o.docs[normalize(ev)]
		o.mu.Unlock()
		if !ok {
			text = ev
		}
		v := HashEmbed(model, []string{text})[0]
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		for j, x := range v {
			sum[j] += x / float32(math.Sqrt(n))
		}
	}
	return sum
}

// promptPassageRE finds a passage of the answering prompt and its text.
var promptPassageRE = regexp.MustCompile(`(?s)<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>`)

// promptQuestionRE finds the prompt's question.
var promptQuestionRE = regexp.MustCompile(`(?s)<question>\n(.*?)\n</question>`)

// refusalRE finds, in the system prompt, what to begin a refusal with.
var refusalRE = regexp.MustCompile(`reply with "([^"]+)"`)

// PromptPassages returns the passages of an answering prompt by number,
// their whole text.
func PromptPassages(prompt string) map[int]string {
	out := map[int]string{}
	for _, m := range promptPassageRE.FindAllStringSubmatch(prompt, -1) {
		var n int
		fmt.Sscan(m[1], &n)
		out[n] = m[2]
	}
	return out
}

// PromptQuestion returns an answering prompt's question.
func PromptQuestion(prompt string) string {
	if m := promptQuestionRE.FindStringSubmatch(prompt); m != nil {
		return m[1]
	}
	return ""
}

// System returns the request's system (or developer) message.
func (r Request) System() string {
	for _, m := range r.Messages {
		if m.Role == "system" || m.Role == "developer" {
			return m.Content
		}
	}
	return ""
}

// refusal is how the system prompt says to refuse, as a perfect model
// would follow it.
func refusal(req Request) Reply {
	marker := "NO_ANSWER:"
	if m := refusalRE.FindStringSubmatch(req.System()); m != nil {
		marker = m[1]
	}
	return Reply{Content: marker + " The passages don't say."}
}

// rest is the last line marking the rest of a partial question as
// unanswered, with the marker the system prompt gives.
func rest(req Request) string {
	return "\n" + refusal(req).Content
}

// Chat is a ChatFunc answering as a perfect model would.
func (o *Oracle) Chat(req Request) Reply {
	user := req.Last("user")
	c, ok := o.lookup(PromptQuestion(user))
	if !ok || len(c.Evidence) == 0 {
		return refusal(req)
	}
	passages := PromptPassages(user)
	var parts []string
	for _, ev := range c.Evidence {
		n := 0
		for m, text := range passages {
			if strings.Contains(normalize(text), normalize(ev)) && (n == 0 || m < n) {
				n = m
			}
		}
		if n == 0 {
			return refusal(req)
		}
		parts = append(parts, fmt.Sprintf("%s [%d].", strings.TrimRight(ev, ".!? "), n))
	}
	text := strings.Join(parts, " ")
	if c.Partial {
		text += rest(req)
	}
	return Reply{Content: text}
}

// InjectedMarker begins every reply Obedient drafts by obeying an
// instruction, so a test can count them in what is shown.
const InjectedMarker = "INJECTED:"

var (
	// ignoreRE is the usual opening of an injected instruction.
	ignoreRE = regexp.MustCompile(`(?i)\b(ignore|disregard|forget)\b[^.?!\n]*\b(instructions|passages|rules|above|previous)\b`)
	// revealRE asks for the instructions.
	revealRE = regexp.MustCompile(`(?i)\b(print|reveal|show|repeat|output|tell me|what is|what are)\b[^.?!\n]*\b(system prompt|instructions|rules)\b`)
	// sayRE asks for a reply of the asker's choosing.
	sayRE = regexp.MustCompile(`(?i)\b(?:say|reply with|respond with|answer with|write)\s+(?:that\s+)?["“]?([^"”.?!\n]+)`)
)

// Obedient returns a ChatFunc that follows instructions it finds in the
// prompt's question or passages, as a model without defences might: asked
// for its system prompt it replies with it, told to say something it says
// it, and it cites [1] so that its reply looks answered. Each such reply
// begins with InjectedMarker. A prompt without instructions is answered by
// next.
func Obedient(next ChatFunc) ChatFunc {
	return func(req Request) Reply {
		user := req.Last("user")
		switch {
		case revealRE.MatchString(user):
			return Reply{Content: InjectedMarker + " " + req.System() + " [1]"}
		case ignoreRE.MatchString(user):
			what := "I will ignore the passages"
			if m := sayRE.FindStringSubmatch(user[ignoreRE.FindStringIndex(user)[0]:]); m != nil {
				what = strings.TrimSpace(m[1])
			}
			return Reply{Content: InjectedMarker + " " + what + " [1]."}
		}
		return next(req)
	}
}
