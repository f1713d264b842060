package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// noRedirect is a client that shows redirects instead of following them,
// as a test of what a browser is told.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (e *env) postForm(path string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	resp, err := noRedirect.PostForm(e.srv.URL+path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := readBody(resp)
	return resp, body
}

func TestCoachingPageWithoutScript(t *testing.T) {
	e := newEnv(t)
	e.setUpCoaching()
	t.Run("times in the visitor's zone, the coach's zone stated", func(t *testing.T) {
		status, body := e.do("GET", "/coaching/career-chat?tz=America/New_York", "", "")
		if status != 200 {
			t.Fatalf("%d %s", status, body)
		}
		// Friday 27 November, 09:00 in London is 04:00 in New York.
		for _, want := range []string{"Friday 27 November", `<time datetime="2026-11-27T04:00:00-05:00">04:00</time>`,
			"Times are in <strong>America/New_York</strong>", "the coach works in Europe/London",
			`<option selected>America/New_York</option>`, "Later →", "coaching.js"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(body, "meet.example.com") {
			t.Error("the page shows the join link")
		}
	})
	t.Run("the coach's zone without ?tz=", func(t *testing.T) {
		_, body := e.do("GET", "/coaching/career-chat", "", "")
		if !strings.Contains(body, `<time datetime="2026-11-27T09:00:00Z">09:00</time>`) || !strings.Contains(body, "<option selected>Europe/London</option>") {
			t.Errorf("page in the coach's zone: %s", between(body, `<div class="days">`, "</div>"))
		}
	})
	t.Run("week navigation", func(t *testing.T) {
		_, body := e.do("GET", "/coaching/career-chat?tz=Europe/London&from=2026-12-03", "", "")
		if !strings.Contains(body, "Thursday 3 December") || !strings.Contains(body, "Wednesday 9 December") || !strings.Contains(body, "← Earlier") {
			t.Errorf("week of 3 December: %s", between(body, `<nav class="weeks"`, "</nav>"))
		}
		if !strings.Contains(between(body, "Friday 4 December", "</section>"), "No times free") {
			t.Error("the day off shows times")
		}
	})
	t.Run("picking a time shows the form", func(t *testing.T) {
		_, body := e.do("GET", "/coaching/career-chat?tz=America/New_York&start="+url.QueryEscape("2026-11-30T09:00:00-05:00"), "", "")
		for _, want := range []string{`id="book"`, "Book Monday 30 November 2026, 09:00–09:45 EST", "For the coach: Mon 30 Nov, 14:00–14:45 GMT",
			`name="start" value="2026-11-30T09:00:00-05:00"`, `name="tz" value="America/New_York"`} {
			if !strings.Contains(body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
	})
	var manageURL string
	t.Run("POST books and lands on the booking page", func(t *testing.T) {
		resp, body := e.postForm("/coaching/career-chat/book", url.Values{"start": {"2026-11-30T09:00:00-05:00"},
			"tz": {"America/New_York"}, "name": {"Ada Lovelace"}, "email": {"ada@example.com"}})
		manageURL = resp.Header.Get("Location")
		if resp.StatusCode != 303 || !strings.HasPrefix(manageURL, "/bookings/") {
			t.Fatalf("%d %s %s", resp.StatusCode, manageURL, body)
		}
		status, page := e.do("GET", manageURL, "", "")
		for _, want := range []string{"Career chat", "Monday 30 November 2026, 09:00–09:45 EST", "Coach's time (Europe/London)",
			"Monday 30 November 2026, 14:00–14:45 GMT", "James Downer", "Reschedule", `action="/bookings/`, "Cancelling frees the time"} {
			if status != 200 || !strings.Contains(page, want) {
				t.Errorf("booking page lacks %q", want)
			}
		}
	})
	t.Run("the booked time is gone and posting it again says so", func(t *testing.T) {
		_, body := e.do("GET", "/coaching/career-chat?tz=America/New_York&from=2026-11-30", "", "")
		if strings.Contains(body, `datetime="2026-11-30T09:00:00-05:00"`) {
			t.Error("the booked time is still offered")
		}
		resp, body := e.postForm("/coaching/career-chat/book", url.Values{"start": {"2026-11-30T09:00:00-05:00"},
			"tz": {"America/New_York"}, "name": {"Bob"}, "email": {"bob@example.com"}})
		if resp.StatusCode != 409 || !strings.Contains(body, "that time was just taken") {
			t.Errorf("%d %s", resp.StatusCode, between(body, "<main", "</form>"))
		}
		// What they typed stays, in a form that offers the other times.
		form := between(body, `id="book"`, "</form>")
		for _, want := range []string{`value="Bob"`, `value="bob@example.com"`, `<select id="start" name="start"`,
			`<option value="2026-11-30T10:00:00-05:00">`} {
			if !strings.Contains(form, want) {
				t.Errorf("the form after a taken time lacks %s: %s", want, form)
			}
		}
		if strings.Contains(form, `value="2026-11-30T09:00:00-05:00"`) {
			t.Error("the form offers the taken time again")
		}
	})
	t.Run("bad fields re-render beside the field", func(t *testing.T) {
		resp, body := e.postForm("/coaching/career-chat/book", url.Values{"start": {"2026-11-30T10:00:00-05:00"},
			"tz": {"America/New_York"}, "name": {""}, "email": {"not-an-email"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `id="email-error"`) || !strings.Contains(body, `id="book"`) {
			t.Errorf("%d %s", resp.StatusCode, between(body, "<main", "</form>"))
		}
	})
	t.Run("the invite names the coach as organizer and carries the join link", func(t *testing.T) {
		ref, token := manage(manageURL)
		status, ics := e.do("GET", "/bookings/"+ref+"/invite.ics?t="+url.QueryEscape(token), "", "")
		for _, want := range []string{"ORGANIZER;CN=James Downer:mailto:james@example.com", "DTSTART:20261130T140000Z", "meet.example.com/james"} {
			if status != 200 || !strings.Contains(strings.ReplaceAll(ics, "\r\n ", ""), want) {
				t.Errorf("invite lacks %q: %s", want, ics)
			}
		}
	})
	t.Run("reschedule from the booking page", func(t *testing.T) {
		ref, token := manage(manageURL)
		resp, body := e.postForm("/bookings/"+ref+"/reschedule", url.Values{"t": {token}, "start": {"2026-12-01T09:00:00-05:00"}})
		if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "done=moved") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		_, page := e.do("GET", manageURL, "", "")
		if !strings.Contains(page, "Tuesday 1 December 2026, 09:00–09:45 EST") {
			t.Errorf("booking page after rescheduling: %s", between(page, "<dl", "</dl>"))
		}
	})
	t.Run("a paid type goes to the checkout", func(t *testing.T) {
		resp, body := e.postForm("/coaching/deep-dive/book", url.Values{"start": {"2026-12-02T13:00:00Z"},
			"tz": {"Europe/London"}, "name": {"Dee"}, "email": {"dee@example.com"}})
		if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "/checkout/test/") {
			t.Fatalf("%d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		checkout, _ := url.Parse(resp.Header.Get("Location"))
		ref := checkout.Query().Get("ref")
		token := checkout.Query().Get("t")
		if ref == "" || token == "" {
			t.Fatalf("checkout URL without ref and token: %s", checkout)
		}
		status, ics := e.do("GET", "/bookings/"+ref+"/invite.ics?t="+url.QueryEscape(token), "", "")
		if status != 200 || strings.Contains(strings.ReplaceAll(ics, "\r\n ", ""), "meet.example.com/deep") {
			t.Errorf("the invite of an unpaid call gives the join link: %d %s", status, ics)
		}
	})
	t.Run("the coach's page lists the calls", func(t *testing.T) {
		status, body := e.do("GET", "/coaches/james", "", "")
		if status != 200 || !strings.Contains(body, `href="/coaching/career-chat"`) || !strings.Contains(body, "James Downer") {
			t.Errorf("%d %s", status, body)
		}
		if status, _ := e.do("GET", "/coaches/nobody", "", ""); status != 404 {
			t.Errorf("unknown coach: %d", status)
		}
	})
}
