package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/web/server"
)

// Cancelling a date is one transaction in the request: when the answer
// arrives, everything on the date is already cancelled (no background
// work to wait for).
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
	if a.status != http.StatusSeeOther || a.location != "/dashboard/sessions/1?done=date-cancelled" {
		t.Fatalf("%d %q %.300s", a.status, a.location, a.body)
	}
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
	if !strings.Contains(page.body, "Every booking is cancelled") || !strings.Contains(page.body, `<strong data-progress="done">0</strong> of <strong data-progress="total">1</strong> made · <strong data-progress="pending">1</strong> pending`) {
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
	if !strings.Contains(page.body, "Finish cancelling") || !strings.Contains(page.body, `<strong>2</strong> bookings still live`) {
		t.Fatalf("the page does not offer to finish: %.2000s", page.body)
	}
	if a := james.post("/dashboard/sessions/1/cancel", url.Values{"refund": {"policy"}, "confirm": {"yes"}}); a.status != http.StatusSeeOther {
		t.Fatalf("%d %.300s", a.status, a.body)
	}
	if fx.bookingStatus(fx.ada.Ref).Status.Live() || fx.bookingStatus(fx.bo.Ref).Status.Live() {
		t.Error("bookings still live after finishing")
	}
	if d, _ := fx.booking.Attendee(ctx, fx.ada.Ref, fx.james.ID); len(d.Refunds) != 1 || d.Refunds[0].AmountCents != 9800 {
		t.Errorf("Ada's refunds %+v, want the policy's full refund", d.Refunds)
	}
}

func TestDashboardMessages(t *testing.T) {
	e := newDashEnv(t, server.Config{})
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
		if a := james.post("/dashboard/settings/tokens", url.Values{"name": {"Zapier"}}); a.status != http.StatusUnauthorized || !strings.Contains(a.body, `id="token-password-error"`) {
			t.Errorf("without the password: %d", a.status)
		}
		if a := james.post("/dashboard/settings/tokens", url.Values{"name": {"Zapier"}, "password": {"not it"}}); a.status != http.StatusUnauthorized || strings.Contains(a.body, "rst_api_") {
			t.Errorf("with a wrong password: %d", a.status)
		}
		a := james.post("/dashboard/settings/tokens", url.Values{"name": {"Zapier"}, "password": {coachPassword}})
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
		list, _ := fx.coaches.Tokens(context.Background(), fx.james.ID, coaches.APIToken)
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
