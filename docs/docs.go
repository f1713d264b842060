// Package docs holds Roster's API description, docs/openapi.yaml (OpenAPI
// 3.1), embedded in the binary, and helpers that let tests hold the server
// to it: the list of documented operations, and a check of a real response
// against the documented status codes, content types and schemas.
//
// docs/api.md is the readable guide to the same API; docs/design.md is the
// architecture document.
package docs

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi/datamodel"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI returns the OpenAPI 3.1 document, as YAML. The caller may change
// the returned slice.
func OpenAPI() []byte { return bytes.Clone(openAPI) }

// Operation is one documented method on one path.
type Operation struct {
	Method string // upper case: "GET", "POST", …
	Path   string // OpenAPI form: /api/v1/events/{slug}
	ID     string // the operationId
	// Coach is true when the operation needs a coach API token.
	Coach bool
}

var pathParam = regexp.MustCompile(`\{([^/{}]+)\}`)

// EchoPath is Path in Echo's route form, /api/v1/events/:slug, so that the
// operations can be compared with echo.Echo.Routes().
func (o Operation) EchoPath() string { return pathParam.ReplaceAllString(o.Path, ":$1") }

// spec is the parsed document and its validator, built once: the document
// is a constant of the binary.
type spec struct {
	model     *v3.Document
	validator validator.Validator
	// mu serialises validation: the validator's caches are not documented
	// as safe for concurrent use, and tests run in parallel.
	mu sync.Mutex
}

var loadSpec = sync.OnceValues(func() (*spec, error) { return parse(openAPI) })

// parse builds the model of a document and a validator for it. It fails if
// the document breaks the OpenAPI specification's schema or does not
// resolve (a dangling $ref).
func parse(yaml []byte) (*spec, error) {
	cfg := datamodel.NewDocumentConfiguration()
	// What goes wrong is returned; the library's log would only repeat it.
	cfg.Logger = slog.New(slog.DiscardHandler)
	doc, err := libopenapi.NewDocumentWithConfiguration(yaml, cfg)
	if err != nil {
		return nil, fmt.Errorf("parse openapi.yaml: %w", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("build openapi.yaml model: %w", err)
	}
	// In OpenAPI 3.1 "format" is only an annotation unless asserted; Roster's
	// times must be RFC 3339, so check them.
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi.yaml validator: %w", errors.Join(errs...))
	}
	if ok, problems := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("openapi.yaml breaks the OpenAPI specification:\n\t%s", strings.Join(describe(problems), "\n\t"))
	}
	return &spec{model: &model.Model, validator: v}, nil
}

// Operations returns every operation the document describes, sorted by
// path and then method. It returns an error only if the embedded document
// cannot be parsed.
func Operations() ([]Operation, error) {
	s, err := loadSpec()
	if err != nil {
		return nil, err
	}
	return s.operations(), nil
}

func (s *spec) operations() []Operation {
	var out []Operation
	if s.model.Paths == nil {
		return out
	}
	coachOnly := func(op *v3.Operation) bool {
		reqs := op.Security
		if reqs == nil {
			reqs = s.model.Security
		}
		for _, req := range reqs {
			if req.Requirements == nil {
				continue
			}
			if _, ok := req.Requirements.Get("coachToken"); ok {
				return true
			}
		}
		return false
	}
	for path, item := range s.model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			out = append(out, Operation{Method: strings.ToUpper(method), Path: path, ID: op.OperationId, Coach: coachOnly(op)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}
