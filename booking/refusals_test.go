package booking_test

import (
	"context"
	"errors"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

func TestWaitlistRefusals(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	id := fx.workshop.Sessions[0].ID // 10 seats
	fx.book(t, id, "holder@example.com", 10)
	t.Run("waiting for more seats than the date holds is refused on seats", func(t *testing.T) {
		_, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "Big", Email: "big@example.com", Seats: 11})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Fields["seats"] == "" {
			t.Errorf("got %v, want a fault.Invalid naming seats", err)
		}
	})
	t.Run("waiting for every seat of the date is allowed", func(t *testing.T) {
		if _, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "All", Email: "all@example.com", Seats: 10}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a second sign-up is told it is already on the waitlist", func(t *testing.T) {
		_, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "All", Email: "all@example.com", Seats: 1})
		if !errors.Is(err, booking.ErrAlreadyWaiting) {
			t.Errorf("got %v, want ErrAlreadyWaiting", err)
		}
	})
}

func TestRescheduleOfSeats(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	res := fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 1)
	t.Run("a workshop booking with its token is told to move, not that it is unknown", func(t *testing.T) {
		_, err := fx.svc.Reschedule(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}, fx.workshop.Sessions[1].StartsAt)
		if !errors.Is(err, booking.ErrSeatsNotRescheduled) {
			t.Errorf("got %v, want ErrSeatsNotRescheduled", err)
		}
	})
	t.Run("with a wrong token it stays not found", func(t *testing.T) {
		_, err := fx.svc.Reschedule(ctx, res.Booking.Ref, booking.Actor{Token: "wrong"}, fx.workshop.Sessions[1].StartsAt)
		if fault.CodeOf(err) != fault.NotFound {
			t.Errorf("got %v, want not_found", err)
		}
	})
}
