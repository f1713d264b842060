package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/web"
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
		{"booking", "/dashboard/bookings/" + fx.ada.Ref, []string{"Refund by the event's policy: £98.00", "Move to another date", "Wednesday 29 September 2027", "payment received"}},
		{"message", "/dashboard/sessions/1/message", []string{"To the 1 confirmed attendee of", `name="message_id"`}},
		{"outbox", "/dashboard/outbox", []string{"550 mailbox unavailable", "Retry", fx.ada.Ref}},
		{"failed emails", "/dashboard/outbox?status=failed", []string{"550 mailbox unavailable"}},
		{"payments log", "/dashboard/webhooks", []string{"checkout.session.completed", "confirmed", fx.ada.Ref}},
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
	e := newDashEnv(t, web.Config{})
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
	e := newDashEnv(t, web.Config{})
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

func TestDashboardDateCancellation(t *testing.T) {
	fx := newLabFixture(t)
	james := fx.signedIn("james@example.com")
	ctx := context.Background()
	if a := james.post("/dashboard/sessions/1/cancel", url.Values{"refund": {"full"}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "tick the box") {
		t.Fatalf("without confirming: %d %.300s", a.status, a.body)
	}
	if sess, _, _ := fx.events.Session(ctx, 1); sess.Status != events.Scheduled {
		t.Fatal("cancelled without confirmation")
	}
	a := james.post("/dashboard/sessions/1/cancel", url.Values{"refund": {"full"}, "confirm": {"yes"}})
	if a.status != http.StatusSeeOther || a.location != "/dashboard/sessions/1?done=date-cancelling" {
		t.Fatalf("%d %q %.300s", a.status, a.location, a.body)
	}
	waitForCancellation(t, james, 1)
	if sess, _, _ := fx.events.Session(ctx, 1); sess.Status != events.SessionCancelled {
		t.Errorf("the date is %s", sess.Status)
	}
	d, _ := fx.booking.Attendee(ctx, fx.ada.Ref, fx.james.ID)
	if d.Booking.Status != booking.Cancelled || len(d.Refunds) != 1 || d.Refunds[0].AmountCents != 9800 {
		t.Errorf("Ada: %s, refunds %+v; want cancelled and refunded in full", d.Booking.Status, d.Refunds)
	}
	if b := fx.bookingStatus(fx.bo.Ref); b.Status != booking.Cancelled {
		t.Errorf("Bo's hold is %s", b.Status)
	}
	mail, _ := fx.outbox.List(ctx, notify.Filter{BookingRef: fx.ada.Ref})
	if !hasKind(mail, notify.KindSessionCancelled) {
		t.Errorf("Ada was not emailed: %+v", mail)
	}
	page := james.get("/dashboard/sessions/1")
	if !strings.Contains(page.body, "Every booking is cancelled") || strings.Contains(page.body, "data-progress-url") {
		t.Errorf("the page does not say the cancellation is done: %.1000s", page.body)
	}
	if status, _, raw := fx.bookAPI(`{"session_id": 1, "name": "Late", "email": "late@example.com", "seats": 1}`); status != http.StatusConflict {
		t.Errorf("booking the cancelled date: %d %s", status, raw)
	}
}

func TestDashboardDateCancellationResumes(t *testing.T) {
	fx := newLabFixture(t)
	james := fx.signedIn("james@example.com")
	ctx := context.Background()
	// A server that stopped after cancelling the date but before its
	// bookings: the date is cancelled, Ada's booking still live.
	if _, err := fx.events.CancelSession(ctx, fx.james.ID, 1); err != nil {
		t.Fatal(err)
	}
	page := james.get("/dashboard/sessions/1")
	if !strings.Contains(page.body, "Finish cancelling") || !strings.Contains(page.body, `<strong data-live>2</strong> bookings still to cancel`) {
		t.Fatalf("the page does not offer to finish: %.2000s", page.body)
	}
	if a := james.post("/dashboard/sessions/1/cancel", url.Values{"refund": {"policy"}, "confirm": {"yes"}}); a.status != http.StatusSeeOther {
		t.Fatalf("%d %.300s", a.status, a.body)
	}
	waitForCancellation(t, james, 1)
	if fx.bookingStatus(fx.ada.Ref).Status.Live() || fx.bookingStatus(fx.bo.Ref).Status.Live() {
		t.Error("bookings still live after finishing")
	}
	if d, _ := fx.booking.Attendee(ctx, fx.ada.Ref, fx.james.ID); len(d.Refunds) != 1 || d.Refunds[0].AmountCents != 9800 {
		t.Errorf("Ada's refunds %+v, want the policy's full refund", d.Refunds)
	}
}

func TestDashboardMessages(t *testing.T) {
	e := newDashEnv(t, web.Config{})
	e.createFree()
	ctx := context.Background()
	for _, email := range []string{"ada@example.com", "cy@example.com"} {
		if _, err := e.booking.Reserve(ctx, booking.Request{SessionID: 1, Name: "Attendee", Email: email, Seats: 1}); err != nil {
			t.Fatal(err)
		}
	}
	james := e.signedIn("james@example.com")
	form := url.Values{"message_id": {"form-1"}, "subject": {"Room change"}, "body": {"We meet in room 4.\r\n\r\nBring a pen."}}
	t.Run("missing subject", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("subject", " ")
		if a := james.post("/dashboard/sessions/1/message", f); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="subject-error"`) {
			t.Errorf("%d", a.status)
		}
	})
	t.Run("preview shows the message and sends nothing", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("intent", "preview")
		a := james.post("/dashboard/sessions/1/message", f)
		if a.status != 200 || !strings.Contains(a.body, "<p>We meet in room 4.</p>") || !strings.Contains(a.body, "and 1 other, each sent separately") {
			t.Errorf("%d %.1500s", a.status, a.body)
		}
		if mail, _ := e.outbox.List(ctx, notify.Filter{}); hasKind(mail, notify.KindCoachMessage) {
			t.Error("a preview was sent")
		}
	})
	t.Run("send writes one email per attendee, once", func(t *testing.T) {
		for range 2 {
			f := cloneForm(form)
			f.Set("intent", "send")
			if a := james.post("/dashboard/sessions/1/message", f); a.status != http.StatusSeeOther || a.location != "/dashboard/sessions/1?done=sent" {
				t.Fatalf("%d %q %.300s", a.status, a.location, a.body)
			}
		}
		mail, _ := e.outbox.List(ctx, notify.Filter{})
		var to []string
		for _, m := range mail {
			if m.Kind == notify.KindCoachMessage {
				to = append(to, m.To)
			}
		}
		if len(to) != 2 {
			t.Errorf("coach messages to %v, want Ada and Cy once each", to)
		}
	})
}

func TestDashboardSettings(t *testing.T) {
	fx := newLabFixture(t)
	james := fx.signedIn("james@example.com")
	t.Run("an API token is shown once, works, and is revoked", func(t *testing.T) {
		if a := james.post("/dashboard/settings/tokens", url.Values{"name": {"  "}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="token-name-error"`) {
			t.Errorf("no name: %d", a.status)
		}
		a := james.post("/dashboard/settings/tokens", url.Values{"name": {"Zapier"}})
		token := between(a.body, `id="new-token" readonly value="`, `"`)
		if a.status != http.StatusCreated || !strings.HasPrefix(token, "rst_api_") {
			t.Fatalf("%d, token %q", a.status, token)
		}
		if status, _ := fx.do("GET", "/api/v1/admin/events", token, ""); status != 200 {
			t.Errorf("the new token: %d", status)
		}
		if page := james.get("/dashboard/settings"); strings.Contains(page.body, token) || !strings.Contains(page.body, "Zapier") {
			t.Error("the settings page shows the token again, or lost its name")
		}
		list, _ := fx.events.CoachTokens(context.Background(), fx.james.ID, events.APIToken)
		var id int64
		for _, tok := range list {
			if tok.Name == "Zapier" {
				id = tok.ID
			}
		}
		if a := james.post("/dashboard/settings/tokens/"+itoa(id)+"/revoke", nil); a.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", a.status)
		}
		if status, _ := fx.do("GET", "/api/v1/admin/events", token, ""); status != 401 {
			t.Errorf("the revoked token: %d", status)
		}
	})
	t.Run("a new calendar feed link replaces the old", func(t *testing.T) {
		first := between(james.post("/dashboard/settings/feed", nil).body, `id="feed-url" readonly value="`, `"`)
		second := between(james.post("/dashboard/settings/feed", nil).body, `id="feed-url" readonly value="`, `"`)
		if !strings.HasPrefix(first, "webcal://roster.test/coaches/feed.ics?token=") || first == second {
			t.Fatalf("feed links %q, %q", first, second)
		}
		feed := func(link string) int {
			status, _ := fx.do("GET", strings.TrimPrefix(link, "webcal://roster.test"), "", "")
			return status
		}
		if feed(first) != 401 || feed(second) != 200 {
			t.Errorf("old link %d, new link %d; want 401 and 200", feed(first), feed(second))
		}
	})
	t.Run("a failed email is sent again", func(t *testing.T) {
		a := james.post("/dashboard/outbox/"+itoa(fx.failedEmail)+"/retry", nil)
		if a.status != http.StatusSeeOther {
			t.Fatalf("%d %.300s", a.status, a.body)
		}
		if failed, _ := fx.outbox.List(context.Background(), notify.Filter{Status: notify.Failed}); len(failed) != 0 {
			t.Errorf("still failed: %+v", failed)
		}
		if a := james.post("/dashboard/outbox/"+itoa(fx.failedEmail)+"/retry", nil); a.status != http.StatusNotFound {
			t.Errorf("retrying an email that has not failed: %d", a.status)
		}
	})
}

func sessionURL(id int64) string { return "/dashboard/sessions/" + itoa(id) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// between returns the text of s between the first before and the next
// after, or "".
func between(s, before, after string) string {
	_, rest, ok := strings.Cut(s, before)
	if !ok {
		return ""
	}
	value, _, _ := strings.Cut(rest, after)
	return value
}

// waitForCancellation follows the progress a cancelled date's page shows
// until its bookings are all cancelled and the background work is over.
func waitForCancellation(t *testing.T, b *browser, sessionID int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var p struct {
			Live    int  `json:"live"`
			Running bool `json:"running"`
		}
		progress := b.get(sessionURL(sessionID) + "/cancel/progress")
		if err := json.Unmarshal([]byte(progress.body), &p); err != nil {
			t.Fatalf("progress %d %q", progress.status, progress.body)
		}
		if p.Live == 0 && !p.Running {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %d live bookings after 30s", p.Live)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
