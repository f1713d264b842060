package booking_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb"
)

func TestAppointmentRaces(t *testing.T) {
	ctx := context.Background()
	t.Run("20 clients race for one slot and exactly one gets it", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		var won, lost atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := fx.bookAt("career-chat", at(10, 30), fmt.Sprintf("r%d@example.com", i))
				switch {
				case err == nil:
					won.Add(1)
				case errors.Is(err, booking.ErrSlotUnavailable):
					lost.Add(1)
				default:
					t.Errorf("book: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if won.Load() != 1 || lost.Load() != 19 {
			t.Errorf("%d won, %d lost; want 1 and 19", won.Load(), lost.Load())
		}
		fx.mustCheck(t)
	})
	t.Run("a reschedule races a new booking for the same slot", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		for round := range 5 {
			target := at(12, 0) // the same slot every round: both times are freed at its end
			mine := fx.mustBookAt(t, "career-chat", at(9, 0), fmt.Sprintf("mine%d@example.com", round))
			var wg sync.WaitGroup
			var moveErr, bookErr error
			var newcomer booking.AppointmentResult
			start := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				_, moveErr = fx.svc.Reschedule(ctx, mine.Booking.Ref, booking.Actor{Token: mine.Token}, target)
			}()
			go func() {
				defer wg.Done()
				<-start
				newcomer, bookErr = fx.bookAt("career-chat", target, fmt.Sprintf("new%d@example.com", round))
			}()
			close(start)
			wg.Wait()
			if (moveErr == nil) == (bookErr == nil) {
				t.Fatalf("round %d: reschedule %v, booking %v; want exactly one to succeed", round, moveErr, bookErr)
			}
			for _, err := range []error{moveErr, bookErr} {
				if err != nil && !errors.Is(err, booking.ErrSlotUnavailable) {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			fx.mustCheck(t)
			// Free both times for the next round.
			if _, err := fx.svc.Cancel(ctx, mine.Booking.Ref, booking.Actor{Token: mine.Token}); err != nil {
				t.Fatal(err)
			}
			if bookErr == nil {
				if _, err := fx.svc.Cancel(ctx, newcomer.Booking.Ref, booking.Actor{Token: newcomer.Token}); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
	t.Run("two servers on separate pools race for one slot", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		other, err := sqldb.Open(ctx, fx.url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		services := []*booking.Service{fx.svc, booking.NewService(other, fx.notices, booking.Config{BaseURL: "http://roster.test"}, fx.clock.Now)}
		var won atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := services[i%2].BookAppointment(ctx, booking.AppointmentRequest{
					TypeSlug: "career-chat", Start: at(14, 15), Name: "R", Email: fmt.Sprintf("s%d@example.com", i)})
				if err == nil {
					won.Add(1)
				} else if !errors.Is(err, booking.ErrSlotUnavailable) {
					t.Errorf("book: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if won.Load() != 1 {
			t.Errorf("%d won; want 1", won.Load())
		}
		fx.mustCheck(t)
	})
}

func TestPaidAppointments(t *testing.T) {
	ctx := context.Background()
	newPaid := func(t *testing.T) (*coachingFixture, *payments.Offline) {
		fx := newCoachingFixture(t)
		offline := payments.NewOfflineWithClock("http://roster.test", fx.clock.Now)
		fx.svc = booking.NewService(fx.db, fx.notices, booking.Config{BaseURL: "http://roster.test", Payments: offline}, fx.clock.Now)
		fx.createType(t, chatInput("career-chat", 9000, "any"))
		return fx, offline
	}
	hold := func(t *testing.T, fx *coachingFixture, email string) (booking.AppointmentResult, string) {
		t.Helper()
		res := fx.mustBookAt(t, "career-chat", at(10, 30), email)
		if res.Booking.Status != booking.PendingPayment || res.Booking.AmountCents != 9000 {
			t.Fatalf("paid booking %+v", res.Booking)
		}
		co, err := fx.svc.StartCheckout(ctx, res.Booking.Ref, res.Token)
		if err != nil {
			t.Fatalf("start checkout: %v", err)
		}
		u, _ := url.Parse(co.URL)
		return res, strings.TrimPrefix(u.Path, "/checkout/test/")
	}
	status := func(t *testing.T, fx *coachingFixture, res booking.AppointmentResult) booking.Status {
		t.Helper()
		d, err := fx.svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
		if err != nil {
			t.Fatal(err)
		}
		return d.Booking.Status
	}
	t.Run("a paid appointment's hold keeps the slot until it expires", func(t *testing.T) {
		fx, _ := newPaid(t)
		hold(t, fx, "ada@example.com")
		if containsTime(fx.slotStarts(t, "career-chat"), at(10, 30)) {
			t.Fatal("held slot still listed")
		}
		fx.clock.Advance(31 * time.Minute)
		if n, err := fx.svc.ExpireHolds(ctx); err != nil || n != 1 {
			t.Fatalf("expired %d, %v", n, err)
		}
		if !containsTime(fx.slotStarts(t, "career-chat"), at(10, 30)) {
			t.Fatal("released slot not listed")
		}
		fx.mustBookAt(t, "career-chat", at(10, 30), "grace@example.com")
		fx.mustCheck(t)
	})
	t.Run("payment confirms a held appointment", func(t *testing.T) {
		fx, offline := newPaid(t)
		res, cs := hold(t, fx, "ada@example.com")
		outcome, err := fx.svc.ApplyPayment(ctx, offline.CompleteEvent(cs, res.Booking.Ref, 9000, "GBP", fx.clock.Now()))
		if err != nil || outcome != "confirmed" || status(t, fx, res) != booking.Confirmed {
			t.Fatalf("outcome %q, %v", outcome, err)
		}
		fx.mustCheck(t)
	})
	t.Run("a late payment for a free slot retakes it", func(t *testing.T) {
		fx, offline := newPaid(t)
		res, cs := hold(t, fx, "ada@example.com")
		fx.clock.Advance(time.Hour)
		if _, err := fx.svc.ExpireHolds(ctx); err != nil {
			t.Fatal(err)
		}
		outcome, err := fx.svc.ApplyPayment(ctx, offline.CompleteEvent(cs, res.Booking.Ref, 9000, "GBP", fx.clock.Now()))
		if err != nil || !strings.HasPrefix(outcome, "confirmed late") || status(t, fx, res) != booking.Confirmed {
			t.Fatalf("outcome %q, %v", outcome, err)
		}
		if containsTime(fx.slotStarts(t, "career-chat"), at(10, 30)) {
			t.Error("retaken slot still listed")
		}
		fx.mustCheck(t)
	})
	t.Run("a late payment for a slot taken meanwhile is refunded and the client told", func(t *testing.T) {
		fx, offline := newPaid(t)
		res, cs := hold(t, fx, "ada@example.com")
		fx.clock.Advance(time.Hour)
		if _, err := fx.svc.ExpireHolds(ctx); err != nil {
			t.Fatal(err)
		}
		fx.mustBookAt(t, "career-chat", at(10, 30), "grace@example.com")
		outcome, err := fx.svc.ApplyPayment(ctx, offline.CompleteEvent(cs, res.Booking.Ref, 9000, "GBP", fx.clock.Now()))
		if err != nil || outcome != "refunding late payment: slot taken" {
			t.Fatalf("outcome %q, %v", outcome, err)
		}
		if kinds := fx.notices.kinds(res.Booking.Ref); kinds[len(kinds)-1] != booking.NoticeLatePaymentRefund {
			t.Errorf("notices %v", kinds)
		}
		if status(t, fx, res) == booking.Confirmed {
			t.Error("a late payment for a taken slot confirmed a second appointment")
		}
		fx.mustCheck(t)
	})
}
