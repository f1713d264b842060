package booking_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
)

// TestAppointmentRefundWindow: a paid appointment cancelled before its
// type's refund_cutoff_hours (default 48) is refunded in full; inside the
// window the money is kept.
func TestAppointmentRefundWindow(t *testing.T) {
	ctx := context.Background()
	paidAppointment := func(t *testing.T, fx *packageFixture) booking.AppointmentResult {
		t.Helper()
		res := fx.mustBookAt(t, "career-chat", at(10, 30), "ada@example.com")
		co, err := fx.svc.StartCheckout(ctx, res.Booking.Ref, res.Token)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(co.URL)
		cs := strings.TrimPrefix(u.Path, "/checkout/test/")
		if _, err := fx.svc.ApplyPayment(ctx, fx.offline.CompleteEvent(cs, res.Booking.Ref, 9000, "GBP", fx.clock.Now())); err != nil {
			t.Fatal(err)
		}
		return res
	}
	cases := []struct {
		name      string
		before    time.Duration // how long before the start the client cancels
		refunds   int
		wantState booking.Status
	}{
		{"cancelled 49 hours before: refunded in full", 49 * time.Hour, 1, booking.Refunded},
		{"cancelled 47 hours before: the money is kept", 47 * time.Hour, 0, booking.Cancelled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := newPackageFixture(t)
			res := paidAppointment(t, fx)
			fx.clock.Advance(at(10, 30).Add(-tc.before).Sub(fx.clock.Now()))
			if _, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}); err != nil {
				t.Fatal(err)
			}
			if n, err := fx.svc.ProcessRefunds(ctx); err != nil || n != tc.refunds {
				t.Fatalf("refunds %d %v, want %d", n, err, tc.refunds)
			}
			d, err := fx.svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
			if err != nil {
				t.Fatal(err)
			}
			if d.Booking.Status != tc.wantState {
				t.Errorf("status %s, want %s", d.Booking.Status, tc.wantState)
			}
		})
	}
}
