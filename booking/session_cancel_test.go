package booking_test

import (
	"context"
	"errors"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

func TestCancelSessionBookings(t *testing.T) {
	ctx := context.Background()
	fx := newPaidFixture(t)
	date := fx.lab.Sessions[0]
	paid, checkout := fx.hold(t, date.ID, "paid@example.com", 2)
	fx.apply(t, fx.offline.CompleteEvent(checkout, paid.Booking.Ref, 9800, "GBP", fx.clock.Now()))
	held, _ := fx.hold(t, date.ID, "held@example.com", 1)
	fill, fillCheckout := fx.hold(t, date.ID, "fill@example.com", 9)
	fx.apply(t, fx.offline.CompleteEvent(fillCheckout, fill.Booking.Ref, 9*4900, "GBP", fx.clock.Now()))
	if _, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: date.ID, Name: "Wait", Email: "wait@example.com", Seats: 1}); err != nil {
		t.Fatal(err)
	}
	elsewhere := fx.book(t, fx.lab.Sessions[1].ID, "other-date@example.com", 1)

	t.Run("a date still on is refused", func(t *testing.T) {
		if _, err := fx.svc.CancelSessionBookings(ctx, fx.coach.ID, date.ID, booking.RefundFull); !errors.Is(err, booking.ErrSessionNotCancelled) {
			t.Errorf("err %v, want ErrSessionNotCancelled", err)
		}
	})
	if _, err := fx.events.CancelSession(ctx, fx.coach.ID, date.ID); err != nil {
		t.Fatal(err)
	}
	t.Run("another coach's date is not found", func(t *testing.T) {
		other, _ := fx.coaches.Add(ctx, "mallory@example.com", "Mallory", "")
		if _, err := fx.svc.CancelSessionBookings(ctx, other.ID, date.ID, booking.RefundFull); !errors.Is(err, events.ErrNotFound) {
			t.Errorf("err %v, want events.ErrNotFound", err)
		}
	})
	t.Run("every live booking is cancelled, told and refunded", func(t *testing.T) {
		n, err := fx.svc.CancelSessionBookings(ctx, fx.coach.ID, date.ID, booking.RefundFull)
		if err != nil || n != 3 {
			t.Fatalf("cancelled %d, %v; want 3", n, err)
		}
		list, err := fx.svc.SessionAttendees(ctx, fx.coach.ID, date.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.Status.Live() {
				t.Errorf("%s is still %s", a.Ref, a.Status)
			}
		}
		for _, res := range []booking.Result{paid, fill} {
			refunds, err := fx.svc.Refunds(ctx, res.Booking.ID)
			if err != nil || len(refunds) != 1 || refunds[0].AmountCents != res.Booking.AmountCents {
				t.Errorf("%s refunds: %+v, %v; want one in full", res.Booking.Ref, refunds, err)
			}
		}
		if refunds, _ := fx.svc.Refunds(ctx, held.Booking.ID); len(refunds) != 0 {
			t.Errorf("an unpaid hold got a refund: %+v", refunds)
		}
		if got := fx.notices.kinds(paid.Booking.Ref); !contains(got, booking.NoticeSessionCancelled) {
			t.Errorf("the paid attendee was not told: %v", got)
		}
		wl, _ := fx.svc.Waitlist(ctx, fx.coach.ID, date.ID)
		if len(wl) != 1 || wl[0].Status != booking.Left {
			t.Errorf("waitlist %+v, want closed", wl)
		}
		fx.mustCheck(t)
		if d, _ := fx.svc.Get(ctx, elsewhere.Booking.Ref, booking.Actor{Token: elsewhere.Token}); d.Booking.Status != elsewhere.Booking.Status {
			t.Errorf("a booking on another date was touched: %s", d.Booking.Status)
		}
	})
	t.Run("running it again changes nothing", func(t *testing.T) {
		n, err := fx.svc.CancelSessionBookings(ctx, fx.coach.ID, date.ID, booking.RefundFull)
		if err != nil || n != 0 {
			t.Errorf("second run cancelled %d, %v; want 0", n, err)
		}
		if refunds, _ := fx.svc.Refunds(ctx, paid.Booking.ID); len(refunds) != 1 {
			t.Errorf("second run queued another refund: %+v", refunds)
		}
	})
}

func contains(kinds []booking.NoticeKind, kind booking.NoticeKind) bool {
	for _, k := range kinds {
		if k == kind {
			return true
		}
	}
	return false
}
