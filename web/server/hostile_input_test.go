package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestHostileInputEveryEndpoint sends each kind of hostile body to every
// public endpoint and form, and to the coach API's writes.
func TestHostileInputEveryEndpoint(t *testing.T) {
	s := newFuzzSite(t)
	rec := s.serve("POST", "/api/v1/bookings", s.jsonHeader(""), fmt.Sprintf(`{"session_id": %d, "name": "Ada", "email": "ada@example.com"}`, s.freeDate))
	var ada struct {
		Ref       string `json:"ref"`
		ManageURL string `json:"manage_url"`
	}
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &ada) != nil {
		t.Fatalf("book: %d %s", rec.Code, rec.Body)
	}
	manage, _ := url.Parse(ada.ManageURL)
	tok := url.QueryEscape(manage.Query().Get("t"))
	free := strconv.FormatInt(s.freeDate, 10)
	type endpoint struct {
		method, path string
		token        string // a coach API token
		form         bool
	}
	// name is the endpoint without the booking's ref and token.
	name := func(ep endpoint) string {
		path := strings.ReplaceAll(strings.SplitN(ep.path, "?", 2)[0], ada.Ref, ":ref")
		return ep.method + " " + path
	}
	endpoints := []endpoint{
		{"POST", "/api/v1/bookings", "", false},
		{"POST", "/api/v1/bookings/" + ada.Ref + "/move?t=" + tok, "", false},
		{"POST", "/api/v1/bookings/" + ada.Ref + "/cancel?t=" + tok + "x", "", false},
		{"POST", "/api/v1/sessions/" + free + "/waitlist", "", false},
		{"POST", "/api/v1/admin/events", s.token, false},
		{"PATCH", "/api/v1/admin/events/" + s.freeSlug, s.token, false},
		{"POST", "/api/v1/admin/events/" + s.freeSlug + "/sessions", s.token, false},
		{"PATCH", "/api/v1/admin/sessions/" + free, s.token, false},
		{"PUT", "/api/v1/admin/events/" + s.freeSlug + "/questions", s.token, false},
		{"POST", "/api/v1/admin/bookings/" + ada.Ref + "/move", s.token, false},
		{"POST", "/api/v1/admin/bookings/" + ada.Ref + "/refund", s.token, false},
		{"POST", "/webhooks/stripe", "", false},
		{"POST", "/events/" + s.freeSlug + "/book", "", true},
		{"POST", "/events/" + s.freeSlug + "/sessions/" + free + "/waitlist", "", true},
		{"POST", "/bookings/" + ada.Ref + "/move", "", true},
		{"POST", "/bookings/" + ada.Ref + "/cancel", "", true},
		{"POST", "/bookings/" + ada.Ref + "/pay", "", true},
		{"POST", "/waitlist/1/claim", "", true},
		{"POST", "/dashboard/login", "", true},
	}
	bodies := map[string]string{
		"malformed":          `{"name": "A", `,
		"wrong types":        `{"session_id": "one", "name": ["A"], "email": {"a": 1}, "seats": true, "title": 7, "capacity": "x", "answers": []}`,
		"null bytes":         "{\"name\": \"A\\u0000B\", \"title\": \"T\\u0000\", \"email\": \"a\\u0000@example.com\"}",
		"raw null bytes":     "\x00\x00\x00",
		"invalid UTF-8":      "{\"name\": \"\xff\xfe\xfd\", \"title\": \"\xc3\x28\"}",
		"CR/LF":              `{"name": "A\r\nBcc: victim@example.com", "email": "a@example.com\r\nBcc: victim@example.com", "title": "T\r\nBcc: victim@example.com"}`,
		"script":             `{"name": "<script>alert(1)</script>", "title": "<img src=x onerror=alert(1)>", "label": "\"><svg onload=alert(1)>"}`,
		"deeply nested":      strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		"huge number":        `{"session_id": 1e999, "seats": 123456789012345678901234567890, "price_cents": -1e308}`,
		"form instead":       "name=A&email=a%40example.com",
		"JSON list":          `[1, 2, 3]`,
		"empty":              ``,
		"two documents":      `{"name": "A"} {"name": "B"}`,
		"form with CR/LF":    "name=A%0D%0ABcc%3A+victim%40example.com&email=a%40example.com%0D%0ABcc%3A+victim%40example.com&seats=1&session_id=" + free,
		"form, invalid UTF8": "name=%FF%FE&email=%C3%28&seats=%00&session_id=%00",
		"form with script":   "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&email=%22%3E%3Csvg+onload%3Dalert(1)%3E&seats=1&t=%3Cscript%3E",
	}
	for _, ep := range endpoints {
		for what, body := range bodies {
			h := s.jsonHeader(ep.token)
			if ep.form {
				h = formHeader
			}
			rec := s.serve(ep.method, ep.path, h, body)
			judge(t, name(ep)+" with "+what, rec)
		}
		t.Run("over 1 MiB "+name(ep), func(t *testing.T) {
			h, body := s.jsonHeader(ep.token), bigBody("name")
			if ep.form {
				h, body = formHeader, "name="+strings.Repeat("x", 1<<20)
			}
			rec := s.serve(ep.method, ep.path, h, body)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("%d %.200s, want 413", rec.Code, rec.Body)
			}
			judge(t, "over 1 MiB", rec)
		})
	}
	s.holds(t)

	t.Run("CR/LF in a name or email is refused, not sent on", func(t *testing.T) {
		for _, body := range []string{
			fmt.Sprintf(`{"session_id": %d, "name": "A\r\nBcc: victim@example.com", "email": "crlf1@example.com"}`, s.freeDate),
			fmt.Sprintf(`{"session_id": %d, "name": "A\nB", "email": "crlf2@example.com"}`, s.freeDate),
			fmt.Sprintf(`{"session_id": %d, "name": "A", "email": "crlf3@example.com\r\nBcc: victim@example.com"}`, s.freeDate),
			fmt.Sprintf(`{"session_id": %d, "name": "A", "email": "crlf4@example.com\nBcc:victim@example.com"}`, s.freeDate),
		} {
			if rec := s.serve("POST", "/api/v1/bookings", s.jsonHeader(""), body); rec.Code != 422 {
				t.Errorf("%s: %d %s, want 422", body, rec.Code, rec.Body)
			}
		}
		form := url.Values{"session_id": {free}, "name": {"A\r\nBcc: victim@example.com"}, "email": {"crlf5@example.com"}, "seats": {"1"}}
		if rec := s.serve("POST", "/events/"+s.freeSlug+"/book", formHeader, form.Encode()); rec.Code != 422 {
			t.Errorf("form: %d, want 422", rec.Code)
		}
		var n int
		if err := s.db.Get(&n, `SELECT COUNT(*) FROM bookings WHERE email LIKE 'crlf%' OR name LIKE '%Bcc%'`); err != nil || n != 0 {
			t.Errorf("%d bookings stored with CR/LF (%v)", n, err)
		}
	})
}

