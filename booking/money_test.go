package booking_test

import (
	"context"
	"strings"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/payments"
)

// TestMoneyIsCountedPerCurrency is issue #14's kind 5: a refund of a
// payment that did not pay for a booking is that payment's refund, never
// the booking's.
func TestMoneyIsCountedPerCurrency(t *testing.T) {
	ctx := context.Background()
	t.Run("a wrong-currency payment's refund does not count for the booking", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, cs := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 2) // 9800 GBP
		wrong := fx.offline.CompleteEvent("offline_cs_other_checkout", res.Booking.Ref, 9800, "KWD", fx.clock.Now())
		if got := fx.apply(t, wrong); !strings.HasPrefix(got, "refunding") {
			t.Fatalf("wrong payment: outcome %q", got)
		}
		if n, err := fx.svc.ProcessRefunds(ctx); err != nil || n != 1 {
			t.Fatalf("refunds made %d (%v), want 1", n, err)
		}
		// The provider reports the refund of the wrong charge, naming the booking.
		fx.apply(t, payments.Event{ID: "evt_refund_wrong", Type: payments.EventChargeRefunded, Ref: res.Booking.Ref,
			PaymentIntent: wrong.PaymentIntent, AmountCents: 9800, Currency: "KWD", RefundedCents: 9800})
		if b := fx.status(t, res); b.RefundedCents != 0 || b.Status != booking.PendingPayment {
			t.Fatalf("after the wrong payment's refund: status %s, refunded %d; want pending_payment, 0", b.Status, b.RefundedCents)
		}
		if got := fx.apply(t, fx.offline.CompleteEvent(cs, res.Booking.Ref, 9800, "GBP", fx.clock.Now())); got != "confirmed" {
			t.Fatalf("right payment: outcome %q", got)
		}
		b, err := fx.svc.Refund(ctx, res.Booking.Ref, fx.coach.ID, 9800)
		if err != nil {
			t.Fatalf("the coach cannot refund the right payment: %v", err)
		}
		if n, err := fx.svc.ProcessRefunds(ctx); err != nil || n != 1 {
			t.Fatalf("refunds made %d (%v), want 1", n, err)
		}
		if b = fx.status(t, res); b.RefundedCents != 9800 {
			t.Errorf("refunded %d, want 9800 (GBP)", b.RefundedCents)
		}
		pays, err := fx.svc.Payments(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range pays {
			got = append(got, string(p.Status)+" "+p.Currency)
		}
		if want := "refunded_wrong KWD,applied GBP"; strings.Join(got, ",") != want {
			t.Errorf("payments %v, want %s", got, want)
		}
		fx.mustCheck(t)
	})
	t.Run("a second payment for a paid booking is refunded as its own", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, cs := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
		fx.apply(t, fx.offline.CompleteEvent(cs, res.Booking.Ref, 4900, "GBP", fx.clock.Now()))
		if got := fx.apply(t, fx.offline.CompleteEvent("offline_cs_second", res.Booking.Ref, 4900, "GBP", fx.clock.Now())); !strings.HasPrefix(got, "refunding") {
			t.Errorf("second payment: outcome %q, want a refund", got)
		}
		if n, err := fx.svc.ProcessRefunds(ctx); err != nil || n != 1 {
			t.Fatalf("refunds made %d (%v), want 1", n, err)
		}
		if b := fx.status(t, res); b.Status != booking.Confirmed || b.RefundedCents != 0 {
			t.Errorf("booking %s refunded %d, want confirmed with nothing refunded", b.Status, b.RefundedCents)
		}
		fx.mustCheck(t)
	})
	t.Run("one payment reported by two events is applied once", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, _ := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
		wrong := fx.offline.CompleteEvent("offline_cs_wrong", res.Booking.Ref, 100, "GBP", fx.clock.Now())
		fx.apply(t, wrong)
		wrong.ID = "lookup-" + wrong.CheckoutID
		if got := fx.apply(t, wrong); !strings.HasPrefix(got, "ignored") {
			t.Errorf("the same payment again: outcome %q, want ignored", got)
		}
		if n, _ := fx.svc.ProcessRefunds(ctx); n != 1 {
			t.Errorf("refunds made %d, want 1", n)
		}
		fx.mustCheck(t)
	})
	t.Run("check finds a refund counted for a booking that never got it", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, _ := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
		if _, err := fx.db.ExecContext(ctx, fx.db.Rebind(`UPDATE bookings SET refunded_cents = 100 WHERE ref = ?`), res.Booking.Ref); err != nil {
			t.Fatal(err)
		}
		violations, err := fx.svc.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(violations, "\n"), "refunded amount not backed") {
			t.Errorf("violations %q", violations)
		}
	})
}
