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
