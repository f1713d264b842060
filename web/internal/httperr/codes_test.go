package httperr

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/roster-app/roster/fault"
)

// faultCodes reads every Code constant declared in package fault's source,
// so a code added there without a status here fails this test instead of
// reaching a client as a 500.
func faultCodes(t *testing.T) []fault.Code {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "fault", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("fault sources not found: %v", err)
	}
	var codes []fault.Code
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok || spec.Type == nil || types(spec.Type) != "Code" {
				return true
			}
			for _, v := range spec.Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					codes = append(codes, fault.Code(s))
				}
			}
			return true
		})
	}
	if len(codes) < 10 {
		t.Fatalf("found only %d fault codes in %v; the parser missed them", len(codes), files)
	}
	return codes
}

func types(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func TestEveryFaultCodeHasAStatus(t *testing.T) {
	for _, code := range faultCodes(t) {
		t.Run(string(code), func(t *testing.T) {
			if got := StatusOf(code); got == http.StatusInternalServerError {
				t.Errorf("StatusOf(%q) = 500: map the code to the status its meaning calls for", code)
			}
		})
	}
}
