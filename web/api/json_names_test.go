package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// snakeCase is the API's one naming rule for JSON keys.
var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestJSONNamesAreSnakeCase reads every struct declared in the API's
// packages (requests, responses and the error body) from source, so a
// type added later is checked too: each exported field must name its key
// with a snake_case json tag. web/server's tests check the keys of every
// real /api/v1 response they see as well (checkSnakeCase), which catches
// a domain type sent as it is.
func TestJSONNamesAreSnakeCase(t *testing.T) {
	// In web/api every struct is JSON; httperr also holds an HTML page's
	// data, so there only structs with a json tag somewhere are.
	dirs := map[string]bool{".": true, "../internal/httperr": false}
	structs := 0
	for dir, allJSON := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				spec, ok := n.(*ast.TypeSpec)
				if !ok {
					return true
				}
				st, ok := spec.Type.(*ast.StructType)
				if !ok || spec.Name.Name == "handlers" || (!allJSON && !hasJSONTag(st)) {
					return true
				}
				structs++
				for _, field := range st.Fields.List {
					checkField(t, name+": "+spec.Name.Name, field)
				}
				return true
			})
		}
	}
	if structs < 15 {
		t.Fatalf("found only %d structs; the source walk is broken", structs)
	}
}

func checkField(t *testing.T, where string, field *ast.Field) {
	t.Helper()
	if len(field.Names) == 0 {
		t.Errorf("%s embeds a type: its keys would be its own", where)
		return
	}
	for _, ident := range field.Names {
		if !ident.IsExported() {
			continue
		}
		if field.Tag == nil {
			t.Errorf("%s.%s has no json tag, so its key would be %q", where, ident.Name, ident.Name)
			continue
		}
		tag, err := strconv.Unquote(field.Tag.Value)
		if err != nil {
			t.Fatal(err)
		}
		key, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
		if key == "-" {
			continue
		}
		if !snakeCase.MatchString(key) {
			t.Errorf("%s.%s is sent as %q, not snake_case", where, ident.Name, key)
		}
	}
}

func hasJSONTag(st *ast.StructType) bool {
	for _, field := range st.Fields.List {
		if field.Tag != nil && strings.Contains(field.Tag.Value, "json:") {
			return true
		}
	}
	return false
}