// TestScriptIsEscapedEverywhere puts HTML and script in every text a coach
// or an attendee can type, then reads every page, file and email that
// shows it.
func TestScriptIsEscapedEverywhere(t *testing.T) {
	s := newFuzzSite(t)
	const payload = `<script>alert("roster")</script><img src=x onerror=alert(1)>"'&`
	text := func(field string) string { return fmt.Sprintf("%s %s", field, payload) }
	event := map[string]any{
		"slug": "xss-lab", "title": text("title") + "\r\nBcc: victim@example.com", "summary": text("summary"),
		"description": text("description") + "\n\n[link](javascript:alert(1)) <a href=\"javascript:alert(1)\">a</a> <iframe src=\"https://evil.example\"></iframe>\nX-INJECTED:1",
		"location":    text("location") + "\r\nX-INJECTED:1", "timezone": "Europe/London", "currency": "GBP", "price_cents": 0, "status": "published",
		"sessions": []map[string]any{{"starts_at": "2027-09-22T18:00:00+01:00", "ends_at": "2027-09-22T20:00:00+01:00", "capacity": 1}},
	}
	body, _ := json.Marshal(event)
	rec := s.serve("POST", "/api/v1/admin/events", s.jsonHeader(s.token), string(body))
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var created struct{ Sessions []struct{ ID int64 } }
	json.Unmarshal(rec.Body.Bytes(), &created)
	date := created.Sessions[0].ID
	questions, _ := json.Marshal([]map[string]any{{"kind": "short_text", "label": text("label"), "required": false}})
	if rec := s.serve("PUT", "/api/v1/admin/events/xss-lab/questions", s.jsonHeader(s.token), string(questions)); rec.Code != 200 {
		t.Fatalf("questions: %d %s", rec.Code, rec.Body)
	}
	var qs []struct{ ID int64 }
	json.Unmarshal(s.serve("GET", "/api/v1/admin/events/xss-lab/questions", s.jsonHeader(s.token), "").Body.Bytes(), &qs)
	form := url.Values{"session_id": {strconv.FormatInt(date, 10)}, "name": {text("name")}, "email": {"xss@example.com"}, "seats": {"1"}}
	for _, q := range qs {
		form.Set(fmt.Sprintf("answers.%d", q.ID), text("answer"))
	}
	rec = s.serve("POST", "/events/xss-lab/book", formHeader, form.Encode())
	if rec.Code != 303 {
		t.Fatalf("book: %d %.500s", rec.Code, rec.Body)
	}
	bookingPage := rec.Header().Get("Location")
	u, _ := url.Parse(bookingPage)
	rec = s.serve("POST", fmt.Sprintf("/events/xss-lab/sessions/%d/waitlist", date), formHeader,
		url.Values{"name": {text("waitlist")}, "email": {"wait@example.com"}, "seats": {"1"}}.Encode())
	judge(t, "waitlist form", rec)
	waitlistPage := rec.Body.String()
	rec = s.serve("POST", "/events/xss-lab/book", formHeader, url.Values{"session_id": {strconv.FormatInt(date, 10)}, "name": {text("rerender")}, "email": {"\"><script>x</script>"}, "seats": {"x"}}.Encode())
	judge(t, "the form re-rendered with errors", rec)

	pages := map[string]string{"waitlist page": waitlistPage, "form with errors": rec.Body.String()}
	for _, p := range []string{"/", "/events/xss-lab", bookingPage, "/events/xss-lab/calendar.ics",
		fmt.Sprintf("/events/xss-lab/sessions/%d/calendar.ics", date), u.Path + "/invite.ics?" + u.RawQuery} {
		rec := s.serve("GET", p, nil, "")
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d", p, rec.Code)
		}
		judge(t, "GET "+p, rec)
		if strings.HasSuffix(strings.SplitN(p, "?", 2)[0], ".ics") {
			checkICS(t, p, rec.Body.String())
			continue
		}
		pages[p] = rec.Body.String()
	}
	var mails []struct {
		Subject string `db:"subject"`
		HTML    string `db:"html_body"`
	}
	if err := s.db.Select(&mails, `SELECT subject, html_body FROM outbox`); err != nil || len(mails) == 0 {
		t.Fatalf("no email written: %v", err)
	}
	for i, m := range mails {
		if strings.ContainsAny(m.Subject, "\r\n") {
			t.Errorf("email subject with a line break: %q", m.Subject)
		}
		pages[fmt.Sprintf("email %d (%s)", i, m.Subject)] = m.HTML
	}
	for where, page := range pages {
		if strings.Contains(page, `<script>alert("roster")`) || strings.Contains(page, "<img src=x onerror") {
			t.Errorf("%s shows the script unescaped", where)
		}
		if bad := activeContent(page); len(bad) > 0 {
			t.Errorf("%s runs script: %q", where, bad)
		}
	}
	if !strings.Contains(pages["/events/xss-lab"], "title &lt;script&gt;") {
		t.Errorf("the event page does not show the title, escaped: the check above proves nothing")
	}
}
