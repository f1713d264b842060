// Package bind reads requests into values: JSON bodies (at most
// MaxBodyBytes, UTF-8, one object), RFC 3339 times and numeric ids.
package bind

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
)

// MaxBodyBytes caps every request body: 1 MiB. It is the one statement of
// the limit; the body-limit middleware, JSON binding and the 413 message
// all read it.
const MaxBodyBytes = 1 << 20

// malformedBody is a body that is not the JSON asked for (as opposed to
// well-formed JSON with bad values); it is answered with 400. It is a
// validation failure (fault.Invalid) that also carries, where there is
// one, the decoder's own error (*json.SyntaxError, *json.UnmarshalTypeError).
type malformedBody struct {
	fault *fault.Error
	cause error
}

func (m *malformedBody) Error() string { return m.fault.Error() }

// Unwrap exposes the validation failure and the decoder's error to
// errors.Is and errors.As.
func (m *malformedBody) Unwrap() []error {
	if m.cause == nil {
		return []error{m.fault}
	}
	return []error{m.fault, m.cause}
}

// IsMalformed reports whether err is a body that could not be decoded.
func IsMalformed(err error) bool {
	var m *malformedBody
	return errors.As(err, &m)
}

// JSON decodes the request body into dst (a pointer to a struct or to a
// slice of structs) as Decode does, and returns every value of the wrong
// type and every unknown key at once as a fault.Invalid error (422)
// naming each by its JSON path.
func JSON(c echo.Context, dst any) error {
	var f fault.Fields
	if err := Decode(c, dst, &f); err != nil {
		return err
	}
	return f.Err()
}

// Decode reads the request body into dst (a pointer to a struct or to a
// slice of structs), recording in f each value of the wrong type and each
// key that is not a field of the request (NotAField), at any depth, under
// its JSON path (sessions[0].capacity) so that the caller can add the rule
// errors it finds and answer them all at once. It returns a malformed-body
// error (400) for what cannot be read as the object asked for: a body over
// 1 MiB (413), one that ends before its Content-Length, not UTF-8, empty, not JSON, more than one value, a key
// named twice in one object, or a key that matches a field only when case
// is ignored.
func Decode(c echo.Context, dst any, f *fault.Fields) error {
	r := c.Request()
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	}
	if err != nil {
		// The client sent less than it promised (a truncated body, a
		// dropped or stalled upload): its fault, not the server's, so a
		// 400 rather than a 5xx logged as an error.
		return Malformed("body", "could not be read in full (was it cut short?)", err)
	}
	if !utf8.Valid(body) {
		return Malformed("body", "must be UTF-8 JSON", nil)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return Malformed("body", "is empty; send a JSON object", nil)
	}
	if err := checkKeys(body); err != nil {
		return err
	}
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("bind: decode into %T, not a pointer", dst)
	}
	return decodeValue(body, v.Elem(), "", f)
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return Malformed(field, "must be a "+jsonTypeName(typeErr.Type.Kind().String()), err)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return Malformed("body", fmt.Sprintf("is not valid JSON (at byte %d)", syntaxErr.Offset), err)
	}
	return Malformed("body", "is not valid JSON", err)
}

func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "whole number"
	case strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "slice":
		return "list"
	case kind == "struct", kind == "map":
		return "JSON object"
	case kind == "bool":
		return "true or false"
	}
	return kind
}

// Malformed says what is wrong with the body's field; cause is the
// decoder's error, or nil when the body never reached the decoder.
func Malformed(field, message string, cause error) error {
	return &malformedBody{cause: cause, fault: &fault.Error{Code: fault.Invalid,
		Message: "request body is not valid JSON", Fields: map[string]string{field: message}}}
}

// TimeField parses an RFC 3339 instant, recording a message for field in f
// when it is not one. An empty value is the zero time.
func TimeField(f *fault.Fields, field, value string) time.Time {
	if value == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		f.Add(field, "must be an RFC 3339 time such as 2027-09-22T18:00:00+01:00")
		return time.Time{}
	}
	return t.UTC()
}

// IDParam parses a numeric path parameter; anything else is not found.
func IDParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.New(fault.NotFound, "%s not found", name)
	}
	return id, nil
}

// Str returns the string p points to, or "" for nil.
func Str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
