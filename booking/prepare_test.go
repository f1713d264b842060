package booking_test

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
)

// countingRenderer is notify's notifier, counting the notices it renders,
// ahead of the transaction or in it (a booking rendered ahead from what
// turns out to be stale is rendered again in its transaction).
type countingRenderer struct {
	*notify.BookingNotifier
	renders atomic.Int32
}

func (c *countingRenderer) Notify(ctx context.Context, tx *sqlx.Tx, n booking.Notice) error {
	c.renders.Add(1)
	return c.BookingNotifier.Notify(ctx, tx, n)
}

func (c *countingRenderer) Render(n booking.Notice) (booking.RenderedNotice, error) {
	c.renders.Add(1)
	return c.BookingNotifier.Render(n)
}

type confirmationRow struct {
	Subject string `db:"subject"`
	Text    string `db:"text_body"`
	ICS     string `db:"ics"`
}

func confirmationOf(t *testing.T, fx *fixture, ref string) confirmationRow {
	t.Helper()
	var row confirmationRow
	if err := fx.db.Get(&row, fx.db.Rebind(`SELECT subject, text_body, ics FROM outbox WHERE booking_ref = ? AND kind = 'confirmation'`), ref); err != nil {
		t.Fatalf("confirmation of %s: %v", ref, err)
	}
	return row
}

func TestConfirmationRenderedAhead(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	real, err := notify.NewBookingNotifier(notify.Config{BaseURL: "http://roster.test", From: "Roster <no-reply@roster.test>"}, fx.clock.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	notifier := &countingRenderer{BookingNotifier: real}
	svc := booking.NewService(fx.db, notifier, booking.Config{BaseURL: "http://roster.test"}, fx.clock.Now)
	date := fx.workshop.Sessions[0].ID
	reserve := func(email string) booking.Result {
		t.Helper()
		res, err := svc.Reserve(ctx, booking.Request{SessionID: date, Name: "Ada Lovelace", Email: email, Seats: 1})
		if err != nil {
			t.Fatalf("reserve %s: %v", email, err)
		}
		return res
	}

	t.Run("the first booking of a date renders in the transaction", func(t *testing.T) {
		reserve("first@example.com")
		if got := notifier.renders.Load(); got != 2 {
			t.Errorf("%d notices rendered, want 2 (nothing to render ahead from)", got)
		}
	})

	t.Run("the next renders ahead, with the ref and manage link it is stored with", func(t *testing.T) {
		notifier.renders.Store(0)
		res := reserve("second@example.com")
		if got := notifier.renders.Load(); got != 2 {
			t.Errorf("%d notices rendered, want 2 (ahead, and not again in the transaction)", got)
		}
		row := confirmationOf(t, fx, res.Booking.Ref)
		if link := svc.ManageURL(res.Booking.Ref, res.Token); !strings.Contains(row.Text, link) {
			t.Errorf("confirmation does not carry the booking's manage link %s:\n%s", link, row.Text)
		}
		if !strings.Contains(row.ICS, "booking-"+res.Booking.Ref+"@") {
			t.Errorf("invite is not the booking's:\n%s", row.ICS)
		}
		if _, err := svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}); err != nil {
			t.Errorf("the manage token chosen ahead does not manage the booking: %v", err)
		}
	})

	t.Run("after the event changes, the stale rendering is not stored", func(t *testing.T) {
		title := "Free Taster, Renamed"
		if _, err := fx.events.UpdateEvent(ctx, fx.coach.ID, fx.workshop.Slug, events.EventPatch{Title: &title}); err != nil {
			t.Fatal(err)
		}
		notifier.renders.Store(0)
		res := reserve("third@example.com")
		if got := notifier.renders.Load(); got != 4 {
			t.Errorf("%d notices rendered, want 4 (2 ahead from the old event, 2 again in the transaction)", got)
		}
		if row := confirmationOf(t, fx, res.Booking.Ref); !strings.Contains(row.Subject, title) {
			t.Errorf("subject %q does not name the event as it now is", row.Subject)
		}
	})
}
