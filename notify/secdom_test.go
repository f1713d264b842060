package notify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestBookingLinkIsSentOncePerWindow(t *testing.T) {
	db := sqldbtest.MustOpenDB(t)
	c := newClock(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	n := newNotifier(t, c)
	e, s := lab()
	link := booking.Notice{Kind: booking.NoticeBookingLink, Booking: adaBooking(), Event: e, Session: s, ManageURL: manageURL}
	if err := notifyAll(t, db, n, link, link); err != nil {
		t.Fatal(err)
	}
	c.Advance(booking.LinkResendInterval)
	if err := notifyAll(t, db, n, link); err != nil {
		t.Fatal(err)
	}
	rows := storedRows(t, db)
	if len(rows) != 2 {
		t.Fatalf("rows %+v, want one per ten-minute window", rows)
	}
	window := c.Now().Truncate(booking.LinkResendInterval).Unix()
	if got, want := rows[1].DedupeKey, fmt.Sprintf("booking:CCL-7KQ2M9:booking_link:%d", window); got != want || rows[1].To != "ada@example.com" {
		t.Errorf("key %q to %s, want %q to ada@example.com", got, rows[1].To, want)
	}
}

func TestHostAddedTellsTheCoach(t *testing.T) {
	db := sqldbtest.MustOpenDB(t)
	c := newClock(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	n := newNotifier(t, c)
	notice := events.HostNotice{
		Host:    events.Host{CoachID: 2, Email: "Parveen@Example.com", Name: "Parveen Downer"},
		AddedBy: events.Host{CoachID: 1, Email: "james@example.com", Name: "James Downer"},
		What:    "event", Title: "Career Clarity Lab", Slug: "career-clarity-lab", Status: events.Draft,
	}
	err := db.InTx(context.Background(), func(tx *sqlx.Tx) error { return n.HostAdded(context.Background(), tx, notice) })
	if err != nil {
		t.Fatal(err)
	}
	rows := storedRows(t, db)
	if len(rows) != 1 || rows[0].To != "parveen@example.com" || rows[0].Kind != "host_added" {
		t.Fatalf("rows %+v, want one host_added to parveen@example.com", rows)
	}
}
