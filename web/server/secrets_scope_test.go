package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roster-app/roster/web/server"
)

var formTokenField = regexp.MustCompile(`name="form_token" value="([^"]*)"`)

// TestFormTokensAreNeverShared titles an event with the text the page
// cache once replaced with each visitor's form token, and checks that each
// visitor still gets a token of their own, and that a second visitor who
// posts the first one's token gets no booking of theirs.
func TestFormTokensAreNeverShared(t *testing.T) {
	e := newEnv(t)
	const placeholder = "__ROSTER_FORM_NONCE__"
	event := strings.Replace(freeJSON, `"title": "Free Taster"`, `"title": "`+placeholder+`", "summary": "`+placeholder+`"`, 1)
	if status, body := e.do("POST", "/api/v1/admin/events", e.jamesToken, event); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	tokens := map[string]bool{}
	for range 5 {
		status, body := e.do("GET", "/events/taster", "", "")
		m := formTokenField.FindStringSubmatch(body)
		if status != 200 || m == nil {
			t.Fatalf("status %d, no form token", status)
		}
		if m[1] == "" || m[1] == placeholder || tokens[m[1]] {
			t.Fatalf("form token %q repeated or empty", m[1])
		}
		tokens[m[1]] = true
		if !strings.Contains(body, placeholder) {
			t.Error("the event's own title was changed")
		}
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(form url.Values) (*http.Response, string) {
		resp, err := client.PostForm(e.srv.URL+"/events/taster/book", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	shared := "a-token-someone-else-used"
	first, _ := post(url.Values{"session_id": {"1"}, "name": {"Ada"}, "email": {"ada@example.com"}, "seats": {"1"}, "form_token": {shared}})
	if first.StatusCode != http.StatusSeeOther {
		t.Fatalf("first booking: %d", first.StatusCode)
	}
	adaRef, _ := manage(first.Header.Get("Location"))
	t.Run("another person posting the same token gets no manage link", func(t *testing.T) {
		resp, body := post(url.Values{"session_id": {"1"}, "name": {"Eve"}, "email": {"eve@example.com"}, "seats": {"1"}, "form_token": {shared}})
		if resp.StatusCode != http.StatusConflict || strings.Contains(resp.Header.Get("Location")+body, adaRef) {
			t.Errorf("status %d, location %q: want 409 and nothing of Ada's booking", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("the same person on another date gets no manage link either", func(t *testing.T) {
		resp, body := post(url.Values{"session_id": {"2"}, "name": {"Ada"}, "email": {"ada@example.com"}, "seats": {"1"}, "form_token": {shared}})
		if resp.StatusCode != http.StatusConflict || strings.Contains(resp.Header.Get("Location")+body, adaRef) {
			t.Errorf("status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("the same form sent twice still lands on its booking", func(t *testing.T) {
		resp, _ := post(url.Values{"session_id": {"1"}, "name": {"Ada"}, "email": {"ada@example.com"}, "seats": {"1"}, "form_token": {shared}})
		if ref, _ := manage(resp.Header.Get("Location")); resp.StatusCode != http.StatusSeeOther || ref != adaRef {
			t.Errorf("status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// TestIdempotencyKeysAreScopedToTheClient sends one Idempotency-Key from
// two client addresses: the second never receives the first's booking.
func TestIdempotencyKeysAreScopedToTheClient(t *testing.T) {
	e := newEnvConfig(t, server.Config{BaseURL: "http://roster.test", TrustProxy: true})
	e.createFree()
	send := func(address, body string) (int, created, string) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/bookings", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "order-1")
		req.Header.Set("X-Forwarded-For", address)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var c created
		json.Unmarshal(raw, &c)
		return resp.StatusCode, c, string(raw)
	}
	ada := `{"session_id": 1, "name": "Ada", "email": "ada@example.com", "seats": 1}`
	status, first, raw := send("198.51.100.1", ada)
	if status != 201 {
		t.Fatalf("first: %d %s", status, raw)
	}
	t.Run("the same key and body from another client is not a replay", func(t *testing.T) {
		status, got, raw := send("203.0.113.9", ada)
		if status == 200 || got.ManageURL != "" || strings.Contains(raw, "?t=") {
			t.Errorf("status %d %s: another client received Ada's booking", status, raw)
		}
	})
	t.Run("the same key from another client books for itself", func(t *testing.T) {
		status, got, raw := send("203.0.113.10", `{"session_id": 1, "name": "Bob", "email": "bob@example.com", "seats": 1}`)
		if status != 201 || got.Ref == first.Ref {
			t.Errorf("status %d %s", status, raw)
		}
	})
	t.Run("the original client's retry is answered with its booking", func(t *testing.T) {
		status, got, raw := send("198.51.100.1", ada)
		if status != 200 || got.Ref != first.Ref || got.ManageURL == "" {
			t.Errorf("status %d %s", status, raw)
		}
	})
}

// TestCalendarFilesHoldNoManageToken downloads a booking's calendar file,
// which calendar providers import: the manage token must not be in it.
func TestCalendarFilesHoldNoManageToken(t *testing.T) {
	e := newEnv(t)
	e.createFree()
	status, b, raw := e.bookAPI(`{"session_id": 1, "name": "Ada", "email": "ada@example.com", "seats": 1}`)
	if status != 201 {
		t.Fatalf("book: %d %s", status, raw)
	}
	ref, token := manage(b.ManageURL)
	status, ics := e.do("GET", "/bookings/"+ref+"/invite.ics?t="+url.QueryEscape(token), "", "")
	if status != 200 || !strings.Contains(ics, "BEGIN:VEVENT") {
		t.Fatalf("invite: %d %s", status, ics)
	}
	if strings.Contains(strings.ReplaceAll(ics, "\r\n ", ""), token) {
		t.Errorf("the calendar file holds the manage token:\n%s", ics)
	}
}
