package bot_test

import (
	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/bot/openaichat"
	"github.com/articlebot/articlebot/bot/retrievalindex"
	"github.com/articlebot/articlebot/internal/openaiclient"
	"github.com/articlebot/articlebot/retrieval"
)

func init() {
	bot.SetTestAdapters(
		func(ix *retrieval.Index) bot.Retriever { return retrievalindex.New(ix) },
		func(client *openaiclient.Client, model string) bot.Drafter { return openaichat.New(client, model) },
	)
}
