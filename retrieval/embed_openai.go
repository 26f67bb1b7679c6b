package retrieval

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/articlebot/articlebot/internal/openaiclient"
)

// OpenAIEmbedder embeds text with an OpenAI-compatible embeddings API. It
// sends many texts per request, within the API's limits, and returns unit
// vectors. chromem-go's own OpenAI functions send one text per request and
// have no timeout, so the index is given these vectors precomputed.
type OpenAIEmbedder struct {
	client *openaiclient.Client
	model  string
	// BatchSize is the most texts one request carries (the API allows
	// 2048); BatchChars the most characters, well under its 300,000-token
	// limit per request.
	BatchSize, BatchChars int
	// MaxInputTokens is the most tokens the model takes in one input;
	// longer texts are cut to fit (see cutInput).
	MaxInputTokens int
	// Progress, when set, is told how many texts are embedded after each
	// request of EmbedDocuments.
	Progress func(done, total int)

	mu      sync.Mutex
	queries map[string]prefetched // embedded by Prefetch, awaiting Embed
}

// prefetched is a query's vector, or why it couldn't be had: a failed
// prefetch is not retried once more for each query.
type prefetched struct {
	vec []float32
	err error
}

// Default batch limits.
const (
	DefaultEmbedBatchSize  = 512
	DefaultEmbedBatchChars = 400_000
	// DefaultMaxInputTokens is what one input of OpenAI's embedding
	// models may hold.
	DefaultMaxInputTokens = 8191
	// maxPrefetched bounds the query vectors kept by Prefetch.
	maxPrefetched = 256
)

// NewOpenAIEmbedder embeds with model through client.
func NewOpenAIEmbedder(client *openaiclient.Client, model string) *OpenAIEmbedder {
	return &OpenAIEmbedder{client: client, model: model, BatchSize: DefaultEmbedBatchSize, BatchChars: DefaultEmbedBatchChars,
		MaxInputTokens: DefaultMaxInputTokens}
}

// Model names the embedding model.
func (e *OpenAIEmbedder) Model() string { return e.model }

// Embed embeds one text, such as a query, in one request, unless Prefetch
// already embedded it. It has chromem-go's EmbeddingFunc shape.
func (e *OpenAIEmbedder) Embed(ctx context.Context, text string) ([]float32, error) {
	e.mu.Lock()
	p, ok := e.queries[text]
	delete(e.queries, text)
	e.mu.Unlock()
	if ok {
		return p.vec, p.err
	}
	vecs, err := e.request(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return vecs[0], nil
}

// Prefetch embeds several queries in one request, for the Embed calls that
// will follow; a compound question's parts cost one request, not one each.
func (e *OpenAIEmbedder) Prefetch(ctx context.Context, texts []string) error {
	vecs, err := e.EmbedDocuments(ctx, texts)
	e.mu.Lock()
	defer e.mu.Unlock()
	// Other questions' prefetched parts, answered concurrently, stay until
	// their Embed takes them. Parts never asked for (a search that failed
	// first) are dropped wholesale when too many pile up.
	if e.queries == nil || len(e.queries) > maxPrefetched {
		e.queries = make(map[string]prefetched, len(texts))
	}
	for i, t := range texts {
		if err != nil {
			e.queries[t] = prefetched{err: err}
		} else {
			e.queries[t] = prefetched{vec: vecs[i]}
		}
	}
	return err
}

// EmbedDocuments embeds texts in as few requests as the batch limits allow,
// returning unit vectors in the texts' order.
func (e *OpenAIEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); {
		end, chars := start, 0
		for end < len(texts) && end-start < max(e.BatchSize, 1) {
			n := len(e.cutInput(texts[end]))
			if end > start && chars+n > e.BatchChars {
				break
			}
			chars += n
			end++
		}
		vecs, err := e.request(ctx, texts[start:end])
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
		start = end
		if e.Progress != nil {
			e.Progress(len(out), len(texts))
		}
	}
	return out, nil
}

// cutInput cuts text to fit the model's input limit, on a character
// boundary, so the API neither refuses the batch nor sees a broken UTF-8
// sequence. The tokenizer is the server's, so the bound must hold for any:
// every token of a byte-level BPE (and of WordPiece) covers at least one
// byte, so a text of at most MaxInputTokens bytes, less room for the
// special tokens some models add, has at most that many tokens. English
// runs at about four bytes a token, so the cut keeps a quarter of what the
// model could take, and only texts far longer than a passage are cut.
func (e *OpenAIEmbedder) cutInput(text string) string {
	limit := max(e.MaxInputTokens-inputSpecialTokens, 1)
	if len(text) <= limit {
		return text
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// inputSpecialTokens is room left for the tokens a model adds to an input
// (BERT-style embedders add [CLS] and [SEP]).
const inputSpecialTokens = 8

// request embeds one batch.
func (e *OpenAIEmbedder) request(ctx context.Context, texts []string) ([][]float32, error) {
	inputs := make([]string, len(texts))
	for i, t := range texts {
		t = e.cutInput(t)
		if t == "" {
			// The API rejects empty input; a space embeds as "nothing".
			t = " "
		}
		inputs[i] = t
	}
	var resp openai.EmbeddingResponse
	err := e.client.Do(ctx, func(ctx context.Context) error {
		var err error
		resp, err = e.client.API.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
			Input: inputs, Model: openai.EmbeddingModel(e.model),
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't embed %d texts with %s: %w", len(texts), e.model, err)
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("couldn't embed with %s: got %d embeddings for %d texts", e.model, len(resp.Data), len(texts))
	}
	// The API says which input each embedding belongs to; don't trust order.
	sort.Slice(resp.Data, func(i, j int) bool { return resp.Data[i].Index < resp.Data[j].Index })
	vecs := make([][]float32, len(texts))
	for i, d := range resp.Data {
		if d.Index != i || len(d.Embedding) == 0 || len(d.Embedding) != len(resp.Data[0].Embedding) {
			return nil, fmt.Errorf("couldn't embed with %s: malformed embedding %d", e.model, d.Index)
		}
		vecs[i] = Normalize(d.Embedding)
	}
	return vecs, nil
}
