package main

import "github.com/articlebot/articlebot/retrieval"

// defaultExpand is the query expansion the CLI uses.
var defaultExpand = retrieval.Expand
