package docs_test

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/docs"
)

// The route-coverage test: every /api/v1 route Echo serves is documented,
// and every documented operation is served.
func ExampleOperations() {
	e := echo.New()
	noop := func(echo.Context) error { return nil }
	e.GET("/api/v1/events", noop)
	e.GET("/api/v1/events/:slug", noop)

	ops, err := docs.Operations()
	if err != nil {
		panic(err)
	}
	documented := map[string]bool{}
	for _, op := range ops {
		documented[op.Method+" "+op.EchoPath()] = true
	}
	for _, r := range e.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/") && !documented[r.Method+" "+r.Path] {
			fmt.Println("undocumented:", r.Method, r.Path)
		}
	}
	fmt.Println(documented[http.MethodGet+" /api/v1/events/:slug"])
	// Output: true
}

// A handler test checks its recorded response against the document.
func ExampleValidateResponse() {
	err := docs.ValidateResponse(http.MethodGet, "/api/v1/bookings/CCL-7KQ2M9?t=secret", http.StatusNotFound,
		"application/json", []byte(`{"error": {"code": "not_found", "message": "booking not found"}}`))
	fmt.Println(err)
	// Output: <nil>
}
