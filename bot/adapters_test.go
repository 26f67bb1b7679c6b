package bot

import (
	"github.com/articlebot/articlebot/internal/openaiclient"
	"github.com/articlebot/articlebot/retrieval"
)

// The service's own tests run over the real index and, in LLM mode, draft
// through the real OpenAI adapter over the fake API. Package bot can't
// import those adapters (they import it), so adapters_ext_test.go, an
// external test file compiled into the same test binary, hands them in
// with SetTestAdapters before any test runs.
var (
	testRetriever func(*retrieval.Index) Retriever
	testDrafter   func(client *openaiclient.Client, model string) Drafter
)

// SetTestAdapters sets the adapters the package's tests build services
// with.
func SetTestAdapters(r func(*retrieval.Index) Retriever, d func(*openaiclient.Client, string) Drafter) {
	testRetriever, testDrafter = r, d
}
