package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/web/server"
)

// The web layer drives the lifecycle through booking's methods: these
// tests go through HTTP and read what attendees would see (their booking,
// its invite, their email, the waitlist).

// tasterBooking books seats on a date of the free taster through the API
// and returns the booking's ref and manage token.
func (e *dashEnv) tasterBooking(sessionID int64, name, email string) (ref, token string) {
	e.t.Helper()
	status, c, raw := e.bookAPI(fmt.Sprintf(`{"session_id": %d, "name": %q, "email": %q, "seats": 1}`, sessionID, name, email))
	if status != http.StatusCreated {
		e.t.Fatalf("book %s: %d %s", name, status, raw)
	}
	return manage(c.ManageURL)
}

// invite returns a booking's calendar invite and its SEQUENCE.
func (e *dashEnv) invite(ref, token string) (string, int) {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + "/bookings/" + ref + "/invite.ics?t=" + url.QueryEscape(token))
	if err != nil {
		e.t.Fatal(err)
	}
	body := readAll(e.t, resp)
	m := regexp.MustCompile(`SEQUENCE:(\d+)`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		e.t.Fatalf("invite of %s: %d %s", ref, resp.StatusCode, body)
	}
	seq, _ := strconv.Atoi(m[1])
	return body, seq
}

// waitlistStatus returns the status of email's entry in a date's waitlist.
func (e *dashEnv) waitlistStatus(sessionID int64, email string) string {
	e.t.Helper()
	status, raw := e.do("GET", fmt.Sprintf("/api/v1/admin/sessions/%d/waitlist", sessionID), e.jamesToken, "")
	var list []struct{ Email, Status string }
	if err := json.Unmarshal([]byte(raw), &list); status != http.StatusOK || err != nil {
		e.t.Fatalf("waitlist: %d %s", status, raw)
	}
	for _, w := range list {
		if w.Email == email {
			return w.Status
		}
	}
	return "absent"
}

// fullDateWithBen fills the taster's 2-seat date with Ann and Bo and puts
// Ben on its waitlist; it returns Ann's booking.
func (e *dashEnv) fullDateWithBen() (ref, token string) {
	e.t.Helper()
	ref, token = e.tasterBooking(2, "Ann", "ann@example.com")
	e.tasterBooking(2, "Bo", "bo@example.com")
	if status, raw := e.do("POST", "/api/v1/sessions/2/waitlist", "", `{"name": "Ben", "email": "ben@example.com", "seats": 1}`); status != http.StatusCreated {
		e.t.Fatalf("Ben joins the waitlist: %d %s", status, raw)
	}
	return ref, token
}

func (e *dashEnv) mailKinds(ref string) []notify.Kind {
	e.t.Helper()
	mail, err := e.outbox.List(context.Background(), notify.Filter{BookingRef: ref})
	if err != nil {
		e.t.Fatal(err)
	}
	var kinds []notify.Kind
	for _, m := range mail {
		kinds = append(kinds, m.Kind)
	}
	return kinds
}

func TestAdminEventCancel(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	e.createFree()
	annRef, annToken := e.fullDateWithBen()
	_, seqBefore := e.invite(annRef, annToken)
	e.createLab()
	hold := e.hold(3, "Hal", "hal@example.com") // the lab's first date

	t.Run("the taster, its bookings, waitlist and mail", func(t *testing.T) {
		status, raw := e.do("POST", "/api/v1/admin/events/taster/cancel", e.jamesToken, `{"refund": "none"}`)
		if status != http.StatusOK || !strings.Contains(raw, `"status":"cancelled"`) {
			t.Fatalf("cancel: %d %s", status, raw)
		}
		if got := e.bookingStatus(annRef).Status; got != booking.Cancelled {
			t.Errorf("Ann's booking is %s, want cancelled", got)
		}
		ics, seqAfter := e.invite(annRef, annToken)
		if !strings.Contains(ics, "METHOD:CANCEL") || seqAfter <= seqBefore {
			t.Errorf("Ann's invite: SEQUENCE %d -> %d, want higher, with METHOD:CANCEL:\n%s", seqBefore, seqAfter, ics)
		}
		if kinds := e.mailKinds(annRef); !hasKindIn(kinds, notify.KindSessionCancelled) {
			t.Errorf("Ann was not told: %v", kinds)
		}
		if got := e.waitlistStatus(2, "ben@example.com"); got != string(booking.Left) {
			t.Errorf("Ben's place is %s, want left", got)
		}
	})
	t.Run("the lab's hold is released", func(t *testing.T) {
		if status, raw := e.do("POST", "/api/v1/admin/events/career-clarity-lab/cancel", e.jamesToken, ""); status != http.StatusOK {
			t.Fatalf("cancel: %d %s", status, raw)
		}
		if got := e.bookingStatus(hold.Ref).Status; got.Live() {
			t.Errorf("Hal's hold is %s", got)
		}
	})
	t.Run("cancelling again is refused", func(t *testing.T) {
		if status, raw := e.do("POST", "/api/v1/admin/events/taster/cancel", e.jamesToken, ""); status != http.StatusConflict {
			t.Errorf("again: %d %s", status, raw)
		}
	})
	t.Run("an unknown refund choice names the field", func(t *testing.T) {
		if status, raw := e.do("POST", "/api/v1/admin/events/taster/cancel", e.jamesToken, `{"refund": "half"}`); status != http.StatusUnprocessableEntity || !strings.Contains(raw, `"refund"`) {
			t.Errorf("%d %s", status, raw)
		}
	})
}

