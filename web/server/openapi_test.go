package server_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/roster-app/roster/docs"
	"github.com/roster-app/roster/web/server"
)

// TestOpenAPICoverage holds docs/openapi.yaml and the server's /api/v1
// routes to each other: a route Echo serves that the document does not
// describe fails, and so does an operation the document names that no
// route serves. The routes are read from the assembled server's own table.
func TestOpenAPICoverage(t *testing.T) {
	s := newSweepEnv(t, server.Config{BaseURL: "http://roster.test"})
	served := map[string]bool{}
	for _, r := range s.echo.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/") && sweepMethods[r.Method] {
			served[r.Method+" "+r.Path] = true
		}
	}
	ops, err := docs.Operations()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, op := range ops {
		documented[op.Method+" "+op.EchoPath()] = true
	}
	if len(served) < 25 || len(documented) < 25 {
		t.Fatalf("found %d served and %d documented /api/v1 routes; the discovery is broken", len(served), len(documented))
	}
	for _, route := range sortedKeys(served) {
		if !documented[route] {
			t.Errorf("%s is served but not in docs/openapi.yaml", route)
		}
	}
	for _, route := range sortedKeys(documented) {
		if !served[route] {
			t.Errorf("%s is in docs/openapi.yaml but no route serves it", route)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
