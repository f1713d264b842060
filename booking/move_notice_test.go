package booking_test

import (
	"context"
	"testing"

	"github.com/roster-app/roster/booking"
)

func TestHostsAreToldOfMoves(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	from, to := fx.workshop.Sessions[0], fx.workshop.Sessions[1]
	countMoved := func(ref string) int {
		fx.notices.mu.Lock()
		defer fx.notices.mu.Unlock()
		n := 0
		for _, x := range fx.notices.list {
			if x.Kind == booking.NoticeCoachMoved && x.Booking.Ref == ref {
				if x.Previous == nil || x.Previous.ID != from.ID || x.Session.ID != to.ID {
					t.Errorf("coach_moved notice %+v lacks the old and new dates", x)
				}
				n++
			}
		}
		return n
	}
	t.Run("a client's move of their seats tells the hosts, with the old date", func(t *testing.T) {
		res := fx.book(t, from.ID, "ada@example.com", 1)
		if _, err := fx.svc.Move(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}, to.ID); err != nil {
			t.Fatal(err)
		}
		if got := countMoved(res.Booking.Ref); got != 1 {
			t.Errorf("%d coach_moved notices, want 1", got)
		}
	})
	t.Run("a coach's own move does not tell them", func(t *testing.T) {
		res := fx.book(t, from.ID, "bob@example.com", 1)
		if _, err := fx.svc.Move(ctx, res.Booking.Ref, booking.Actor{CoachID: fx.coach.ID}, to.ID); err != nil {
			t.Fatal(err)
		}
		if got := countMoved(res.Booking.Ref); got != 0 {
			t.Errorf("%d coach_moved notices, want none", got)
		}
	})
}
