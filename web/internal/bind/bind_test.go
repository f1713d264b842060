package bind_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

func TestJSON(t *testing.T) {
	type request struct {
		Seats int    `json:"seats"`
		Name  string `json:"name"`
	}
	tests := []struct {
		name      string
		body      string
		malformed bool   // answered 400 rather than 422
		field     string // the field named, if any
		cause     any    // the decoder error carried, if any
	}{
		{name: "cut short", body: `{"seats": `, malformed: true, field: "body"},
		{name: "a good body", body: `{"seats": 2, "name": "Ada"}`},
		{name: "not JSON", body: `{"seats": 2,,}`, malformed: true, field: "body", cause: new(*json.SyntaxError)},
		{name: "a wrong type", body: `{"seats": "two"}`, malformed: true, field: "seats", cause: new(*json.UnmarshalTypeError)},
		{name: "empty", body: ` `, malformed: true, field: "body"},
		{name: "two objects", body: `{} {}`, malformed: true, field: "body"},
		{name: "not UTF-8", body: "{\"name\": \"\xff\"}", malformed: true, field: "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/bookings", strings.NewReader(tt.body))
			c := echo.New().NewContext(req, httptest.NewRecorder())
			var got request
			err := bind.JSON(c, &got)
			if !tt.malformed {
				if err != nil {
					t.Fatalf("JSON = %v, want nil", err)
				}
				return
			}
			if !bind.IsMalformed(err) {
				t.Fatalf("IsMalformed(%v) = false", err)
			}
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Fields[tt.field] == "" {
				t.Errorf("error %v does not name field %q as invalid", err, tt.field)
			}
			if tt.cause != nil && !errors.As(err, tt.cause) {
				t.Errorf("error %v does not carry the decoder's %T", err, tt.cause)
			}
		})
	}
	t.Run("a validation error is not a malformed body", func(t *testing.T) {
		if bind.IsMalformed(fault.New(fault.Invalid, "request body is not valid JSON")) {
			t.Error("a fault with the same message counts as malformed")
		}
	})
}
