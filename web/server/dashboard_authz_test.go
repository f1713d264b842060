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

// labFixture is the Career Clarity Lab (dates 1 and 2, hosted by James and
// Parveen) with Ada's paid booking of two seats and Bo's unpaid hold on
// date 1, one registration question, and a failed email about Ada.
type labFixture struct {
	*dashEnv
	ada, bo     booking.Booking
	failedEmail int64
	tokenID     int64 // James's API token
}

const questionsJSON = `[{"kind": "short_text", "label": "What do you want from the lab?", "required": false}]`

func newLabFixture(t *testing.T) *labFixture {
	t.Helper()
	e := newDashEnv(t, server.Config{})
	e.createLab()
	if status, body := e.do("PUT", "/api/v1/admin/events/career-clarity-lab/questions", e.jamesToken, questionsJSON); status != 200 {
		t.Fatalf("questions: %d %s", status, body)
	}
	fx := &labFixture{dashEnv: e}
	fx.ada = e.paidBooking(1, "Ada Lovelace", "ada@example.com", 2)
	fx.bo = e.hold(1, "Bo Diddley", "bo@example.com")
	ctx := context.Background()
	mail, err := e.outbox.List(ctx, notify.Filter{BookingRef: fx.ada.Ref})
	if err != nil || len(mail) == 0 {
		t.Fatalf("no email about Ada: %v", err)
	}
	fx.failedEmail = mail[0].ID
	if _, err := e.db.Writer().Exec(e.db.Rebind(`UPDATE outbox SET status = 'failed', last_error = '550 mailbox unavailable' WHERE id = ?`), fx.failedEmail); err != nil {
		t.Fatal(err)
	}
	tokens, err := e.coaches.Tokens(ctx, e.james.ID, coaches.APIToken)
	if err != nil || len(tokens) == 0 {
		t.Fatalf("James's tokens: %v", err)
	}
	fx.tokenID = tokens[0].ID
	return fx
}

type route struct {
	method, path string
	form         url.Values
}

// routes are every dashboard page and action on the lab's ids.
func (fx *labFixture) routes() []route {
	ada := "/dashboard/bookings/" + fx.ada.Ref
	dateForm := url.Values{"date": {"2027-10-06"}, "start": {"18:00"}, "end": {"20:00"}, "capacity": {"3"}}
	return []route{
		{"GET", "/dashboard/events/career-clarity-lab", nil},
		{"GET", "/dashboard/events/career-clarity-lab/questions", nil},
		{"GET", "/dashboard/sessions/1", nil},
		{"GET", "/dashboard/sessions/1/attendees.csv", nil},
		{"GET", "/dashboard/sessions/1/message", nil},
		{"GET", ada, nil},
		{"POST", "/dashboard/events/career-clarity-lab", url.Values{"title": {"Mine now"}, "timezone": {"UTC"}, "currency": {"GBP"}, "price": {"1"}}},
		{"POST", "/dashboard/events/career-clarity-lab/unpublish", nil},
		{"POST", "/dashboard/events/career-clarity-lab/publish", nil},
		{"POST", "/dashboard/events/career-clarity-lab/dates", dateForm},
		{"POST", "/dashboard/events/career-clarity-lab/questions", url.Values{"q0.label": {"Mine?"}, "q0.kind": {"short_text"}}},
		{"POST", "/dashboard/sessions/1", dateForm},
		{"POST", "/dashboard/sessions/1/cancel", url.Values{"refund": {"full"}, "confirm": {"yes"}}},
		{"POST", "/dashboard/sessions/1/message", url.Values{"subject": {"Hi"}, "body": {"Hello"}, "message_id": {"m1"}, "intent": {"send"}}},
		{"POST", ada + "/check-in", url.Values{"checked_in": {"yes"}}},
		{"POST", ada + "/cancel", url.Values{"refund": {"none"}}},
		{"POST", ada + "/refund", url.Values{"amount": {"1.00"}}},
		{"POST", ada + "/move", url.Values{"session_id": {"2"}}},
		{"POST", "/dashboard/outbox/" + strconv.FormatInt(fx.failedEmail, 10) + "/retry", nil},
		{"POST", "/dashboard/settings/tokens/" + strconv.FormatInt(fx.tokenID, 10) + "/revoke", nil},
	}
}

