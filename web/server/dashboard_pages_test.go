package server_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/server"
)

func TestDashboardPages(t *testing.T) {
	fx := newLabFixture(t)
	james := fx.signedIn("james@example.com")
	tests := []struct {
		name, path string
		contains   []string
	}{
		{"overview", "/dashboard", []string{"Career Clarity Lab", "Wednesday 22 September 2027", "2 / 12", "£98.00", `aria-current="page">Overview`}},
		{"event", "/dashboard/events/career-clarity-lab", []string{"Add a date", "Registration questions", `value="49.00"`, `value="1d, 1h"`, `value="parveen@example.com"`, "Unpublish"}},
		{"questions", "/dashboard/events/career-clarity-lab/questions", []string{`value="What do you want from the lab?"`, `name="q3.label"`}},
		{"date", "/dashboard/sessions/1", []string{"Ada Lovelace", "ada@example.com", "Awaiting payment", "Check in Ada Lovelace", "Cancel this date", `value="2027-09-22"`, `value="18:00"`}},
		{"booking", "/dashboard/bookings/" + fx.ada.Ref, []string{"Refund by the event's policy: £98.00", "Move to another date", "Wednesday 29 September 2027", "Paid by card"}},
		{"message", "/dashboard/sessions/1/message", []string{"To the 1 confirmed attendee of", `name="message_id"`}},
		{"outbox", "/dashboard/outbox", []string{"550 mailbox unavailable", "Retry", fx.ada.Ref}},
		{"failed emails", "/dashboard/outbox?status=failed", []string{"550 mailbox unavailable"}},
		{"payments log", "/dashboard/webhooks", []string{"Paid by card", "Booking confirmed", fx.ada.Ref}},
		{"settings", "/dashboard/settings", []string{"Calendar feed", "API tokens", "setup", "This browser"}},
		{"new event", "/dashboard/events/new", []string{"Create event", `value="Europe/London"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := james.get(tt.path)
			if a.status != 200 {
				t.Fatalf("%d: %.500s", a.status, a.body)
			}
			for _, want := range tt.contains {
				if !strings.Contains(a.body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", a.header.Get("Cache-Control"))
			}
			if strings.Contains(a.body, "style=") || strings.Contains(a.body, "<script>") {
				t.Error("inline style or script, which the CSP blocks")
			}
		})
	}
}

func TestDashboardBookingActions(t *testing.T) {
	fx := newLabFixture(t)
	james := fx.signedIn("james@example.com")
	ada, bo := "/dashboard/bookings/"+fx.ada.Ref, "/dashboard/bookings/"+fx.bo.Ref
	ctx := context.Background()
	t.Run("check in from the attendee list, and undo it", func(t *testing.T) {
		a := james.post(ada+"/check-in", url.Values{"checked_in": {"yes"}})
		if a.status != http.StatusSeeOther || !strings.HasPrefix(a.location, "/dashboard/sessions/1?done=checked-in#booking-"+fx.ada.Ref) {
			t.Fatalf("%d %q", a.status, a.location)
		}
		if page := james.get("/dashboard/sessions/1"); !strings.Contains(page.body, "Undo check-in of Ada Lovelace") {
			t.Error("the list does not show Ada checked in")
		}
		a = james.post(ada+"/check-in", url.Values{"checked_in": {"no"}, "back": {"booking"}})
		if a.status != http.StatusSeeOther || a.location != ada+"?done=check-in-undone" {
			t.Errorf("undo: %d %q", a.status, a.location)
		}
	})
	t.Run("a hold cannot be checked in", func(t *testing.T) {
		a := james.post(bo+"/check-in", url.Values{"checked_in": {"yes"}})
		if a.status != http.StatusConflict || !strings.Contains(a.body, "only a confirmed booking can be checked in") {
			t.Errorf("%d %.300s", a.status, a.body)
		}
	})
	t.Run("refund part of a payment", func(t *testing.T) {
		if a := james.post(ada+"/refund", url.Values{"amount": {"500"}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "must be between 1 and 9800") {
			t.Errorf("too much: %d %.300s", a.status, a.body)
		}
		if a := james.post(ada+"/refund", url.Values{"amount": {"ten"}}); a.status != http.StatusUnprocessableEntity {
			t.Errorf("not an amount: %d", a.status)
		}
		a := james.post(ada+"/refund", url.Values{"amount": {"10.50"}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("%d %.300s", a.status, a.body)
		}
		d, _ := fx.booking.Attendee(ctx, fx.ada.Ref, fx.james.ID)
		if len(d.Refunds) != 1 || d.Refunds[0].AmountCents != 1050 || d.Booking.Status != booking.Confirmed {
			t.Errorf("refunds %+v, status %s", d.Refunds, d.Booking.Status)
		}
	})
	t.Run("move to the other date", func(t *testing.T) {
		if a := james.post(ada+"/move", url.Values{"session_id": {"1"}}); a.status != http.StatusUnprocessableEntity {
			t.Errorf("to the same date: %d", a.status)
		}
		a := james.post(ada+"/move", url.Values{"session_id": {"2"}})
		if a.status != http.StatusSeeOther || a.location != ada+"?done=moved" {
			t.Fatalf("%d %q %.300s", a.status, a.location, a.body)
		}
		if b := fx.bookingStatus(fx.ada.Ref); b.SessionID != 2 {
			t.Errorf("still on date %d", b.SessionID)
		}
	})
	t.Run("cancel a hold, then a paid booking with a full refund", func(t *testing.T) {
		if a := james.post(bo+"/cancel", url.Values{"refund": {"sometimes"}}); a.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown refund choice: %d", a.status)
		}
		if a := james.post(bo+"/cancel", url.Values{"refund": {"none"}}); a.status != http.StatusSeeOther {
			t.Fatalf("%d %.300s", a.status, a.body)
		}
		if a := james.post(ada+"/cancel", url.Values{"refund": {"full"}}); a.status != http.StatusSeeOther {
			t.Fatalf("%d %.300s", a.status, a.body)
		}
		d, _ := fx.booking.Attendee(ctx, fx.ada.Ref, fx.james.ID)
		if d.Booking.Status != booking.Cancelled || len(d.Refunds) != 2 || d.Refunds[0].AmountCents != 9800-1050 {
			t.Errorf("status %s, refunds %+v; want the rest refunded", d.Booking.Status, d.Refunds)
		}
		if a := james.post(ada+"/cancel", url.Values{"refund": {"full"}}); a.status != http.StatusConflict {
			t.Errorf("cancelling twice: %d", a.status)
		}
	})
}

func TestDashboardEventForms(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	james := e.signedIn("james@example.com")
	ctx := context.Background()
	t.Run("bad input re-renders the form with every problem named", func(t *testing.T) {
		a := james.post("/dashboard/events", url.Values{"title": {""}, "price": {"4,9.999"}, "currency": {"GBP"}, "timezone": {"Mars/Base"},
			"reminders": {"1 fortnight"}, "summary": {"kept"}})
		if a.status != http.StatusUnprocessableEntity {
			t.Fatalf("%d", a.status)
		}
		for _, want := range []string{`id="title-error"`, `id="price-error"`, `id="timezone-error"`, `id="reminders-error"`, `value="kept"`} {
			if !strings.Contains(a.body, want) {
				t.Errorf("form lacks %s", want)
			}
		}
		if n, _ := e.events.CountEvents(ctx); n != 0 {
			t.Errorf("%d events made by a bad form", n)
		}
	})
	t.Run("create, add two dates, edit, publish", func(t *testing.T) {
		a := james.post("/dashboard/events", url.Values{"title": {"Résumé Clinic"}, "summary": {"Fix your CV."}, "description": {"**Bring** a CV."},
			"timezone": {"Europe/London"}, "location": {"Online"}, "price": {"25"}, "currency": {"gbp"}, "hosts": {"parveen@example.com"},
			"reminders": {"1d, 1h"}, "registration_cutoff": {"2h"}, "refund_cutoff_hours": {"24"}, "status": {"draft"}})
		if a.status != http.StatusSeeOther || a.location != "/dashboard/events/resume-clinic?done=created" {
			t.Fatalf("%d %q %.500s", a.status, a.location, a.body)
		}
		for _, day := range []string{"2027-03-20", "2027-03-28"} { // the clocks go forward early on 28 March 2027
			a := james.post("/dashboard/events/resume-clinic/dates", url.Values{"date": {day}, "start": {"10:00"}, "end": {"12:30"}, "capacity": {"8"}})
			if a.status != http.StatusSeeOther {
				t.Fatalf("add %s: %d %.500s", day, a.status, a.body)
			}
		}
		a = james.post("/dashboard/events/resume-clinic/dates", url.Values{"date": {"someday"}, "start": {"10:00"}, "end": {"09:00"}, "capacity": {"0"}})
		if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="new-date-error"`) {
			t.Errorf("a bad date: %d", a.status)
		}
		a = james.post("/dashboard/events/resume-clinic", url.Values{"title": {"Résumé Clinic"}, "timezone": {"Europe/London"}, "currency": {"GBP"},
			"price": {"27.50"}, "reminders": {"2d, 30m"}, "registration_cutoff": {"0"}, "refund_cutoff_hours": {"48"}, "location": {"Online"}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %.500s", a.status, a.body)
		}
		if a := james.post("/dashboard/events/resume-clinic/publish", nil); a.status != http.StatusSeeOther {
			t.Fatalf("publish: %d", a.status)
		}
		ev, err := e.events.EventBySlug(ctx, "resume-clinic")
		if err != nil {
			t.Fatal(err)
		}
		if ev.PriceCents != 2750 || ev.Status != events.Published || len(ev.Hosts) != 1 || ev.RefundCutoffHours != 48 ||
			len(ev.ReminderOffsetsMinutes) != 2 || ev.ReminderOffsetsMinutes[0] != 2880 || ev.ReminderOffsetsMinutes[1] != 30 {
			t.Errorf("event after edit: %+v", ev)
		}
		if len(ev.Sessions) != 2 || ev.Sessions[0].StartsAt != time.Date(2027, 3, 20, 10, 0, 0, 0, time.UTC) ||
			ev.Sessions[1].StartsAt != time.Date(2027, 3, 28, 9, 0, 0, 0, time.UTC) || ev.Sessions[1].Capacity != 8 {
			t.Errorf("dates in London time across the change to summer time: %+v", ev.Sessions)
		}
		if status, _ := e.do("GET", "/events/resume-clinic", "", ""); status != 200 {
			t.Errorf("public page after publishing: %d", status)
		}
		if a := james.post("/dashboard/events/resume-clinic/unpublish", nil); a.status != http.StatusSeeOther {
			t.Fatalf("unpublish: %d", a.status)
		}
		if status, _ := e.do("GET", "/events/resume-clinic", "", ""); status != 404 {
			t.Errorf("public page after unpublishing: %d", status)
		}
	})
	t.Run("a date cannot shrink below its bookings", func(t *testing.T) {
		ev, _ := e.events.EventBySlug(ctx, "resume-clinic")
		james.post("/dashboard/events/resume-clinic/publish", nil)
		date := ev.Sessions[0]
		for i := range 3 {
			if _, err := e.booking.Reserve(ctx, booking.Request{SessionID: date.ID, Name: "A", Email: string(rune('a'+i)) + "@example.com", Seats: 1}); err != nil {
				t.Fatal(err)
			}
		}
		a := james.post(sessionURL(date.ID), url.Values{"date": {"2027-03-20"}, "start": {"10:00"}, "end": {"12:30"}, "capacity": {"2"}})
		if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="date-capacity-error"`) {
			t.Errorf("%d %.300s", a.status, a.body)
		}
	})
	t.Run("registration questions", func(t *testing.T) {
		bad := url.Values{"q0.label": {"Pick one"}, "q0.kind": {"single_choice"}, "q0.options": {"Only"}, "q1.label": {""}, "q1.kind": {"short_text"}}
		if a := james.post("/dashboard/events/resume-clinic/questions", bad); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "must list 2 to 20 choices") {
			t.Errorf("one choice: %d %.300s", a.status, a.body)
		}
		good := url.Values{"q0.label": {"Your role"}, "q0.kind": {"single_choice"}, "q0.options": {"Manager\r\nEngineer\r\n"}, "q0.required": {"yes"},
			"q1.label": {""}, "q1.kind": {"short_text"}, "q2.label": {"Anything else?"}, "q2.kind": {"long_text"}}
		if a := james.post("/dashboard/events/resume-clinic/questions", good); a.status != http.StatusSeeOther {
			t.Fatalf("%d %.300s", a.status, a.body)
		}
		ev, _ := e.events.EventBySlug(ctx, "resume-clinic")
		qs, _ := e.booking.Questions(ctx, ev.ID)
		if len(qs) != 2 || qs[0].Label != "Your role" || !qs[0].Required || len(qs[0].Options) != 2 || qs[1].Kind != booking.LongText {
			t.Errorf("questions %+v", qs)
		}
	})
}

func TestDashboardAttendeesCSV(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	e.createFree()
	if status, body := e.do("PUT", "/api/v1/admin/events/taster/questions", e.jamesToken, `[{"kind": "short_text", "label": "@Goal"}]`); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	ctx := context.Background()
	// Names are trimmed when booked, so a leading tab never reaches the
	// file; booking's own test covers it.
	names := []string{"=HYPERLINK(\"http://evil.example\",\"Click\")", "+44 7700 900123", "-2+3", "@SUM(A1:A2)", "Zoë Ørsted"}
	for i, name := range names {
		_, err := e.booking.Reserve(ctx, booking.Request{SessionID: 1, Name: name, Email: string(rune('a'+i)) + "@example.com", Seats: 1,
			Answers: booking.Answers{"1": "=1+1"}})
		if err != nil {
			t.Fatalf("book %q: %v", name, err)
		}
	}
	a := e.signedIn("james@example.com").get("/dashboard/sessions/1/attendees.csv")
	if a.status != 200 || a.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		a.header.Get("Content-Disposition") != `attachment; filename="taster-2027-09-22.csv"` {
		t.Fatalf("%d %v", a.status, a.header)
	}
	body, ok := strings.CutPrefix(a.body, "\ufeff")
	if !ok {
		t.Error("no byte order mark: Excel would misread the accents")
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(names) || rows[0][1] != "Name" || rows[0][len(rows[0])-1] != "'@Goal" {
		t.Fatalf("rows %q", rows)
	}
	tests := []struct{ name, want string }{
		{"formula", "'=HYPERLINK(\"http://evil.example\",\"Click\")"},
		{"plus", "'+44 7700 900123"},
		{"minus", "'-2+3"},
		{"at", "'@SUM(A1:A2)"},
		{"plain", "Zoë Ørsted"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := rows[i+1]
			if row[1] != tt.want {
				t.Errorf("name cell %q, want %q", row[1], tt.want)
			}
			if row[len(row)-1] != "'=1+1" {
				t.Errorf("answer cell %q, want it escaped", row[len(row)-1])
			}
		})
	}
}
