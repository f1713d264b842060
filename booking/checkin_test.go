package booking_test

import (
	"context"
	"errors"
	"testing"

	"github.com/roster-app/roster/booking"
)

func TestSetCheckedIn(t *testing.T) {
	ctx := context.Background()
	fx := newPaidFixture(t)
	free := fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 1)
	held, _ := fx.hold(t, fx.lab.Sessions[0].ID, "bo@example.com", 1)
	other, err := fx.coaches.Add(ctx, "mallory@example.com", "Mallory", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a confirmed attendee is checked in, and it is undone", func(t *testing.T) {
		a, err := fx.svc.SetCheckedIn(ctx, free.Booking.Ref, fx.coach.ID, true)
		if err != nil || a.CheckedInAt == nil || !a.CheckedInAt.Equal(fx.clock.Now()) {
			t.Fatalf("check in: %+v, %v", a.CheckedInAt, err)
		}
		again, err := fx.svc.SetCheckedIn(ctx, free.Booking.Ref, fx.coach.ID, true)
		if err != nil || again.CheckedInAt == nil {
			t.Errorf("checking in twice: %+v, %v", again.CheckedInAt, err)
		}
		list, _ := fx.svc.SessionAttendees(ctx, fx.coach.ID, fx.workshop.Sessions[0].ID)
		if len(list) != 1 || list[0].CheckedInAt == nil {
			t.Errorf("the attendee list does not show the check-in: %+v", list)
		}
		undone, err := fx.svc.SetCheckedIn(ctx, free.Booking.Ref, fx.coach.ID, false)
		if err != nil || undone.CheckedInAt != nil {
			t.Errorf("undo: %+v, %v", undone.CheckedInAt, err)
		}
	})
	t.Run("a hold not paid for cannot be checked in", func(t *testing.T) {
		if _, err := fx.svc.SetCheckedIn(ctx, held.Booking.Ref, fx.coach.ID, true); !errors.Is(err, booking.ErrNotConfirmed) {
			t.Errorf("err %v, want ErrNotConfirmed", err)
		}
	})
	t.Run("another coach's booking is not found", func(t *testing.T) {
		if _, err := fx.svc.SetCheckedIn(ctx, free.Booking.Ref, other.ID, true); !errors.Is(err, booking.ErrNotFound) {
			t.Errorf("err %v, want ErrNotFound", err)
		}
		if _, err := fx.svc.SessionAttendees(ctx, other.ID, fx.workshop.Sessions[0].ID); err == nil {
			t.Error("another coach listed the attendees")
		}
		if _, err := fx.svc.Attendee(ctx, free.Booking.Ref, other.ID); !errors.Is(err, booking.ErrNotFound) {
			t.Errorf("Attendee for another coach: %v", err)
		}
	})
}
