package notify_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// TestRemindersForAppointments runs the real booking service and outbox
// for 1:1 appointments: the type's offsets remind each confirmed client
// once; a cancelled appointment gets none and a rescheduled one only its
// new time's (invariant 5).
func TestRemindersForAppointments(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	c := newClock(time.Date(2027, 11, 1, 9, 0, 0, 0, time.UTC))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := notify.Config{BaseURL: "http://roster.example", From: "Roster <no-reply@roster.example>"}
	notifier, err := notify.NewBookingNotifier(cfg, c.Now, logger)
	if err != nil {
		t.Fatal(err)
	}
	bookings := booking.NewService(db, notifier, booking.Config{BaseURL: cfg.BaseURL}, c.Now)
	reminders, err := notify.NewReminders(db, bookingSource{bookings}, cfg, c.Now, logger)
	if err != nil {
		t.Fatal(err)
	}
	coach, err := coaches.NewService(db, c.Now).Add(ctx, "james@example.com", "James Downer", "")
	if err != nil {
		t.Fatal(err)
	}
	nine, _ := availability.ParseClock("09:00")
	five, _ := availability.ParseClock("17:00")
	var week availability.Weekly
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = []availability.Interval{{Start: nine, End: five}}
	}
	if _, err := bookings.PutAvailability(ctx, coach.ID, booking.Availability{Rules: availability.Rules{Zone: "UTC", Weekly: week}}); err != nil {
		t.Fatal(err)
	}
	if _, err := events.NewService(db, c.Now).CreateAppointmentType(ctx, coach.ID, events.AppointmentTypeInput{
		Slug: "career-chat", Title: "Career chat", DurationMinutes: 60, Currency: "GBP", Location: "Online",
		ReminderOffsetsMinutes: events.Minutes{1440, 60}, Status: events.Published}); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2027, 11, 10, 0, 0, 0, 0, time.UTC) // a Wednesday
	book := func(hour int, email string) booking.AppointmentResult {
		t.Helper()
		res, err := bookings.BookAppointment(ctx, booking.AppointmentRequest{TypeSlug: "career-chat",
			Start: day.Add(time.Duration(hour) * time.Hour), Name: "Ada", Email: email, Timezone: "Europe/London"})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	stays, cancelled, rescheduled := book(10, "stays@example.com"), book(12, "cancelled@example.com"), book(14, "moved@example.com")
	reminded := func(ref string) int {
		t.Helper()
		entries, err := notify.NewOutbox(db, c.Now).List(ctx, notify.Filter{BookingRef: ref, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, en := range entries {
			if en.Kind == notify.KindReminder {
				n++
			}
		}
		return n
	}
	run := func() {
		t.Helper()
		if _, err := reminders.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	c.Set(day.Add(-24 * time.Hour).Add(10*time.Hour - time.Minute))
	run()
	if _, err := bookings.Cancel(ctx, cancelled.Booking.Ref, booking.Actor{Token: cancelled.Token}); err != nil {
		t.Fatal(err)
	}
	c.Set(day.Add(-24 * time.Hour).Add(14 * time.Hour)) // every day-before moment has passed
	run()
	run()
	if got := reminded(stays.Booking.Ref); got != 1 {
		t.Errorf("the staying client got %d day-before reminders, want 1", got)
	}
	if got := reminded(cancelled.Booking.Ref); got != 0 {
		t.Errorf("a cancelled appointment got %d reminders", got)
	}
	if got := reminded(rescheduled.Booking.Ref); got != 1 {
		t.Fatalf("the appointment to be rescheduled got %d reminders, want its day-before one", got)
	}
	t.Run("the hour-before reminder goes once", func(t *testing.T) {
		c.Set(day.Add(9 * time.Hour))
		run()
		run()
		if got := reminded(stays.Booking.Ref); got != 2 {
			t.Errorf("%d reminders, want the day-before and the hour-before", got)
		}
	})
	t.Run("a rescheduled appointment's stored reminder is withdrawn and its new time's sent", func(t *testing.T) {
		if _, err := bookings.Reschedule(ctx, rescheduled.Booking.Ref, booking.Actor{CoachID: coach.ID}, day.AddDate(0, 0, 1).Add(15*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got := reminded(rescheduled.Booking.Ref); got != 0 {
			t.Errorf("%d stale reminders still wait to be sent", got)
		}
		c.Set(day.Add(15 * time.Hour)) // the day before the new time
		run()
		if got := reminded(rescheduled.Booking.Ref); got != 1 {
			t.Errorf("%d reminders for the new time, want 1", got)
		}
	})
}
