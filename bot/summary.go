package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/articlebot/articlebot/corpus"
)

// Length is a summary's size.
type Length string

// Summary lengths, with the most characters each may take.
const (
	Short  Length = "short"
	Medium Length = "medium"
	Long   Length = "long"
)

// Lengths lists the valid summary lengths.
var Lengths = []Length{Short, Medium, Long}

func (l Length) budget() int {
	switch l {
	case Short:
		return 600
	case Medium:
		return 1200
	default:
		return 2400
	}
}

// ParseLength checks a summary length; empty means Medium.
func ParseLength(s string) (Length, error) {
	switch l := Length(strings.ToLower(strings.TrimSpace(s))); l {
	case "":
		return Medium, nil
	case Short, Medium, Long:
		return l, nil
	default:
		return "", fmt.Errorf("%w %q: use short, medium or long", ErrBadLength, s)
	}
}

// Summary is an extractive summary: the article's most central sentences in
// reading order, each cited.
type Summary struct {
	Length  Length   `json:"length"`
	Section string   `json:"section,omitempty"`
	Text    string   `json:"summary"`
	Sources []Source `json:"sources"`
	Drafter string   `json:"drafter"`
	// Usage, Note and Flags are as in Answer.
	Usage Usage  `json:"usage"`
	Note  string `json:"note,omitempty"`
	Flags []Flag `json:"flags,omitempty"`

	cause ErrorKind // as in Answer
}

type sentence struct {
	chunk corpus.Chunk
	text  string
	order int // reading order across the corpus
	score float64
	lead  bool      // first sentence of its section
	vec   []float32 // its local embedding, for redundancy
	facts []string  // its key facts (see keyFacts)
	stems map[string]bool
}

// Summarize summarises the corpus, or one section of it, within the
// length's character budget, keeping the article's order. A long summary
// takes at least one sentence from every section.
func (s *Service) Summarize(ctx context.Context, length Length, section string) (sum *Summary, err error) {
	defer func() {
		if v := recover(); v != nil {
			sum, err = nil, s.recovered(v)
		}
	}()
	if _, err := ParseLength(string(length)); err != nil {
		return nil, err
	}
	if length == "" {
		length = Medium
	}
	if len(s.corpus.Articles) > 1 && strings.TrimSpace(section) == "" {
		// Lead sentences of unrelated stories make no summary.
		return s.collectionSummary(length), nil
	}
	section, err = s.resolveSection(section)
	if err != nil {
		return nil, err
	}
	// Summaries are cached and shared like answers. The story is "" (the
	// whole corpus) until summaries can be scoped to one.
	key := summaryKey("", length, section, s.version, s.opt.Model)
	if sum, ok := s.summaries.get(key); ok {
		return sum, nil
	}
	sum, _, err = s.summarizing.do(ctx, key, nil, shareSummary, func(ctx context.Context, _ func(string)) (*Summary, error) {
		var sum *Summary
		var err error
		if s.opt.Drafter != nil {
			sum, err = s.summarizeLLM(ctx, length, section)
		} else {
			sum, err = s.summarizeExtractive(ctx, length, section)
		}
		// A fallback is not cached: the model may be back next time.
		if err == nil && sum.Note == "" {
			s.summaries.put(key, sum)
		}
		return sum, err
	})
	return sum, err
}

// summarizeExtractive picks the most central sentences of the corpus or
// section, within the length's budget, in reading order.
func (s *Service) summarizeExtractive(ctx context.Context, length Length, section string) (*Summary, error) {
	sents, err := s.scoreSentences(ctx, section)
	if err != nil {
		return nil, err
	}
	picked := pickSummary(sents, length)
	var src sourceList
	parts := make([]string, len(picked))
	for i, st := range picked {
		parts[i] = st.text + " [" + strconv.Itoa(src.cite(st.chunk, st.text, 0)) + "]"
	}
	sum := &Summary{Length: length, Section: section, Drafter: DrafterExtractive, Sources: src.list()}
	sep := " "
	if length != Short {
		sep = "\n"
		for i := range parts {
			parts[i] = "- " + parts[i]
		}
	}
	sum.Text = strings.Join(parts, sep)
	return sum, nil
}

// Section checks a section name as Summarize takes it and returns the
// section it names; empty means the whole corpus.
func (s *Service) Section(name string) (string, error) { return s.resolveSection(name) }

// resolveSection matches a section name case-insensitively, and by prefix
// when that is unambiguous.
func (s *Service) resolveSection(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil
	}
	all := s.corpus.Sections()
	var prefix []string
	for _, sec := range all {
		if strings.EqualFold(sec, name) {
			return sec, nil
		}
		if strings.HasPrefix(strings.ToLower(sec), strings.ToLower(name)) {
			prefix = append(prefix, sec)
		}
	}
	if len(prefix) == 1 {
		return prefix[0], nil
	}
	return "", fmt.Errorf("%w %q; the sections are: %s", ErrUnknownSection, name, strings.Join(all, "; "))
}

// scoreSentences scores every sentence of the section (or corpus) by its
// similarity to the whole text, a measure of how central it is.
func (s *Service) scoreSentences(ctx context.Context, section string) ([]sentence, error) {
	var sents []sentence
	var all strings.Builder
	seenSection := map[string]bool{}
	for _, ch := range s.index.Chunks() {
		if section != "" && ch.Section != section {
			continue
		}
		all.WriteString(ch.Text + "\n")
		for _, ps := range s.split.of(ch) {
			key := ch.ArticleID + "\x00" + ch.Section
			sents = append(sents, sentence{
				chunk: ch, text: ps.text, order: len(sents), lead: !seenSection[key], stems: ps.stems,
			})
			seenSection[key] = true
		}
	}
	centroid, err := s.sentences.Embed(ctx, all.String())
	if err != nil {
		return nil, fmt.Errorf("couldn't embed the article: %w", err)
	}
	for i := range sents {
		v, err := s.sentences.Embed(ctx, sents[i].text)
		if err != nil {
			return nil, fmt.Errorf("couldn't embed a sentence: %w", err)
		}
		var dot float64
		for j := range v {
			dot += float64(v[j]) * float64(centroid[j])
		}
		sents[i].score, sents[i].vec, sents[i].facts = dot, v, keyFacts(sents[i].text)
		// News puts the main point first: favour the opening sentence of
		// the article and of each section.
		if sents[i].order == 0 {
			sents[i].score += 0.25
		} else if sents[i].lead {
			sents[i].score += 0.08
		}
	}
	return sents, nil
}
