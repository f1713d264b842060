package booking_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/payments"
)

// paidFixture is a fixture whose service takes payments offline: the same
// confirmation code as Stripe's webhooks, with no network.
type paidFixture struct {
	*fixture
	offline *payments.Offline
}

func newPaidFixture(t *testing.T) paidFixture {
	fx := newFixture(t)
	offline := payments.NewOfflineWithClock("http://roster.test", fx.clock.Now)
	fx.svc = booking.NewService(fx.db, fx.notices, booking.Config{BaseURL: "http://roster.test", Payments: offline}, fx.clock.Now)
	return paidFixture{fixture: fx, offline: offline}
}

// hold books and opens a checkout, returning the booking and checkout id.
func (fx paidFixture) hold(t *testing.T, sessionID int64, email string, seats int) (booking.Result, string) {
	t.Helper()
	res := fx.book(t, sessionID, email, seats)
	co, err := fx.svc.StartCheckout(context.Background(), res.Booking.Ref, res.Token)
	if err != nil {
		t.Fatalf("start checkout: %v", err)
	}
	u, _ := url.Parse(co.URL)
	return res, strings.TrimPrefix(u.Path, "/checkout/test/")
}

func (fx paidFixture) status(t *testing.T, res booking.Result) booking.Booking {
	t.Helper()
	d, err := fx.svc.Get(context.Background(), res.Booking.Ref, booking.Actor{Token: res.Token})
	if err != nil {
		t.Fatal(err)
	}
	return d.Booking
}

func (fx paidFixture) apply(t *testing.T, e payments.Event) string {
	t.Helper()
	outcome, err := fx.svc.ApplyPayment(context.Background(), e)
	if err != nil {
		t.Fatalf("apply %s: %v", e.Type, err)
	}
	return outcome
}

