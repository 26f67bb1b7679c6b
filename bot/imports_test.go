package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The answering service owns its seams: it imports no adapter (the OpenAI
// client, chromem-go, Discord, or the packages that serve its interfaces),
// and names none of retrieval's index types, only its text analysis.
func TestCoreImportsNoAdapter(t *testing.T) {
	forbidden := []string{
		"github.com/sashabaranov/go-openai", "github.com/philippgille/chromem-go", "github.com/bwmarrin/discordgo",
		"github.com/articlebot/articlebot/internal/openaiclient", "github.com/articlebot/articlebot/bot/",
	}
	// Packages under bot/ that wrap no technology: general lexical
	// resources the answering service reads, not adapters of its seams.
	resources := map[string]bool{"github.com/articlebot/articlebot/bot/nountype": true}
	indexTypes := map[string]bool{"Index": true, "Result": true, "Hit": true, "Query": true, "Build": true, "ErrUnknownStory": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if resources[path] {
				continue
			}
			for _, p := range forbidden {
				if path == p || strings.HasPrefix(path, p) && strings.HasSuffix(p, "/") {
					t.Errorf("%s imports %s", name, path)
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "retrieval" && indexTypes[sel.Sel.Name] {
					t.Errorf("%s: retrieval.%s: the service uses its own Retriever types", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}
