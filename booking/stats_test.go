package booking_test

import (
	"context"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
)

func TestCoachSessionStats(t *testing.T) {
	ctx := context.Background()
	fx := newPaidFixture(t)
	date, other := fx.lab.Sessions[0], fx.lab.Sessions[1]
	paid, checkout := fx.hold(t, date.ID, "paid@example.com", 2)
	fx.apply(t, fx.offline.CompleteEvent(checkout, paid.Booking.Ref, 9800, "GBP", fx.clock.Now()))
	fx.hold(t, date.ID, "held@example.com", 3)
	refunded, refundedCheckout := fx.hold(t, date.ID, "refunded@example.com", 1)
	fx.apply(t, fx.offline.CompleteEvent(refundedCheckout, refunded.Booking.Ref, 4900, "GBP", fx.clock.Now()))
	if _, err := fx.svc.Refund(ctx, paid.Booking.Ref, fx.coach.ID, 1000); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.ProcessRefunds(ctx); err != nil {
		t.Fatal(err)
	}
	fx.hold(t, other.ID, "full@example.com", 10)
	fx.hold(t, other.ID, "full2@example.com", 2)
	if _, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: other.ID, Name: "Wait", Email: "wait@example.com", Seats: 1}); err != nil {
		t.Fatal(err)
	}

	stats, err := fx.svc.CoachSessionStats(ctx, fx.coach.ID, []int64{date.ID, other.ID, fx.workshop.Sessions[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	got := stats[date.ID]
	if got.SeatsSold != 3 || got.SeatsHeld != 3 || len(got.Revenue) != 1 || got.Revenue[0] != (booking.Money{Cents: 9800 - 1000 + 4900, Currency: "GBP"}) {
		t.Errorf("first date: %+v; want 3 sold, 3 held, £137.00", got)
	}
	if got := stats[other.ID]; got.SeatsHeld != 12 || got.Waiting != 1 || got.Revenue != nil {
		t.Errorf("second date: %+v; want 12 held, 1 waiting, no revenue", got)
	}
	if total := booking.TotalRevenue(stats); len(total) != 1 || total[0].Cents != 13700 {
		t.Errorf("total revenue %+v", total)
	}
	t.Run("another coach's dates are left out", func(t *testing.T) {
		other, _ := fx.coaches.Add(ctx, "mallory@example.com", "Mallory", "")
		stats, err := fx.svc.CoachSessionStats(ctx, other.ID, []int64{date.ID})
		if err != nil || len(stats) != 0 {
			t.Errorf("stats %+v, %v; want none", stats, err)
		}
	})
}

func TestCoachBookingsSince(t *testing.T) {
	ctx := context.Background()
	fx := newPaidFixture(t)
	date := fx.lab.Sessions[0]
	start := fx.clock.Now()
	early, earlyCheckout := fx.hold(t, date.ID, "early@example.com", 1)
	fx.apply(t, fx.offline.CompleteEvent(earlyCheckout, early.Booking.Ref, 4900, "GBP", fx.clock.Now()))
	fx.clock.Advance(48 * time.Hour)
	paid, checkout := fx.hold(t, date.ID, "paid@example.com", 2)
	fx.apply(t, fx.offline.CompleteEvent(checkout, paid.Booking.Ref, 9800, "GBP", fx.clock.Now()))
	fx.hold(t, date.ID, "held@example.com", 3)

	t.Run("confirmed bookings since the day asked, oldest first", func(t *testing.T) {
		got, err := fx.svc.CoachBookingsSince(ctx, fx.coach.ID, start)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Seats != 1 || got[1].Seats != 2 || got[0].EventID != fx.lab.ID || !got[0].CreatedAt.Before(got[1].CreatedAt) {
			t.Errorf("got %+v; want the 1-seat then the 2-seat booking of the lab, not the hold", got)
		}
	})
	t.Run("bookings before the window are left out", func(t *testing.T) {
		got, err := fx.svc.CoachBookingsSince(ctx, fx.coach.ID, start.Add(24*time.Hour))
		if err != nil || len(got) != 1 || got[0].Seats != 2 {
			t.Errorf("got %+v, %v; want the 2-seat booking only", got, err)
		}
	})
	t.Run("another coach sees none", func(t *testing.T) {
		other, _ := fx.coaches.Add(ctx, "mallory@example.com", "Mallory", "")
		got, err := fx.svc.CoachBookingsSince(ctx, other.ID, start)
		if err != nil || len(got) != 0 {
			t.Errorf("got %+v, %v; want none", got, err)
		}
	})
}