func TestPayments(t *testing.T) {
	ctx := context.Background()
	t.Run("a verified payment confirms the hold, once", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, cs := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 2)
		paid := fx.offline.CompleteEvent(cs, res.Booking.Ref, 9800, "GBP", fx.clock.Now())
		if got := fx.apply(t, paid); got != "confirmed" {
			t.Errorf("outcome %q", got)
		}
		b := fx.status(t, res)
		if b.Status != booking.Confirmed || b.PaymentIntent == "" || b.HoldExpiresAt != nil {
			t.Errorf("booking %+v", b)
		}
		if got := fx.apply(t, paid); !strings.HasPrefix(got, "duplicate") {
			t.Errorf("second delivery: %q", got)
		}
		if kinds := fx.notices.kinds(res.Booking.Ref); len(kinds) != 2 {
			t.Errorf("notices %v, want one confirmation and one coach notice", kinds)
		}
		t.Run("an expiry after completion does not release the paid seat", func(t *testing.T) {
			fx.apply(t, fx.offline.ExpireEvent(cs, res.Booking.Ref, fx.clock.Now()))
			if b := fx.status(t, res); b.Status != booking.Confirmed {
				t.Errorf("status %s", b.Status)
			}
			if got := fx.seatsLeft(t, fx.lab.Sessions[0].ID); got != 10 {
				t.Errorf("seats left %d, want 10", got)
			}
		})
		fx.mustCheck(t)
	})
	t.Run("abandoning the checkout releases the hold", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, cs := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 2)
		if got := fx.apply(t, fx.offline.ExpireEvent(cs, res.Booking.Ref, fx.clock.Now())); got != "hold released" {
			t.Errorf("outcome %q", got)
		}
		if got := fx.seatsLeft(t, fx.lab.Sessions[0].ID); got != 12 {
			t.Errorf("seats left %d, want 12", got)
		}
		fx.mustCheck(t)
	})
	t.Run("a wrong amount is refunded, not confirmed", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, cs := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 2)
		got := fx.apply(t, fx.offline.CompleteEvent(cs, res.Booking.Ref, 100, "GBP", fx.clock.Now()))
		if !strings.HasPrefix(got, "refunding") || fx.status(t, res).Status != booking.PendingPayment {
			t.Errorf("outcome %q, status %s", got, fx.status(t, res).Status)
		}
		if n, err := fx.svc.ProcessRefunds(ctx); err != nil || n != 1 {
			t.Errorf("refunds made %d (%v), want 1", n, err)
		}
		fx.mustCheck(t)
	})
	t.Run("an unknown booking is recorded and ignored", func(t *testing.T) {
		fx := newPaidFixture(t)
		got := fx.apply(t, fx.offline.CompleteEvent("offline_cs_x", "CCL-NOSUCH", 4900, "GBP", fx.clock.Now()))
		if !strings.HasPrefix(got, "ignored") {
			t.Errorf("outcome %q", got)
		}
	})
	t.Run("a late payment retakes a free seat", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, cs := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
		fx.clock.Advance(time.Hour)
		if _, err := fx.svc.ExpireHolds(ctx); err != nil {
			t.Fatal(err)
		}
		got := fx.apply(t, fx.offline.CompleteEvent(cs, res.Booking.Ref, 4900, "GBP", fx.clock.Now()))
		if !strings.HasPrefix(got, "confirmed late") || fx.status(t, res).Status != booking.Confirmed {
			t.Errorf("outcome %q", got)
		}
		fx.mustCheck(t)
	})
	t.Run("a late payment on a full date is refunded and the attendee told", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, cs := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
		fx.clock.Advance(time.Hour)
		if _, err := fx.svc.ExpireHolds(ctx); err != nil {
			t.Fatal(err)
		}
		for i := range 12 {
			fx.book(t, fx.lab.Sessions[0].ID, fmt.Sprintf("f%d@example.com", i), 1)
		}
		got := fx.apply(t, fx.offline.CompleteEvent(cs, res.Booking.Ref, 4900, "GBP", fx.clock.Now()))
		if !strings.HasPrefix(got, "refunding late payment") {
			t.Errorf("outcome %q", got)
		}
		if kinds := fx.notices.kinds(res.Booking.Ref); len(kinds) == 0 || kinds[len(kinds)-1] != booking.NoticeLatePaymentRefund {
			t.Errorf("notices %v, want a late-payment refund notice", kinds)
		}
		if n, err := fx.svc.ProcessRefunds(ctx); err != nil || n != 1 {
			t.Fatalf("refunds %d %v", n, err)
		}
		if b := fx.status(t, res); b.Status != booking.Refunded || b.RefundedCents != 4900 {
			t.Errorf("booking %+v, want refunded 4900", b)
		}
		fx.mustCheck(t)
	})
	t.Run("a late payment races a new booking for the last seat", func(t *testing.T) {
		for round := range 5 {
			fx := newPaidFixture(t)
			id := fx.lab.Sessions[0].ID
			res, cs := fx.hold(t, id, "late@example.com", 1)
			fx.clock.Advance(time.Hour)
			if _, err := fx.svc.ExpireHolds(ctx); err != nil {
				t.Fatal(err)
			}
			for i := range 11 {
				fx.book(t, id, fmt.Sprintf("f%d@example.com", i), 1)
			}
			var wg sync.WaitGroup
			var bookErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, bookErr = fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "N", Email: "new@example.com", Seats: 1})
			}()
			go func() {
				defer wg.Done()
				fx.apply(t, fx.offline.CompleteEvent(cs, res.Booking.Ref, 4900, "GBP", fx.clock.Now()))
			}()
			wg.Wait()
			late := fx.status(t, res)
			if (late.Status == booking.Confirmed) == (bookErr == nil) {
				t.Errorf("round %d: late payment %s and new booking error %v: exactly one may have the seat", round, late.Status, bookErr)
			}
			if bookErr != nil && !errors.Is(bookErr, booking.ErrSoldOut) {
				t.Errorf("round %d: %v", round, bookErr)
			}
			fx.mustCheck(t)
		}
	})
	t.Run("charge.refunded marks the booking refunded", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, cs := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
		paid := fx.offline.CompleteEvent(cs, res.Booking.Ref, 4900, "GBP", fx.clock.Now())
		fx.apply(t, paid)
		fx.apply(t, payments.Event{ID: "evt_refund_1", Type: payments.EventChargeRefunded, Ref: res.Booking.Ref, PaymentIntent: paid.PaymentIntent, RefundedCents: 4900, Currency: "GBP"})
		if b := fx.status(t, res); b.Status != booking.Refunded || fx.seatsLeft(t, fx.lab.Sessions[0].ID) != 12 {
			t.Errorf("booking %+v", b)
		}
		fx.mustCheck(t)
	})
}