func TestAdminEditSendsUpdatedInvite(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	e.createFree()
	ref, token := e.tasterBooking(1, "Ann", "ann@example.com")
	_, before := e.invite(ref, token)
	if status, raw := e.do("PATCH", "/api/v1/admin/events/taster", e.jamesToken, `{"title": "Free Taster Evening"}`); status != http.StatusOK {
		t.Fatalf("patch: %d %s", status, raw)
	}
	ics, after := e.invite(ref, token)
	if after <= before || !strings.Contains(ics, "METHOD:REQUEST") || !strings.Contains(ics, "Free Taster Evening") {
		t.Errorf("SEQUENCE %d -> %d, want higher, with the new title:\n%s", before, after, ics)
	}
	if kinds := e.mailKinds(ref); !hasKindIn(kinds, notify.KindChanged) {
		t.Errorf("Ann was not sent the change: %v", kinds)
	}
	t.Run("a change calendars do not show sends nothing", func(t *testing.T) {
		if status, raw := e.do("PATCH", "/api/v1/admin/events/taster", e.jamesToken, `{"summary": "Come along."}`); status != http.StatusOK {
			t.Fatalf("patch: %d %s", status, raw)
		}
		if _, again := e.invite(ref, token); again != after {
			t.Errorf("SEQUENCE %d -> %d for a summary change", after, again)
		}
	})
}

func TestAdminCapacityRaiseOffersTheWaitlist(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	e.createFree()
	e.fullDateWithBen()
	if got := e.waitlistStatus(2, "ben@example.com"); got != string(booking.Waiting) {
		t.Fatalf("Ben is %s before the raise", got)
	}
	if status, raw := e.do("PATCH", "/api/v1/admin/sessions/2", e.jamesToken, `{"capacity": 3}`); status != http.StatusOK {
		t.Fatalf("raise: %d %s", status, raw)
	}
	if got := e.waitlistStatus(2, "ben@example.com"); got != string(booking.Offered) {
		t.Errorf("Ben is %s after the raise, want offered", got)
	}
}

func TestMoveAfterStartAndCheckIn(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	e.createFree()
	ref, token := e.tasterBooking(1, "Ann", "ann@example.com")
	ctx := context.Background()
	if _, err := e.booking.SetCheckedIn(ctx, ref, e.james.ID, true); err != nil {
		t.Fatal(err)
	}
	t.Run("a move clears the check-in", func(t *testing.T) {
		if status, raw := e.do("POST", "/api/v1/bookings/"+ref+"/move?t="+url.QueryEscape(token), "", `{"session_id": 2}`); status != http.StatusOK {
			t.Fatalf("move: %d %s", status, raw)
		}
		attendees, err := e.booking.SessionAttendees(ctx, e.james.ID, 2)
		if err != nil || len(attendees) != 1 {
			t.Fatalf("attendees of date 2: %v %v", attendees, err)
		}
		if attendees[0].CheckedInAt != nil {
			t.Errorf("Ann is still checked in after moving: %v", attendees[0].CheckedInAt)
		}
	})
	t.Run("a move once the date has begun is refused", func(t *testing.T) {
		e.clock.Advance(time.Date(2027, 9, 29, 17, 30, 0, 0, time.UTC).Sub(e.clock.Now())) // date 2 began at 17:00Z
		status, raw := e.do("POST", "/api/v1/bookings/"+ref+"/move?t="+url.QueryEscape(token), "", `{"session_id": 1}`)
		if status != http.StatusConflict || !strings.Contains(raw, `"code":"session_started"`) {
			t.Errorf("move after the start: %d %s, want 409 session_started", status, raw)
		}
	})
}

func TestDeclineOfferFromClaimPage(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	e.createFree()
	e.fullDateWithBen()
	if status, raw := e.do("PATCH", "/api/v1/admin/sessions/2", e.jamesToken, `{"capacity": 3}`); status != http.StatusOK {
		t.Fatalf("raise: %d %s", status, raw)
	}
	id, token := e.offerLink("ben@example.com")
	b := e.newBrowser()
	if page := b.get(fmt.Sprintf("/waitlist/%d/claim?t=%s", id, url.QueryEscape(token))); !strings.Contains(page.body, "/decline") {
		t.Fatalf("the claim page has no decline button: %d %.1000s", page.status, page.body)
	}
	a := b.post(fmt.Sprintf("/waitlist/%d/decline", id), url.Values{"t": {token}})
	if a.status != http.StatusOK || !strings.Contains(a.body, "given up") {
		t.Fatalf("decline: %d %.500s", a.status, a.body)
	}
	if got := e.waitlistStatus(2, "ben@example.com"); got != string(booking.Left) {
		t.Errorf("Ben is %s, want left", got)
	}
	if a := b.post(fmt.Sprintf("/waitlist/%d/decline", id), url.Values{"t": {token}}); a.status != http.StatusConflict {
		t.Errorf("declining twice: %d, want 409", a.status)
	}
}

// offerLink reads the claim link of the offer emailed to email from the
// stored message: the waitlist entry's id and its claim token.
func (e *dashEnv) offerLink(email string) (int64, string) {
	e.t.Helper()
	var bodies []string
	if err := e.db.Writer().Select(&bodies, e.db.Rebind(`SELECT text_body FROM outbox WHERE to_addr LIKE ? ORDER BY id`), "%"+email+"%"); err != nil {
		e.t.Fatal(err)
	}
	link := regexp.MustCompile(`/waitlist/(\d+)/claim\?t=([A-Za-z0-9_\-%]+)`)
	for _, body := range bodies {
		if m := link.FindStringSubmatch(body); m != nil {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			token, _ := url.QueryUnescape(m[2])
			return id, token
		}
	}
	e.t.Fatalf("no claim link emailed to %s in %d messages", email, len(bodies))
	return 0, ""
}

func hasKindIn(kinds []notify.Kind, want notify.Kind) bool {
	for _, k := range kinds {
		if k == want {
			return true
		}
	}
	return false
}
