package notify_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// bookingSource is the real booking service as a ReminderSource, as
// cmd/roster wires it.
type bookingSource struct{ svc *booking.Service }

func (b bookingSource) DueReminders(ctx context.Context, now time.Time, lookback time.Duration) ([]notify.DueReminder, error) {
	due, err := b.svc.DueReminders(ctx, now, lookback)
	out := make([]notify.DueReminder, len(due))
	for i, d := range due {
		out[i] = notify.DueReminder{Booking: d.Booking, Event: d.Event, Session: d.Session, OffsetMinutes: d.OffsetMinutes, ManageURL: d.ManageURL}
	}
	return out, err
}

func (b bookingSource) StillDue(ctx context.Context, tx *sqlx.Tx, r notify.DueReminder) (bool, error) {
	return b.svc.ReminderStillDue(ctx, tx, r.Booking.ID, r.Session.ID, r.Session.StartsAt)
}

// TestRemindersFromTheSchedule runs the real booking service and outbox
// together: each confirmed attendee gets each reminder once, and a
// cancelled or moved booking gets no stale one.
func TestRemindersFromTheSchedule(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	c := newClock(time.Date(2027, 9, 1, 12, 0, 0, 0, time.UTC))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := notify.Config{BaseURL: "http://roster.example", From: "Roster <no-reply@roster.example>"}
	notifier, err := notify.NewBookingNotifier(cfg, c.Now, logger)
	if err != nil {
		t.Fatal(err)
	}
	ev := events.NewService(db, c.Now)
	bookings := booking.NewService(db, notifier, booking.Config{BaseURL: cfg.BaseURL}, c.Now)
	reminders, err := notify.NewReminders(db, bookingSource{bookings}, cfg, c.Now, logger)
	if err != nil {
		t.Fatal(err)
	}
	coach, err := coaches.NewService(db, c.Now).Add(ctx, "james@example.com", "James Downer", "")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2027, 9, 22, 17, 0, 0, 0, time.UTC)
	e, err := ev.CreateEvent(ctx, coach.ID, events.EventInput{Title: "Taster", Timezone: "Europe/London", Currency: "GBP",
		Status: events.Published, Sessions: []events.SessionInput{
			{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 10},
			{StartsAt: start.AddDate(0, 0, 7), EndsAt: start.AddDate(0, 0, 7).Add(2 * time.Hour), Capacity: 10},
		}})
	if err != nil {
		t.Fatal(err)
	}
	book := func(email string) booking.Result {
		res, err := bookings.Reserve(ctx, booking.Request{SessionID: e.Sessions[0].ID, Name: "A", Email: email, Seats: 1})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	stays, cancelled, moved, late := book("stays@example.com"), book("cancelled@example.com"), book("moved@example.com"), book("late@example.com")
	reminded := func(ref string) []string {
		t.Helper()
		entries, err := notify.NewOutbox(db, c.Now).List(ctx, notify.Filter{BookingRef: ref, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var subjects []string
		for _, en := range entries {
			if en.Kind == notify.KindReminder {
				subjects = append(subjects, en.Subject)
			}
		}
		return subjects
	}
	run := func() {
		t.Helper()
		if _, err := reminders.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	c.Set(start.Add(-24*time.Hour - time.Minute))
	run()
	if _, err := bookings.Cancel(ctx, cancelled.Booking.Ref, booking.Actor{Token: cancelled.Token}); err != nil {
		t.Fatal(err)
	}
	if _, err := bookings.Move(ctx, moved.Booking.Ref, booking.Actor{Token: moved.Token}, e.Sessions[1].ID); err != nil {
		t.Fatal(err)
	}
	c.Set(start.Add(-24 * time.Hour))
	run()
	run()
	if got := reminded(stays.Booking.Ref); len(got) != 1 {
		t.Errorf("the staying attendee got %d day-before reminders, want 1: %v", len(got), got)
	}
	if got := reminded(cancelled.Booking.Ref); len(got) != 0 {
		t.Errorf("a cancelled booking got reminders: %v", got)
	}
	if got := reminded(moved.Booking.Ref); len(got) != 0 {
		t.Errorf("a moved booking got its old date's reminder: %v", got)
	}
	t.Run("cancelled after the reminder was stored, before it was sent", func(t *testing.T) {
		if got := reminded(late.Booking.Ref); len(got) != 1 {
			t.Fatalf("reminders %v, want the day-before one stored", got)
		}
		if _, err := bookings.Cancel(ctx, late.Booking.Ref, booking.Actor{Token: late.Token}); err != nil {
			t.Fatal(err)
		}
		if got := reminded(late.Booking.Ref); len(got) != 0 {
			t.Errorf("a stale reminder is still waiting to be sent: %v", got)
		}
	})
	t.Run("a booking made after a reminder's moment does not get it late", func(t *testing.T) {
		fresh := book("fresh@example.com")
		c.Set(start.Add(-time.Hour))
		run()
		if got := reminded(fresh.Booking.Ref); len(got) != 1 {
			t.Errorf("reminders %v, want only the hour-before one", got)
		}
	})
}
