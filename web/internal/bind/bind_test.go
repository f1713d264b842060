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
		{name: "a key named twice", body: `{"seats": 1, "seats": 2}`, malformed: true, field: "seats"},
		{name: "a key named twice inside a list", body: `{"items": [{"a": 1, "a": 1}]}`, malformed: true, field: "items[0].a"},
		{name: "a key in the wrong case", body: `{"Seats": 2}`, malformed: true, field: "Seats"},
		{name: "nested too deeply", body: strings.Repeat("[", 40) + strings.Repeat("]", 40), malformed: true, field: "body"},
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
	t.Run("every value of the wrong type is named at once, with its path", func(t *testing.T) {
		type session struct {
			StartsAt *string `json:"starts_at"`
			Capacity *int    `json:"capacity"`
		}
		type event struct {
			Title    *string   `json:"title"`
			Price    *int64    `json:"price_cents"`
			Hosts    []string  `json:"hosts"`
			Sessions []session `json:"sessions"`
			Unknown  string    `json:"-"`
		}
		body := `{"title": 7, "price_cents": 49.5, "hosts": ["a@example.com", 3], "extra": true,
			"sessions": [{"starts_at": "2027-01-01T10:00:00Z", "capacity": 3}, {"starts_at": false, "capacity": "ten"}]}`
		req := httptest.NewRequest(http.MethodPost, "/api/v1/admin/events", strings.NewReader(body))
		c := echo.New().NewContext(req, httptest.NewRecorder())
		var got event
		err := bind.JSON(c, &got)
		if bind.IsMalformed(err) {
			t.Fatalf("JSON = %v, want a 422 validation error", err)
		}
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid {
			t.Fatalf("JSON = %v, want fault.Invalid", err)
		}
		want := map[string]string{
			"title": "must be a string", "price_cents": "must be a whole number", "hosts": "must be a list of strings",
			"sessions[1].starts_at": "must be a string", "sessions[1].capacity": "must be a whole number",
			"extra": bind.NotAField,
		}
		if len(fe.Fields) != len(want) {
			t.Errorf("fields = %v, want %v", fe.Fields, want)
		}
		for field, message := range want {
			if fe.Fields[field] != message {
				t.Errorf("fields[%q] = %q, want %q", field, fe.Fields[field], message)
			}
		}
		if len(got.Sessions) != 2 || got.Sessions[0].Capacity == nil || *got.Sessions[0].Capacity != 3 {
			t.Errorf("the good values were not kept: %+v", got.Sessions)
		}
	})
	t.Run("a list body is read item by item", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPut, "/questions", strings.NewReader(`[{"seats": 1}, {"seats": "x"}]`))
		c := echo.New().NewContext(req, httptest.NewRecorder())
		var got []request
		var f fault.Fields
		if err := bind.Decode(c, &got, &f); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Seats != 1 || f["[1].seats"] == "" {
			t.Errorf("got %+v, fields %v", got, f)
		}
	})
	t.Run("structs reached through maps and lists are as strict as the body", func(t *testing.T) {
		type interval struct {
			Start string `json:"start"`
			End   string `json:"end"`
		}
		type week struct {
			Zone   string                           `json:"timezone"`
			Weekly map[string][]interval            `json:"weekly"`
			Nested map[string]map[string][]interval `json:"nested"`
			Ptrs   []*interval                      `json:"ptrs"`
		}
		for _, tt := range []struct {
			name, body, field, message string
			malformed                  bool
		}{
			{"a case variant of a key inside a map's list", `{"weekly": {"mon": [{"start": "09:00", "end": "17:00", "End": "18:00"}]}}`,
				"weekly.mon[0].End", "case-sensitive", true},
			{"a case variant two maps deep", `{"nested": {"a": {"b": [{"START": "09:00"}]}}}`, "nested.a.b[0].START", "case-sensitive", true},
			{"an unknown key inside a map's list", `{"weekly": {"tue": [{"start": "09:00", "end": "17:00", "lunch": true}]}}`,
				"weekly.tue[0].lunch", bind.NotAField, false},
			{"an unknown key behind a pointer in a list", `{"ptrs": [{"start": "09:00", "seat": 2}]}`, "ptrs[0].seat", bind.NotAField, false},
			{"a wrong type inside a map's list", `{"weekly": {"wed": [{"start": 9}]}}`, "weekly.wed[0].start", "must be a string", false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodPut, "/availability", strings.NewReader(tt.body))
				c := echo.New().NewContext(req, httptest.NewRecorder())
				var got week
				err := bind.JSON(c, &got)
				if bind.IsMalformed(err) != tt.malformed {
					t.Fatalf("JSON = %v, malformed %v, want %v", err, bind.IsMalformed(err), tt.malformed)
				}
				var fe *fault.Error
				if !errors.As(err, &fe) || !strings.Contains(fe.Fields[tt.field], tt.message) {
					t.Errorf("JSON = %v (fields %v), want %s: %s", err, fe, tt.field, tt.message)
				}
			})
		}
		t.Run("good values through maps are kept", func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPut, "/availability", strings.NewReader(`{"timezone": "UTC", "weekly": {"mon": [{"start": "09:00", "end": "17:00"}]}}`))
			c := echo.New().NewContext(req, httptest.NewRecorder())
			var got week
			if err := bind.JSON(c, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Weekly["mon"]) != 1 || got.Weekly["mon"][0].End != "17:00" {
				t.Errorf("got %+v", got)
			}
		})
	})
	t.Run("the fields of an embedded struct are keys of the body", func(t *testing.T) {
		type common struct {
			Name string `json:"name"`
		}
		type request struct {
			common
			Seats int `json:"seats"`
		}
		req := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(`{"name": "Ada", "seats": 2}`))
		c := echo.New().NewContext(req, httptest.NewRecorder())
		var got request
		if err := bind.JSON(c, &got); err != nil || got.Name != "Ada" || got.Seats != 2 {
			t.Errorf("got %+v, err %v", got, err)
		}
	})
	t.Run("a validation error is not a malformed body", func(t *testing.T) {
		if bind.IsMalformed(fault.New(fault.Invalid, "request body is not valid JSON")) {
			t.Error("a fault with the same message counts as malformed")
		}
	})
}
