package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// Request bodies are read strictly at every depth: a key that is not a
// field of the request is named in a 422, a case variant of a field's key
// in a 400, wherever the key sits (issue #21, findings 4 and 5).
func TestStrictRequestBodies(t *testing.T) {
	e := newEnv(t)
	e.createLab() // sessions 1 and 2
	for _, tt := range []struct {
		name, method, path, token, body string
		status                          int
		field, message                  string
	}{
		{"an unknown key of a booking is named, not ignored", "POST", "/api/v1/bookings", "",
			`{"session_id": 1, "name": "Ada", "email": "ada@example.com", "seat": 2}`,
			422, "seat", "is not a field of this request"},
		{"an unknown key inside a session of a new event is named by its path", "POST", "/api/v1/admin/events", e.jamesToken,
			`{"title": "Strict", "timezone": "Europe/London", "currency": "GBP", "sessions": [{"starts_at": "2027-09-22T18:00:00+01:00",
			"ends_at": "2027-09-22T20:00:00+01:00", "capacity": 3, "seats": 4}]}`,
			422, "sessions[0].seats", "is not a field of this request"},
		{"a case variant inside a day's hours is refused", "PUT", "/api/v1/admin/availability", e.jamesToken,
			`{"timezone": "Europe/London", "weekly": {"mon": [{"start": "09:00", "end": "17:00", "End": "18:00"}]}}`,
			400, "weekly.mon[0].End", "case-sensitive"},
		{"an unknown key inside a day's hours is named", "PUT", "/api/v1/admin/availability", e.jamesToken,
			`{"timezone": "Europe/London", "weekly": {"mon": [{"start": "09:00", "end": "17:00", "lunch": true}]}}`,
			422, "weekly.mon[0].lunch", "is not a field of this request"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do(tt.method, tt.path, tt.token, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			var got struct {
				Error struct {
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if msg := got.Error.Fields[tt.field]; !strings.Contains(msg, tt.message) {
				t.Errorf("fields %v, want %s: %s", got.Error.Fields, tt.field, tt.message)
			}
		})
	}
	t.Run("the refused hours were not saved", func(t *testing.T) {
		if _, body := e.do("GET", "/api/v1/admin/availability", e.jamesToken, ""); strings.Contains(body, "18:00") {
			t.Errorf("availability holds the case variant's value: %s", body)
		}
	})
}

// A body that ends before its Content-Length is the client's fault: 400
// with the error shape, logged below ERROR, not counted as a 5xx.
func TestTruncatedBodyIsTheClientsFault(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/bookings HTTP/1.1\r\nHost: roster.test\r\nContent-Type: application/json\r\n"+
		"Content-Length: 100\r\nConnection: close\r\n\r\n{\"session_id\":1")
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"code":"validation_failed"`) {
		t.Errorf("truncated body: %d %s, want 400 validation_failed", resp.StatusCode, body)
	}
	if logs := e.logs.String(); strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("a client's truncated body is logged as an error: %s", logs)
	}
	if _, metrics := e.do("GET", "/metrics", "", ""); strings.Contains(metrics, `code="5`) || strings.Contains(metrics, `status="5`) {
		t.Errorf("a truncated body counted as a 5xx")
	}
}

// One answer names every bad field: values of the wrong type together with
// the rules the domain finds broken in the rest (issue #21, finding 7).
func TestWrongTypesAndRuleErrorsInOneAnswer(t *testing.T) {
	e := newEnv(t)
	e.createLab() // sessions 1 and 2
	for _, tt := range []struct {
		name, path, token, body string
		fields                  []string
	}{
		{"a booking", "/api/v1/bookings", "",
			`{"session_id": 1, "name": "", "email": "not-an-email", "seats": "two"}`, []string{"seats", "name", "email"}},
		{"a booking with an unknown key", "/api/v1/bookings", "",
			`{"session_id": -1, "name": "Ada", "email": "x", "seat": 2}`, []string{"seat", "email", "session_id"}},
		{"a waitlist sign-up", "/api/v1/sessions/1/waitlist", "",
			`{"name": 7, "email": "not-an-email", "seats": 0}`, []string{"name", "email", "seats"}},
		{"a coaching booking", "/api/v1/coaching/career-chat/bookings", "",
			`{"start": 5, "name": "", "email": "nope"}`, []string{"start", "name", "email"}},
		{"a coach's message", "/api/v1/admin/sessions/1/message", e.jamesToken,
			`{"subject": ["x"], "body": ""}`, []string{"subject", "body"}},
		{"a move", "/api/v1/bookings/NOPE/move?t=x", "", `{"session_id": "two", "seats": 1}`, []string{"session_id", "seats"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("POST", tt.path, tt.token, tt.body)
			if status != 422 {
				t.Fatalf("status %d, want 422: %s", status, body)
			}
			var got struct {
				Error struct {
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			for _, field := range tt.fields {
				if got.Error.Fields[field] == "" {
					t.Errorf("fields %v lack %s", got.Error.Fields, field)
				}
			}
		})
	}
	t.Run("a negative date id is not called missing", func(t *testing.T) {
		_, body := e.do("POST", "/api/v1/bookings", "", `{"session_id": -1, "name": "Ada", "email": "ada@example.com"}`)
		if !strings.Contains(body, "must be a positive id") {
			t.Errorf("got %s", body)
		}
	})
}
