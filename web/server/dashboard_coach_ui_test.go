package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/events"
)

// What coaches see (issue #17): publishing asks for dates and a place,
// drafts preview, dates repeat weekly, events duplicate, the refund box
// starts empty, and the history speaks a coach's words.
func TestDashboardCoachPages(t *testing.T) {
	fx := newLabFixture(t)
	james := fx.signedIn("james@example.com")
	ctx := context.Background()
	draft := url.Values{"title": {"Spring Reset"}, "timezone": {"Europe/London"}, "currency": {"GBP"}, "price": {"20"},
		"refund_cutoff_hours": {"48"}, "status": {"draft"}}
	if a := james.post("/dashboard/events", draft); a.status != http.StatusSeeOther {
		t.Fatalf("create the draft: %d %.300s", a.status, a.body)
	}

	t.Run("publishing a draft with no date or location asks for them", func(t *testing.T) {
		a := james.post("/dashboard/events/spring-reset/publish", nil)
		if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "Before publishing, add a date and a location") ||
			!strings.Contains(a.body, "add a date before publishing") || !strings.Contains(a.body, `id="location-error"`) {
			t.Fatalf("%d %.2000s", a.status, a.body)
		}
		if e, _ := fx.events.EventBySlug(ctx, "spring-reset"); e.Status != events.Draft {
			t.Errorf("the event is %s, want still a draft", e.Status)
		}
	})

	t.Run("hosts preview a draft; other coaches get 404", func(t *testing.T) {
		a := james.get("/dashboard/events/spring-reset/preview")
		if a.status != http.StatusOK || !strings.Contains(a.body, "Spring Reset") || !strings.Contains(a.body, "the event is a draft") ||
			!strings.Contains(a.body, "No dates yet") {
			t.Errorf("%d %.1000s", a.status, a.body)
		}
		if a := fx.signedIn("mallory@example.com").get("/dashboard/events/spring-reset/preview"); a.status != http.StatusNotFound {
			t.Errorf("Mallory previews James's draft: %d", a.status)
		}
		if status, _ := fx.do("GET", "/events/spring-reset", "", ""); status != http.StatusNotFound {
			t.Errorf("the draft's public page: %d, want 404", status)
		}
	})

	t.Run("a weekly series across the clock change keeps its wall time", func(t *testing.T) {
		// 2027-10-31 is the last Sunday of October: London leaves BST.
		a := james.post("/dashboard/events/spring-reset/dates", url.Values{"date": {"2027-10-20"}, "start": {"18:00"}, "end": {"20:00"},
			"capacity": {"8"}, "repeat_weeks": {"2"}})
		if a.status != http.StatusSeeOther || a.location != "/dashboard/events/spring-reset?done=dates-added-3#dates" {
			t.Fatalf("%d %q %.500s", a.status, a.location, a.body)
		}
		e, err := fx.events.EventBySlug(ctx, "spring-reset")
		if err != nil || len(e.Sessions) != 3 {
			t.Fatalf("%d dates, %v; want 3", len(e.Sessions), err)
		}
		for i, want := range []string{"2027-10-20 18:00 BST", "2027-10-27 18:00 BST", "2027-11-03 18:00 GMT"} {
			if got := e.Sessions[i].StartsAt.In(e.Zone()).Format("2006-01-02 15:04 MST"); got != want {
				t.Errorf("date %d starts %s, want %s", i, got, want)
			}
		}
		page := james.get("/dashboard/events/spring-reset?done=dates-added-3")
		for _, want := range []string{"3 weekly dates added.", `value="2027-11-10"`, `value="8"`, `name="repeat_weeks"`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the event page lacks %q: the form should keep the last date's values a week on", want)
			}
		}
		if a := james.post("/dashboard/events/spring-reset/dates", url.Values{"date": {"2027-12-01"}, "start": {"18:00"}, "end": {"20:00"},
			"capacity": {"8"}, "repeat_weeks": {"200"}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "must be a number of weeks") {
			t.Errorf("200 weeks: %d", a.status)
		}
	})

	t.Run("with dates and a place, it publishes", func(t *testing.T) {
		form := url.Values{}
		for k, v := range draft {
			form[k] = v
		}
		form.Set("location", "Online")
		if a := james.post("/dashboard/events/spring-reset", form); a.status != http.StatusSeeOther {
			t.Fatalf("save: %d %.500s", a.status, a.body)
		}
		if a := james.post("/dashboard/events/spring-reset/publish", nil); a.status != http.StatusSeeOther {
			t.Fatalf("publish: %d %.500s", a.status, a.body)
		}
	})

	t.Run("an event duplicates into a new draft form", func(t *testing.T) {
		a := james.get("/dashboard/events/new?from=career-clarity-lab")
		if a.status != http.StatusOK || !strings.Contains(a.body, `value="Career Clarity Lab (copy)"`) || !strings.Contains(a.body, `value="49.00"`) {
			t.Errorf("%d %.500s", a.status, a.body)
		}
		if a := fx.signedIn("mallory@example.com").get("/dashboard/events/new?from=career-clarity-lab"); a.status != http.StatusNotFound {
			t.Errorf("Mallory copies James's event: %d", a.status)
		}
	})

	ada := "/dashboard/bookings/" + fx.ada.Ref
	t.Run("the partial refund box starts empty and refuses an empty amount", func(t *testing.T) {
		page := james.get(ada)
		if !strings.Contains(page.body, `id="amount" name="amount" inputmode="decimal" value=""`) {
			t.Errorf("the refund box is not empty")
		}
		if a := james.post(ada+"/refund", url.Values{"amount": {""}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "type the amount to refund") {
			t.Errorf("empty amount: %d", a.status)
		}
		if d, _ := fx.booking.Attendee(ctx, fx.ada.Ref, fx.james.ID); len(d.Refunds) != 0 {
			t.Errorf("refunds %+v, want none", d.Refunds)
		}
	})

	t.Run("history and payments log in words, times in the coach's zone", func(t *testing.T) {
		if a := james.post(ada+"/refund", url.Values{"amount": {"10"}}); a.status != http.StatusSeeOther {
			t.Fatalf("refund: %d", a.status)
		}
		if _, err := fx.booking.ProcessRefunds(ctx); err != nil {
			t.Fatal(err)
		}
		page := james.get(ada)
		for _, want := range []string{"Paid by card", "Refund of £10.00 queued (by you)", "Refund of £10.00 sent"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the booking page lacks %q", want)
			}
		}
		for _, internal := range []string{"offline_re_", "by coach ", "checkout.session"} {
			if strings.Contains(page.body, internal) {
				t.Errorf("the booking page shows %q", internal)
			}
		}
		log := james.get("/dashboard/webhooks")
		if strings.Contains(log.body, "checkout.session") || strings.Contains(log.body, "offline_evt_") || !strings.Contains(log.body, "Times are in Europe/London") {
			t.Errorf("the payments log shows internal names: %.2000s", log.body)
		}
		received := fx.clock.Now().In(mustZone(t, "Europe/London")).Format("2 Jan 2006, 15:04")
		if !strings.Contains(log.body, received) {
			t.Errorf("the payments log lacks the London time %s", received)
		}
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	zone, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return zone
}

// A cancelled date's refunds show as made, pending and failed of the
// total, from a JSON answer the page polls, with a retry for failures.
func TestDashboardRefundProgress(t *testing.T) {
	fx := newLabFixture(t)
	james := fx.signedIn("james@example.com")
	ctx := context.Background()
	if a := james.post("/dashboard/sessions/1/cancel", url.Values{"refund": {"full"}, "confirm": {"yes"}}); a.status != http.StatusSeeOther {
		t.Fatalf("cancel: %d %.300s", a.status, a.body)
	}
	progress := func(t *testing.T) string {
		t.Helper()
		a := james.get("/dashboard/sessions/1/refunds")
		if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
			t.Fatalf("%d %s %.300s", a.status, a.header.Get("Content-Type"), a.body)
		}
		return strings.TrimSpace(a.body)
	}
	if got, want := progress(t), `{"done":0,"pending":1,"failed":0,"total":1}`; got != want {
		t.Errorf("after cancelling: %s, want %s", got, want)
	}
	if _, err := fx.db.Writer().Exec(`UPDATE refunds SET status = 'failed', last_error = 'card expired'`); err != nil {
		t.Fatal(err)
	}
	if got, want := progress(t), `{"done":0,"pending":0,"failed":1,"total":1}`; got != want {
		t.Errorf("after the worker gave up: %s, want %s", got, want)
	}
	page := james.get("/dashboard/sessions/1")
	if !strings.Contains(page.body, "Retry failed refunds") || !strings.Contains(page.body, `data-progress-url="/dashboard/sessions/1/refunds"`) {
		t.Errorf("the date page offers no retry: %.3000s", page.body)
	}
	if a := fx.signedIn("mallory@example.com").get("/dashboard/sessions/1/refunds"); a.status != http.StatusNotFound {
		t.Errorf("Mallory reads James's refunds: %d", a.status)
	}
	if a := fx.newBrowser().get("/dashboard/sessions/1/refunds"); a.status != http.StatusSeeOther {
		t.Errorf("signed out: %d, want the sign-in redirect", a.status)
	}
	a := james.post("/dashboard/sessions/1/refunds/retry", nil)
	if a.status != http.StatusSeeOther || a.location != "/dashboard/sessions/1?done=refunds-retried" {
		t.Fatalf("retry: %d %q", a.status, a.location)
	}
	if _, err := fx.booking.ProcessRefunds(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := progress(t), `{"done":1,"pending":0,"failed":0,"total":1}`; got != want {
		t.Errorf("after the retry: %s, want %s", got, want)
	}
}

// After cancelling a whole event, its page shows the refunds of all its
// dates, polled from the event's own JSON answer.
func TestDashboardEventRefundProgress(t *testing.T) {
	fx := newLabFixture(t)
	james := fx.signedIn("james@example.com")
	if a := james.post("/dashboard/events/career-clarity-lab/cancel", url.Values{"refund": {"full"}, "confirm": {"yes"}}); a.status != http.StatusSeeOther {
		t.Fatalf("cancel: %d %.300s", a.status, a.body)
	}
	a := james.get("/dashboard/events/career-clarity-lab/refunds")
	if got, want := strings.TrimSpace(a.body), `{"done":0,"pending":1,"failed":0,"total":1}`; a.status != http.StatusOK || got != want {
		t.Errorf("%d %s, want %s", a.status, got, want)
	}
	page := james.get("/dashboard/events/career-clarity-lab")
	if !strings.Contains(page.body, "This event is cancelled") || !strings.Contains(page.body, `data-progress-url="/dashboard/events/career-clarity-lab/refunds"`) {
		t.Errorf("the event page shows no refund progress")
	}
	if a := fx.signedIn("mallory@example.com").get("/dashboard/events/career-clarity-lab/refunds"); a.status != http.StatusNotFound {
		t.Errorf("Mallory: %d", a.status)
	}
	if a := james.post("/dashboard/events/career-clarity-lab/refunds/retry", nil); a.status != http.StatusSeeOther {
		t.Errorf("retry: %d", a.status)
	}
}
