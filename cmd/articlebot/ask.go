package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/corpus"
)

var askCmd = &command{
	name:    "ask",
	args:    "QUESTION",
	summary: "Answer a question from the article, citing the passages used.",
	flags: func(fs *flag.FlagSet, cl *cli) {
		fs.StringVar(&cl.article, "article", "", "answer from one story only: its `ID` or title (see sources --json for IDs)")
		fs.BoolVar(&cl.json, "json", false, `print one JSON object: {"question","answer","refused","drafter","usage","note","flags","partial","cached","why","sources":[{"n","id","article","article_id","url","published","section","quote","passage","score"}]}`)
	},
	run: func(ctx context.Context, e *env, cl *cli, args []string) error {
		if len(args) == 0 {
			return cl.usagef("ask takes one question")
		}
		// Unquoted words are one question: `ask how many troops`.
		q := strings.Join(args, " ")
		if strings.TrimSpace(q) == "" {
			return cl.usagef("the question is empty")
		}
		svc, err := cl.service(ctx, e)
		if err != nil {
			return err
		}
		if cl.json {
			a, err := svc.Answer(ctx, bot.Request{Question: q, Article: cl.article}, nil)
			if err != nil {
				return cl.serviceError(err)
			}
			return writeJSON(e.stdout, a)
		}
		p := &streamPrinter{w: e.stdout, named: severalStories(svc)}
		a, err := svc.Answer(ctx, bot.Request{Question: q, Article: cl.article}, p.partial)
		if err != nil {
			return cl.serviceError(err)
		}
		p.final(a)
		return nil
	},
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeJSONLine writes v as one line of JSON, for streams of objects.
func writeJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// quoteLen bounds the quotes printed under an answer.
const quoteLen = 300

func printAnswer(w io.Writer, a *bot.Answer, named bool) {
	fmt.Fprintln(w, a.Text)
	printSources(w, a.Sources, named)
}

// severalStories reports whether the service answers from more than one
// story, when every source names its own.
func severalStories(svc *bot.Service) bool { return len(svc.Corpus().Articles) > 1 }

// streamPrinter prints an answer's text as the model writes it, then what
// the final answer adds. When the final text doesn't continue what was
// shown (a fallback, or a retried stream), it is printed whole below.
type streamPrinter struct {
	w     io.Writer
	shown string
	named bool // sources name their story (see printSources)
}

func (p *streamPrinter) partial(text string) {
	if strings.HasPrefix(text, p.shown) {
		fmt.Fprint(p.w, text[len(p.shown):])
		p.shown = text
	}
}

func (p *streamPrinter) final(a *bot.Answer) {
	switch {
	case p.shown == "":
		printAnswer(p.w, a, p.named)
	case strings.HasPrefix(a.Text, p.shown):
		fmt.Fprintln(p.w, a.Text[len(p.shown):])
		printSources(p.w, a.Sources, p.named)
	default:
		fmt.Fprint(p.w, "\n\n")
		printAnswer(p.w, a, p.named)
	}
	p.shown = ""
}

// printSources lists sources as "[n] Section: “quote”", naming the story
// too ("[n] Story › Section") when named is set (the collection holds
// several) or they come from more than one, with the story's URL and date
// on a line below when it has them.
func printSources(w io.Writer, sources []bot.Source, named bool) {
	if len(sources) == 0 {
		return
	}
	named = named || slices.ContainsFunc(sources, func(s bot.Source) bool { return s.Article != sources[0].Article })
	fmt.Fprintln(w, "\nSources:")
	for _, s := range sources {
		fmt.Fprintf(w, "[%d] %s: “%s”\n", s.N, sourceWhere(s.Article, s.Section, named), corpus.Quote(s.Quote, quoteLen))
		if line := storyLine(s.URL, s.Published); line != "" {
			fmt.Fprintln(w, "    "+line)
		}
	}
}

// sourceWhere is where a passage is: its section, after its story's title
// when named is set.
func sourceWhere(title, section string, named bool) string {
	if named && title != "" {
		return title + " › " + section
	}
	return section
}

// storyLine is a story's URL and publication date, as far as known.
func storyLine(url, published string) string {
	switch {
	case url != "" && published != "":
		return url + " · " + published
	case published != "":
		return "published " + published
	}
	return url
}

var sourcesCmd = &command{
	name:    "sources",
	args:    "QUERY",
	summary: "Show the passages that best match a query, with their scores.",
	flags: func(fs *flag.FlagSet, cl *cli) {
		fs.IntVar(&cl.k, "k", 5, "show `N` passages")
		fs.StringVar(&cl.article, "article", "", "search one story only: its `ID` or title")
		fs.BoolVar(&cl.json, "json", false, "print JSON")
	},
	run: func(ctx context.Context, e *env, cl *cli, args []string) error {
		if len(args) == 0 {
			return cl.usagef("sources takes a query")
		}
		query := strings.Join(args, " ")
		if cl.k <= 0 {
			return cl.usagef("--k must be at least 1, got %d", cl.k)
		}
		svc, err := cl.service(ctx, e)
		if err != nil {
			return err
		}
		res, err := svc.SearchArticle(ctx, query, cl.k, cl.article)
		if err != nil {
			return cl.serviceError(err)
		}
		if cl.json {
			type hit struct {
				Rank        int     `json:"rank"`
				ID          string  `json:"id"`
				Article     string  `json:"article"`
				ArticleID   string  `json:"article_id"`
				URL         string  `json:"url"`
				Published   string  `json:"published"`
				Section     string  `json:"section"`
				Text        string  `json:"text"`
				Score       float64 `json:"score"`
				Similarity  float64 `json:"similarity"`
				BM25        float64 `json:"bm25"`
				VectorRank  int     `json:"vector_rank"`
				LexicalRank int     `json:"lexical_rank"`
			}
			out := struct {
				Query    string  `json:"query"`
				Covered  bool    `json:"covered"`
				Coverage float64 `json:"coverage"`
				Hits     []hit   `json:"hits"`
			}{Query: query, Covered: res.Covered, Coverage: res.Coverage, Hits: []hit{}}
			for i, h := range res.Hits {
				out.Hits = append(out.Hits, hit{i + 1, h.Chunk.ID, h.Chunk.ArticleTitle, h.Chunk.ArticleID,
					h.Chunk.ArticleURL, h.Chunk.ArticlePublished, h.Chunk.Section,
					h.Chunk.Text, h.Score, h.Similarity, h.BM25, h.VectorRank, h.LexicalRank})
			}
			return writeJSON(e.stdout, out)
		}
		named := severalStories(svc)
		// Over a collection, unless --article picked one story, the search
		// was of all its articles, as the refusals word it.
		verdict := map[[2]bool]string{
			{true, false}: "the article covers this", {false, false}: "the article does not seem to cover this",
			{true, true}: "these articles cover this", {false, true}: "these articles do not seem to cover this",
		}[[2]bool{res.Covered, named && cl.article == ""}]
		top := fmt.Sprintf("Top %d passages", len(res.Hits))
		if len(res.Hits) == 1 {
			top = "Top passage"
		}
		fmt.Fprintf(e.stdout, "%s (%s; %.0f%% of the query's words found):\n", top, verdict, 100*res.Coverage)
		for i, h := range res.Hits {
			fmt.Fprintf(e.stdout, "\n%d. %s  score %.4f (cosine %.3f, bm25 %.2f)  %s\n   “%s”\n",
				i+1, sourceWhere(h.Chunk.ArticleTitle, h.Chunk.Section, named), h.Score, h.Similarity, h.BM25, h.Chunk.ID,
				corpus.Quote(h.Chunk.Text, quoteLen))
			if line := storyLine(h.Chunk.ArticleURL, h.Chunk.ArticlePublished); line != "" {
				fmt.Fprintln(e.stdout, "   "+line)
			}
		}
		return nil
	},
}

var summaryCmd = &command{
	name:    "summary",
	summary: "Summarise the article, or one section of it, with citations.",
	flags: func(fs *flag.FlagSet, cl *cli) {
		fs.StringVar(&cl.length, "length", "medium", "the summary's `LENGTH`: short, medium or long")
		fs.StringVar(&cl.section, "section", "", "summarise only the section `NAME`")
		fs.StringVar(&cl.article, "article", "", "summarise one story: its `ID` or title (without it, a collection gets an overview)")
		fs.BoolVar(&cl.json, "json", false, `print one JSON object: {"length","section" (when given),"summary","drafter","usage","note","flags","sources":[…as ask's]}`)
	},
	run: func(ctx context.Context, e *env, cl *cli, args []string) error {
		if len(args) != 0 {
			return cl.usagef("summary takes no arguments, got %q", args)
		}
		length, err := bot.ParseLength(cl.length)
		if err != nil {
			return cl.usagef("%v", err)
		}
		svc, err := cl.service(ctx, e)
		if err != nil {
			return err
		}
		sum, err := svc.SummarizeArticle(ctx, length, cl.section, cl.article)
		if err != nil {
			return cl.serviceError(err)
		}
		if cl.json {
			return writeJSON(e.stdout, sum)
		}
		fmt.Fprintln(e.stdout, sum.Text)
		printSources(e.stdout, sum.Sources, severalStories(svc))
		return nil
	},
}