func TestRefundPolicy(t *testing.T) {
	ctx := context.Background()
	confirmPaid := func(fx paidFixture, email string) booking.Result {
		res, cs := fx.hold(t, fx.lab.Sessions[0].ID, email, 1)
		fx.apply(t, fx.offline.CompleteEvent(cs, res.Booking.Ref, 4900, "GBP", fx.clock.Now()))
		return res
	}
	t.Run("full refund until 48 hours before", func(t *testing.T) {
		fx := newPaidFixture(t)
		res := confirmPaid(fx, "ada@example.com")
		if _, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}); err != nil {
			t.Fatal(err)
		}
		if n, err := fx.svc.ProcessRefunds(ctx); err != nil || n != 1 {
			t.Fatalf("refunds %d %v", n, err)
		}
		if b := fx.status(t, res); b.Status != booking.Refunded || b.RefundedCents != 4900 {
			t.Errorf("booking %+v", b)
		}
	})
	t.Run("none within 48 hours", func(t *testing.T) {
		fx := newPaidFixture(t)
		res := confirmPaid(fx, "ada@example.com")
		fx.clock.Advance(fx.lab.Sessions[0].StartsAt.Sub(fx.clock.Now()) - 47*time.Hour)
		if _, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}); err != nil {
			t.Fatal(err)
		}
		if n, _ := fx.svc.ProcessRefunds(ctx); n != 0 {
			t.Errorf("%d refunds, want none", n)
		}
		if b := fx.status(t, res); b.Status != booking.Cancelled {
			t.Errorf("status %s", b.Status)
		}
	})
	t.Run("a coach refunds part, then cancels without refund", func(t *testing.T) {
		fx := newPaidFixture(t)
		res := confirmPaid(fx, "ada@example.com")
		if _, err := fx.svc.Refund(ctx, res.Booking.Ref, fx.coach.ID, 5000); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("refund more than paid: %v", err)
		}
		if _, err := fx.svc.Refund(ctx, res.Booking.Ref, fx.coach.ID, 900); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.CancelWithRefund(ctx, res.Booking.Ref, booking.Actor{CoachID: fx.coach.ID}, booking.RefundNone); err != nil {
			t.Fatal(err)
		}
		if n, _ := fx.svc.ProcessRefunds(ctx); n != 1 {
			t.Errorf("%d refunds, want 1", n)
		}
		if b := fx.status(t, res); b.RefundedCents != 900 || b.Status != booking.Cancelled {
			t.Errorf("booking %+v", b)
		}
	})
	t.Run("a provider outage is retried, not lost", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, cs := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
		paid := fx.offline.CompleteEvent(cs, res.Booking.Ref, 4900, "GBP", fx.clock.Now())
		paid.PaymentIntent = "pi_3Ostripe" // as if Stripe had taken it
		fx.apply(t, paid)
		down, err := payments.NewStripe(payments.StripeConfig{SecretKey: "sk_test_x", WebhookSecret: "whsec_x",
			APIBase: "http://" + closedAddr(t), Now: fx.clock.Now, NetworkRetries: new(int64)})
		if err != nil {
			t.Fatal(err)
		}
		outage := booking.NewService(fx.db, fx.notices, booking.Config{BaseURL: "http://roster.test", Payments: down}, fx.clock.Now)
		if _, err := outage.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}); err != nil {
			t.Fatal(err)
		}
		attempt := func() booking.RefundJob {
			t.Helper()
			if n, err := outage.ProcessRefunds(ctx); err != nil || n != 0 {
				t.Fatalf("refunds made during the outage: %d %v", n, err)
			}
			list, err := fx.svc.Refunds(ctx, res.Booking.ID)
			if err != nil || len(list) != 1 {
				t.Fatalf("refunds %+v %v", list, err)
			}
			return list[0]
		}
		if job := attempt(); job.Attempts != 1 || job.Status != "pending" || job.LastError == "" {
			t.Fatalf("refund %+v, want pending after one failed attempt", job)
		}
		if job := attempt(); job.Attempts != 1 {
			t.Errorf("retried before its backoff: %+v", job)
		}
		fx.clock.Advance(31 * time.Second)
		if job := attempt(); job.Attempts != 2 || job.Status != "pending" {
			t.Errorf("refund %+v, want a second attempt within 30s", job)
		}
		for range 20 {
			fx.clock.Advance(time.Hour)
			attempt()
		}
		if job := attempt(); job.Status != "failed" || job.Attempts != 12 {
			t.Errorf("refund %+v, want failed after 12 attempts, visible to coaches", job)
		}
		if b := fx.status(t, res); b.Status != booking.Cancelled || b.RefundedCents != 0 {
			t.Errorf("booking %+v", b)
		}
	})
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