func TestDashboardAuthorisation(t *testing.T) {
	fx := newLabFixture(t)
	mallory := fx.signedIn("mallory@example.com")
	parveen := fx.signedIn("parveen@example.com")
	for _, r := range fx.routes() {
		t.Run("no login "+r.method+" "+r.path, func(t *testing.T) {
			a := fx.newBrowser().send(r.method, r.path, r.form, nil)
			if a.status != http.StatusSeeOther || !strings.HasPrefix(a.location, "/dashboard/login?next=") {
				t.Errorf("%d %q, want 303 to the sign-in page", a.status, a.location)
			}
		})
		t.Run("another coach "+r.method+" "+r.path, func(t *testing.T) {
			var a answer
			if r.method == "GET" {
				a = mallory.get(r.path)
			} else {
				a = mallory.post(r.path, cloneForm(r.form))
			}
			if a.status != http.StatusNotFound {
				t.Errorf("%d, want 404: %.300s", a.status, a.body)
			}
			if strings.Contains(a.body, "ada@example.com") || strings.Contains(a.body, "Career Clarity") {
				t.Errorf("the 404 tells of the lab: %.500s", a.body)
			}
		})
		if r.method == "GET" {
			t.Run("co-host "+r.path, func(t *testing.T) {
				if a := parveen.get(r.path); a.status != 200 {
					t.Errorf("%d, want 200: %.300s", a.status, a.body)
				}
			})
		}
	}
	t.Run("nothing changed", func(t *testing.T) {
		ctx := context.Background()
		e, err := fx.events.EventBySlug(ctx, "career-clarity-lab")
		if err != nil || e.Title != "Career Clarity Lab" || e.Status != events.Published || len(e.Sessions) != 2 ||
			e.Sessions[0].Status != events.Scheduled || e.Sessions[0].Capacity != 12 {
			t.Errorf("event %+v, %v", e, err)
		}
		if qs, _ := fx.booking.Questions(ctx, e.ID); len(qs) != 1 || qs[0].Label != "What do you want from the lab?" {
			t.Errorf("questions %+v", qs)
		}
		if b := fx.bookingStatus(fx.ada.Ref); b.Status != booking.Confirmed || b.SessionID != 1 {
			t.Errorf("Ada's booking %+v", b)
		}
		a, _ := fx.booking.Attendee(ctx, fx.ada.Ref, fx.james.ID)
		if a.CheckedInAt != nil || len(a.Refunds) != 0 {
			t.Errorf("Ada checked in %v, refunds %+v", a.CheckedInAt, a.Refunds)
		}
		failed, _ := fx.outbox.List(ctx, notify.Filter{Status: notify.Failed})
		if len(failed) != 1 {
			t.Errorf("failed emails %+v, want the one still failed", failed)
		}
		if messages, _ := fx.outbox.List(ctx, notify.Filter{}); hasKind(messages, notify.KindCoachMessage) {
			t.Error("another coach messaged the attendees")
		}
		if status, _ := fx.do("GET", "/api/v1/admin/events", fx.jamesToken, ""); status != 200 {
			t.Errorf("James's token was revoked: %d", status)
		}
	})
	t.Run("another coach's overview does not list the lab", func(t *testing.T) {
		if a := mallory.get("/dashboard"); a.status != 200 || strings.Contains(a.body, "Career Clarity") {
			t.Errorf("%d %.500s", a.status, a.body)
		}
	})
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func hasKind(entries []notify.Entry, kind notify.Kind) bool {
	for _, e := range entries {
		if e.Kind == kind {
			return true
		}
	}
	return false
}
