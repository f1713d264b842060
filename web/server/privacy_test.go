package server_test

import (
	"strings"
	"testing"
)

// TestPrivacyAPI walks the personal-data routes over HTTP: consent on the
// booking request, the coach's settings, exports and erasures.
func TestPrivacyAPI(t *testing.T) {
	e := newEnv(t)
	e.createFree() // sessions 1 and 2
	if status, body := e.do("PUT", "/api/v1/admin/privacy", e.jamesToken, `{"notice_url": "https://james.example/privacy",
		"terms": "I agree.", "require_consent": true, "marketing_text": "News, please.", "erase_after_days": 7, "retention_days": 365}`); status != 200 || !strings.Contains(body, `"text_version":2`) {
		t.Fatalf("set privacy: %d %s", status, body)
	}
	t.Run("a booking without the required consent is refused, naming the field", func(t *testing.T) {
		status, _, raw := e.bookAPI(`{"session_id": 1, "name": "Ada Lovelace", "email": "ada@example.com"}`)
		if status != 422 || !strings.Contains(raw, "consent.terms") {
			t.Errorf("%d %s", status, raw)
		}
	})
	status, ada, raw := e.bookAPI(`{"session_id": 1, "name": "Ada Lovelace", "email": "ada@example.com", "consent": {"terms": true}}`)
	if status != 201 {
		t.Fatalf("book: %d %s", status, raw)
	}
	ref, token := manage(ada.ManageURL)
	t.Run("the attendee exports their data with their manage token", func(t *testing.T) {
		status, body := e.do("GET", "/api/v1/bookings/"+ref+"/export?t="+token, "", "")
		if status != 200 || !strings.Contains(body, `"I agree."`) || !strings.Contains(body, "ada@example.com") {
			t.Errorf("%d %.400s", status, body)
		}
		if i := strings.Index(body, token); i >= 0 {
			t.Errorf("the export holds the manage token: %s", body[max(i-200, 0):i+len(token)])
		}
		if status, _ := e.do("GET", "/api/v1/bookings/"+ref+"/export?t=wrong", "", ""); status != 404 {
			t.Errorf("wrong token: %d", status)
		}
	})
	t.Run("the coach exports one email", func(t *testing.T) {
		status, body := e.do("GET", "/api/v1/admin/people?email=ada@example.com", e.jamesToken, "")
		if status != 200 || !strings.Contains(body, ref) {
			t.Errorf("%d %.300s", status, body)
		}
	})
	t.Run("the attendee's erasure request is accepted for later", func(t *testing.T) {
		status, body := e.do("POST", "/api/v1/bookings/"+ref+"/erase?t="+token, "", "")
		if status != 202 || !strings.Contains(body, "erase_after") {
			t.Errorf("%d %s", status, body)
		}
		status, body = e.do("GET", "/api/v1/admin/erasure-requests", e.jamesToken, "")
		if status != 200 || !strings.Contains(body, ref) {
			t.Errorf("pending: %d %s", status, body)
		}
	})
	t.Run("the coach erases one email now", func(t *testing.T) {
		status, body := e.do("POST", "/api/v1/admin/people/erase", e.jamesToken, `{"email": "ada@example.com"}`)
		if status != 200 || !strings.Contains(body, ref) {
			t.Fatalf("%d %s", status, body)
		}
		if status, _ := e.do("GET", "/api/v1/admin/people?email=ada@example.com", e.jamesToken, ""); status != 404 {
			t.Errorf("after erasure the email is still known: %d", status)
		}
		if status, body := e.do("GET", "/api/v1/admin/erasure-requests", e.jamesToken, ""); status != 200 || strings.Contains(body, ref) {
			t.Errorf("the request is still pending: %d %s", status, body)
		}
	})
}
