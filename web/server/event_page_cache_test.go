package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/server"
)

// TestEventPageCache: the event page every visitor sees alike is rendered
// once per second (the page cache's time-to-live) and each response gets
// a form token of its own; what one request asks for is never served to
// another visitor; a change made through this server shows at once, and
// one made elsewhere (another replica, a worker) within the time-to-live.
func TestEventPageCache(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	e.createLab() // £49, dates 1 and 2 (22 and 29 Sept 2027) of 12 seats
	const path = "/events/career-clarity-lab"
	const ttl = time.Second
	get := func(t *testing.T, path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := readBody(resp)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
		}
		return resp, body
	}
	token := func(t *testing.T, body string) string {
		t.Helper()
		m := formTokenField.FindStringSubmatch(body)
		if m == nil || m[1] == "" {
			t.Fatal("no form token")
		}
		return m[1]
	}

	t.Run("two visitors get the same page with tokens of their own", func(t *testing.T) {
		first, a := get(t, path)
		second, b := get(t, path)
		ta, tb := token(t, a), token(t, b)
		if ta == tb {
			t.Fatalf("both visitors got the form token %q", ta)
		}
		if strings.Replace(a, ta, "", 1) != strings.Replace(b, tb, "", 1) {
			t.Error("the pages differ by more than their tokens")
		}
		for _, resp := range []*http.Response{first, second} {
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(a)) {
				t.Errorf("Content-Length %q, want %d", got, len(a))
			}
			if got := resp.Header.Get("Content-Type"); got != "text/html; charset=UTF-8" {
				t.Errorf("Content-Type %q", got)
			}
		}
	})

	t.Run("a visitor's discount code is not shown to the next visitor", func(t *testing.T) {
		if status, raw := e.do("PATCH", "/api/v1/admin/events/career-clarity-lab", e.jamesToken, `{"ticket_types": [
			{"name": "Standard", "price_cents": 4900}, {"name": "Alumni", "price_cents": 2900, "hidden": true}]}`); status != 200 {
			t.Fatalf("patch ticket types: %d %s", status, raw)
		}
		if _, body := get(t, path); strings.Contains(body, "Alumni") {
			t.Fatal("the hidden ticket type is on the page without a code")
		}
		if _, body := get(t, path+"?code=alumni10"); !strings.Contains(body, "Alumni") || !strings.Contains(body, `value="ALUMNI10"`) {
			t.Error("the page with ?code= shows neither the code nor the type it unlocks")
		}
		if _, body := get(t, path); strings.Contains(body, "Alumni") || strings.Contains(body, "ALUMNI10") {
			t.Error("the next visitor was shown the previous visitor's code")
		}
	})

	t.Run("the notice after an abandoned checkout is not shown to the next visitor", func(t *testing.T) {
		const notice = "Your held seats were released"
		if _, body := get(t, path+"?released=1"); !strings.Contains(body, notice) {
			t.Error("no notice on ?released=1")
		}
		if _, body := get(t, path); strings.Contains(body, notice) {
			t.Error("the next visitor was shown the notice")
		}
	})

	t.Run("an edit through this server shows at once", func(t *testing.T) {
		get(t, path)
		if status, raw := e.do("PATCH", "/api/v1/admin/events/career-clarity-lab", e.jamesToken, `{"title": "Career Clarity Lab II"}`); status != 200 {
			t.Fatalf("patch: %d %s", status, raw)
		}
		if _, body := get(t, path); !strings.Contains(body, "<h1>Career Clarity Lab II</h1>") {
			t.Error("the new title is not on the page")
		}
	})

	t.Run("an edit made elsewhere shows after the time-to-live", func(t *testing.T) {
		get(t, path)
		title := "Career Clarity Lab III"
		if _, err := e.events.UpdateEvent(context.Background(), e.james.ID, "career-clarity-lab", events.EventPatch{Title: &title}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(ttl + time.Nanosecond)
		if _, body := get(t, path); !strings.Contains(body, "<h1>Career Clarity Lab III</h1>") {
			t.Error("the new title is not on the page after the time-to-live")
		}
	})

	t.Run("seats taken elsewhere show after the time-to-live", func(t *testing.T) {
		if _, body := get(t, path); !strings.Contains(body, "12 of 12 seats left") {
			t.Fatal("want 12 of 12 seats left on each date")
		}
		if _, err := e.booking.Reserve(context.Background(), booking.Request{SessionID: 1, Name: "Ada", Email: "ada@example.com",
			Seats: 2, Answers: booking.Answers{}}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(ttl + time.Nanosecond)
		if _, body := get(t, path); !strings.Contains(body, "10 of 12 seats left") {
			t.Error("the held seats are not counted after the time-to-live")
		}
	})

	t.Run("a date shows Starting soon within the time-to-live of its day before", func(t *testing.T) {
		start := time.Date(2027, 9, 22, 17, 0, 0, 0, time.UTC) // date 1, 18:00 in London
		e.clock.Advance(start.Add(-24*time.Hour - ttl/2).Sub(e.clock.Now()))
		if _, body := get(t, path); strings.Contains(body, "Starting soon") {
			t.Fatal("Starting soon more than a day ahead")
		}
		e.clock.Advance(ttl + time.Nanosecond)
		if _, body := get(t, path); !strings.Contains(body, "Starting soon") {
			t.Error("no Starting soon within a day of the start, after the time-to-live")
		}
	})
}
