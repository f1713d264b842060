package booking_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

// TestSlotCache checks what a cached slot listing may and may not show:
// a change this process makes shows at once, one made elsewhere (another
// replica: here a second service on the same database) once the TTL has
// passed on the service's clock, and a slot the notice closed never.
func TestSlotCache(t *testing.T) {
	const ttl = 2 * time.Second
	newCached := func(t *testing.T) (*coachingFixture, *booking.Service) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("chat", 0, "any"))
		return fx, booking.NewService(fx.db, fx.notices, booking.Config{BaseURL: "http://roster.test", SlotCacheTTL: ttl}, fx.clock.Now)
	}
	day := availability.DateOf(monday)
	starts := func(t *testing.T, svc *booking.Service) []time.Time {
		t.Helper()
		list, err := svc.Slots(context.Background(), "chat", day, day, "Europe/London")
		if err != nil {
			t.Fatal(err)
		}
		out := make([]time.Time, len(list.Slots))
		for i, s := range list.Slots {
			out[i] = s.Start.UTC()
		}
		return out
	}
	book := func(t *testing.T, svc *booking.Service, start time.Time) {
		t.Helper()
		if _, err := svc.BookAppointment(context.Background(), booking.AppointmentRequest{
			TypeSlug: "chat", Start: start, Name: "Ada Lovelace", Email: "ada@example.com"}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("a booking in this process drops its slot at once", func(t *testing.T) {
		_, svc := newCached(t)
		if !slices.Contains(starts(t, svc), at(9, 0)) {
			t.Fatal("09:00 not listed to begin with")
		}
		book(t, svc, at(9, 0))
		if slices.Contains(starts(t, svc), at(9, 0)) {
			t.Error("09:00 still listed after this process booked it")
		}
	})
	t.Run("new hours in this process show at once", func(t *testing.T) {
		fx, svc := newCached(t)
		starts(t, svc)
		if _, err := svc.PutAvailability(context.Background(), fx.coach.ID, booking.Availability{
			Rules: availability.Rules{Zone: "Europe/London", Weekly: weekdays("13:00", "17:00")}}); err != nil {
			t.Fatal(err)
		}
		fx.putHours(t, fx.parveen.ID, weekdays("13:00", "17:00"))
		// Parveen's hours changed through the other service: the cache went
		// with James's change, which this process made.
		if got := starts(t, svc); len(got) == 0 || got[0].Before(at(13, 0)) {
			t.Errorf("morning still listed after the hours changed: %v", got)
		}
	})
	t.Run("a change made elsewhere shows once the TTL passed", func(t *testing.T) {
		fx, svc := newCached(t)
		fx.putHours(t, fx.parveen.ID, availability.Weekly{}) // James alone, so one booking takes 09:00
		starts(t, svc)
		book(t, fx.svc, at(9, 0))
		if !slices.Contains(starts(t, svc), at(9, 0)) {
			t.Fatal("want the stale listing within the TTL: the test measures nothing")
		}
		fx.clock.Advance(ttl)
		if slices.Contains(starts(t, svc), at(9, 0)) {
			t.Error("09:00 still listed after the TTL")
		}
	})
	t.Run("a slot the notice closed is never served", func(t *testing.T) {
		fx, svc := newCached(t)
		// Four hours' notice: 09:00 is the first slot until 05:00.
		fx.clock.Advance(at(5, 0).Add(-time.Second).Sub(fx.clock.Now()))
		if got := starts(t, svc); len(got) == 0 || !got[0].Equal(at(9, 0)) {
			t.Fatalf("first slot %v, want 09:00", got)
		}
		fx.clock.Advance(time.Second + time.Millisecond) // within the TTL, past the notice
		if got := starts(t, svc); len(got) == 0 || !got[0].After(at(9, 0)) {
			t.Errorf("first slot %v after the notice passed 09:00", got)
		}
	})
	t.Run("an appointment type's new settings show once the TTL passed", func(t *testing.T) {
		fx, svc := newCached(t)
		starts(t, svc)
		draft := chatInput("chat", 0, "any")
		draft.Status = events.Draft
		if _, err := fx.events.UpdateAppointmentType(context.Background(), fx.coach.ID, "chat", draft); err != nil {
			t.Fatal(err)
		}
		fx.clock.Advance(ttl)
		if _, err := svc.Slots(context.Background(), "chat", day, day, "Europe/London"); err == nil {
			t.Error("an unpublished type still lists slots after the TTL")
		}
	})
}
