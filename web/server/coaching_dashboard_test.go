package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/web/server"
)

func TestDashboardCoaching(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	james := e.signedIn("james@example.com")
	t.Run("availability: bad hours re-render beside the field", func(t *testing.T) {
		a := james.post("/dashboard/availability", url.Values{"timezone": {"Europe/London"}, "weekly.mon": {"9-5"},
			"overrides": {"someday: off"}, "busy_feed_url": {"http://127.0.0.1/cal.ics"}})
		if a.status != 422 || !strings.Contains(a.body, `&#34;9-5&#34;: write hours like`) || !strings.Contains(a.body, "start each line with a date") {
			t.Errorf("%d %.2000s", a.status, between(a.body, "<form", "</form>"))
		}
	})
	t.Run("availability: save and show", func(t *testing.T) {
		form := url.Values{"timezone": {"Europe/London"}, "overrides": {"2026-12-04: off\n2026-12-05: 10:00-11:00"}}
		for _, day := range []string{"mon", "tue", "wed", "thu", "fri"} {
			form.Set("weekly."+day, "09:00-12:00, 13:00–17:00")
		}
		if a := james.post("/dashboard/availability", form); a.status != 303 {
			t.Fatalf("%d %.1000s", a.status, a.body)
		}
		a := james.get("/dashboard/availability?done=availability-saved")
		for _, want := range []string{`value="09:00-12:00, 13:00-17:00"`, "2026-12-04: off\n2026-12-05: 10:00-11:00", "Availability saved", `aria-current="page">Availability`} {
			if !strings.Contains(a.body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
	t.Run("availability: the busy feed's last failure is shown", func(t *testing.T) {
		form := url.Values{"timezone": {"Europe/London"}, "weekly.mon": {"09:00-17:00"}, "busy_feed_url": {"https://calendar.example.com/private-1/basic.ics"}}
		if a := james.post("/dashboard/availability", form); a.status != 303 {
			t.Fatalf("%d %.1000s", a.status, a.body)
		}
		if a := james.get("/dashboard/availability"); !strings.Contains(a.body, "Not read yet") {
			t.Errorf("before the first read: %.2000s", between(a.body, "<legend>Busy calendar", "</fieldset>"))
		}
		if err := e.booking.RecordFeedCheck(context.Background(), e.james.ID, "the feed answered 404 Not Found"); err != nil {
			t.Fatal(err)
		}
		if a := james.get("/dashboard/availability"); !strings.Contains(a.body, "failed: the feed answered 404 Not Found") {
			t.Errorf("after a failed read: %.2000s", between(a.body, "<legend>Busy calendar", "</fieldset>"))
		}
		if err := e.booking.RecordFeedCheck(context.Background(), e.james.ID, ""); err != nil {
			t.Fatal(err)
		}
		if a := james.get("/dashboard/availability"); !strings.Contains(a.body, "0 busy times ahead") {
			t.Errorf("after a good read: %.2000s", between(a.body, "<legend>Busy calendar", "</fieldset>"))
		}
	})
	t.Run("appointment types: create, list, edit", func(t *testing.T) {
		form := url.Values{"title": {"Career chat"}, "slug": {"career-chat"}, "duration_minutes": {"45"}, "price": {"0"}, "currency": {"GBP"},
			"location": {"Online"}, "online_url": {"https://meet.example.com/james"}, "assignment": {"any"}, "horizon_days": {"60"},
			"min_notice_minutes": {"240"}, "buffer_after_minutes": {"15"}, "slot_interval_minutes": {"60"}, "max_per_day": {"4"},
			"reminders": {"1d, 1h"}, "refund_cutoff_hours": {"24"}, "status": {"published"}}
		a := james.post("/dashboard/appointment-types", form)
		if a.status != 303 || a.location != "/dashboard/appointment-types/career-chat?done=type-saved" {
			t.Fatalf("%d %s %.1000s", a.status, a.location, a.body)
		}
		if list := james.get("/dashboard/appointment-types"); !strings.Contains(list.body, "/coaching/career-chat") || !strings.Contains(list.body, "45 min") {
			t.Errorf("list: %.1000s", list.body)
		}
		edit := james.get("/dashboard/appointment-types/career-chat")
		for _, want := range []string{`value="45"`, `value="1d, 1h"`, `value="https://meet.example.com/james"`, `value="15"`} {
			if !strings.Contains(edit.body, want) {
				t.Errorf("edit form lacks %q", want)
			}
		}
		form.Set("duration_minutes", "zero")
		form.Set("currency", "XXX")
		if a := james.post("/dashboard/appointment-types/career-chat", form); a.status != 422 || !strings.Contains(a.body, "must be a whole number") {
			t.Errorf("bad edit: %d %.1000s", a.status, a.body)
		}
		form.Set("duration_minutes", "30")
		form.Set("currency", "GBP")
		if a := james.post("/dashboard/appointment-types/career-chat", form); a.status != 303 {
			t.Errorf("edit: %d %.1000s", a.status, a.body)
		}
		if a := e.newBrowser().get("/api/v1/coaching/career-chat"); !strings.Contains(a.body, `"duration_minutes":30`) {
			t.Errorf("after edit: %s", a.body)
		}
	})
	var ref string
	t.Run("appointments: listed with cancel and move", func(t *testing.T) {
		resp, _ := e.postForm("/coaching/career-chat/book", url.Values{"start": {"2026-11-30T09:00:00Z"}, "tz": {"Asia/Tokyo"},
			"name": {"Ada Lovelace"}, "email": {"ada@example.com"}})
		if resp.StatusCode != 303 {
			t.Fatalf("book: %d", resp.StatusCode)
		}
		ref, _ = manage(resp.Header.Get("Location"))
		a := james.get("/dashboard/appointments")
		for _, want := range []string{"Mon 30 Nov 2026, 09:00–09:30 GMT", "Ada Lovelace", "Cancel appointment", `name="start"`, "Mon 30 Nov, 10:00 GMT"} {
			if !strings.Contains(a.body, want) {
				t.Errorf("appointments page lacks %q", want)
			}
		}
		if a := james.get("/dashboard/bookings/" + ref); a.status != 200 {
			t.Errorf("booking page of an appointment: %d %.500s", a.status, a.body)
		}
	})
	t.Run("the coach's calendar feed carries the appointment", func(t *testing.T) {
		token, err := e.coaches.CreateToken(context.Background(), e.james.ID, coaches.FeedToken, "test")
		if err != nil {
			t.Fatal(err)
		}
		a := e.newBrowser().get("/coaches/feed.ics?token=" + url.QueryEscape(token))
		ics := strings.ReplaceAll(a.body, "\r\n ", "")
		for _, want := range []string{"SUMMARY:Career chat with Ada Lovelace", "DTSTART:20261130T090000Z", "UID:appointment-" + ref} {
			if a.status != 200 || !strings.Contains(ics, want) {
				t.Errorf("feed lacks %q: %s", want, ics)
			}
		}
	})
	t.Run("move, then cancel", func(t *testing.T) {
		if a := james.post("/dashboard/bookings/"+ref+"/reschedule", url.Values{"start": {"2026-11-30T10:00:00Z"}}); a.status != 303 {
			t.Fatalf("move: %d %.1000s", a.status, a.body)
		}
		if a := james.get("/dashboard/appointments"); !strings.Contains(a.body, "Mon 30 Nov 2026, 10:00–10:30 GMT") {
			t.Errorf("after the move: %.2000s", between(a.body, "<main", "</main>"))
		}
		if a := james.post("/dashboard/bookings/"+ref+"/cancel", url.Values{"refund": {"full"}}); a.status != 303 {
			t.Fatalf("cancel: %d %.1000s", a.status, a.body)
		}
		if a := james.get("/dashboard/appointments"); !strings.Contains(a.body, "cancelled") || strings.Contains(a.body, "Cancel appointment") {
			t.Errorf("after cancelling: %.2000s", between(a.body, "<main", "</main>"))
		}
	})
	t.Run("another coach sees none of it", func(t *testing.T) {
		mallory := e.signedIn("mallory@example.com")
		if a := mallory.get("/dashboard/appointments"); strings.Contains(a.body, "Ada") {
			t.Error("Mallory sees James's appointment")
		}
		if a := mallory.get("/dashboard/appointment-types/career-chat"); a.status != 404 {
			t.Errorf("Mallory opens James's type: %d", a.status)
		}
	})
}
