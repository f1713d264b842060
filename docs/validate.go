package docs

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	liberrors "github.com/pb33f/libopenapi-validator/errors"
)

// ValidateResponse checks a response the server gave against the document:
// that the path and method are documented, that the status is one the
// operation lists, and that the body has the documented content type and
// matches its schema. path is the request's path as sent, with real values
// for parameters and optionally a query (/api/v1/bookings/CCL-7KQ2M9?t=…).
//
// It returns nil when the response agrees with the document, and otherwise
// an error naming every disagreement. Safe for concurrent use.
func ValidateResponse(method, path string, status int, contentType string, body []byte) error {
	s, err := loadSpec()
	if err != nil {
		return err
	}
	return s.validateResponse(method, path, status, contentType, body)
}

// CheckResponse is ValidateResponse for a request and the response to it,
// such as an httptest.ResponseRecorder's Result(). It reads resp.Body and
// leaves in its place a reader of the same bytes.
func CheckResponse(req *http.Request, resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("read response body: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return ValidateResponse(req.Method, req.URL.RequestURI(), resp.StatusCode, resp.Header.Get("Content-Type"), body)
}

func (s *spec) validateResponse(method, path string, status int, contentType string, body []byte) error {
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("path %q must start with /", path)
	}
	// The document's server is http://localhost:8080; the host only has to
	// match it for the path to be found.
	req := httptest.NewRequest(method, "http://localhost:8080"+path, nil)
	resp := &http.Response{
		StatusCode: status,
		Header:     http.Header{},
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    req,
	}
	if contentType != "" {
		resp.Header.Set("Content-Type", contentType)
	}
	s.mu.Lock()
	ok, problems := s.validator.ValidateHttpResponse(req, resp)
	s.mu.Unlock()
	if ok && len(problems) == 0 {
		return nil
	}
	return &ResponseError{Method: method, Path: path, Status: status, Problems: describe(problems)}
}

// ResponseError says how a response disagrees with the document.
type ResponseError struct {
	Method   string
	Path     string
	Status   int
	Problems []string
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("%s %s -> %d does not match docs/openapi.yaml:\n\t%s",
		e.Method, e.Path, e.Status, strings.Join(e.Problems, "\n\t"))
}

// describe turns the validator's findings into one line per problem, with
// the schema's own complaint (which field, which rule) where there is one.
func describe(problems []*liberrors.ValidationError) []string {
	if len(problems) == 0 {
		return []string{"rejected without a reason"}
	}
	var out []string
	for _, p := range problems {
		line := p.Message
		if p.Reason != "" {
			line += ": " + p.Reason
		}
		for _, se := range p.SchemaValidationErrors {
			if se == nil {
				continue
			}
			line += fmt.Sprintf(" [%s: %s]", se.FieldPath, se.Reason)
		}
		out = append(out, line)
	}
	return out
}
