package docs

import (
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// TestOpenAPIDocumentIsValid holds docs/openapi.yaml to the OpenAPI 3.1
// specification's own schema, and checks that it resolves into a model.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc, err := libopenapi.NewDocument(OpenAPI())
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if got, want := doc.GetVersion(), "3.1.0"; got != want {
		t.Errorf("openapi version = %q, want %q", got, want)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("build validator: %v", errs)
	}
	if ok, problems := v.ValidateDocument(); !ok {
		for _, p := range problems {
			t.Errorf("openapi.yaml: %s", p.Error())
		}
	}
	if _, err := loadSpec(); err != nil {
		t.Fatalf("load: %v", err)
	}
}

func TestOperations(t *testing.T) {
	ops, err := Operations()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("every operation has a unique operationId", func(t *testing.T) {
		seen := map[string]Operation{}
		for _, op := range ops {
			if op.ID == "" {
				t.Errorf("%s %s has no operationId", op.Method, op.Path)
			}
			if prev, dup := seen[op.ID]; dup {
				t.Errorf("operationId %q used by %s %s and %s %s", op.ID, prev.Method, prev.Path, op.Method, op.Path)
			}
			seen[op.ID] = op
		}
	})
	t.Run("coach token exactly on the admin routes", func(t *testing.T) {
		for _, op := range ops {
			if admin := strings.HasPrefix(op.Path, "/api/v1/admin/"); admin != op.Coach {
				t.Errorf("%s %s: needs coach token = %v, want %v", op.Method, op.Path, op.Coach, admin)
			}
		}
	})
	t.Run("lists known routes in Echo form", func(t *testing.T) {
		have := map[string]bool{}
		for _, op := range ops {
			have[op.Method+" "+op.EchoPath()] = true
		}
		for _, want := range []string{
			"GET /api/v1/events",
			"GET /api/v1/events/:slug",
			"POST /api/v1/bookings",
			"GET /api/v1/bookings/:ref",
			"PATCH /api/v1/admin/sessions/:id",
			"POST /api/v1/admin/sessions/:id/message",
			"GET /api/v1/admin/outbox",
		} {
			if !have[want] {
				t.Errorf("Operations() lacks %s", want)
			}
		}
	})
}

func TestEchoPath(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"/api/v1/events", "/api/v1/events"},
		{"/api/v1/events/{slug}", "/api/v1/events/:slug"},
		{"/api/v1/events/{slug}/sessions/{id}/x", "/api/v1/events/:slug/sessions/:id/x"},
	} {
		if got := (Operation{Path: tc.path}).EchoPath(); got != tc.want {
			t.Errorf("EchoPath(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
