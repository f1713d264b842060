package booking_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

func TestDiscountCodes(t *testing.T) {
	ctx := context.Background()
	t.Run("a percentage comes off the mixed total", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.setTypes(t, fx.lab, standardAndConcession()...)
		c := fx.code(t, booking.DiscountCodeInput{Code: "clarity20", PercentOff: ptr(20), MaxUses: ptr(10)})
		res, err := fx.reserveTickets(e.Sessions[0].ID, "ada@example.com", "CLARITY20",
			booking.TicketRequest{TicketTypeID: e.TicketTypes[0].ID, Quantity: 2}, booking.TicketRequest{TicketTypeID: e.TicketTypes[1].ID, Quantity: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Booking.AmountCents, int64(9840); got != want {
			t.Errorf("amount %d, want %d", got, want)
		}
		if res.Booking.Status != booking.PendingPayment {
			t.Errorf("status %s, want pending_payment", res.Booking.Status)
		}
		if got := fx.uses(t, c.ID); got != 1 {
			t.Errorf("uses %d, want 1", got)
		}
	})

	t.Run("a fixed amount comes off in the event's currency only", func(t *testing.T) {
		fx := newFixture(t)
		fx.code(t, booking.DiscountCodeInput{Code: "TENOFF", AmountOffCents: ptr(int64(1000)), Currency: "EUR"})
		fx.code(t, booking.DiscountCodeInput{Code: "TENGBP", AmountOffCents: ptr(int64(1000)), EventSlugs: []string{fx.lab.Slug}})
		if _, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada", Email: "a@example.com", Seats: 1, DiscountCode: "TENOFF"}); !errors.Is(err, booking.ErrCodeUnknown) {
			t.Errorf("euro code on a pound event: %v", err)
		}
		res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada", Email: "a@example.com", Seats: 2, DiscountCode: "tengbp"})
		if err != nil || res.Booking.AmountCents != 8800 {
			t.Errorf("amount %d (%v), want 8800", res.Booking.AmountCents, err)
		}
	})

	t.Run("a code that zeroes the total confirms without payment", func(t *testing.T) {
		fx := newPaidFixture(t)
		fx.code(t, booking.DiscountCodeInput{Code: "GUEST", PercentOff: ptr(100)})
		res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada", Email: "a@example.com", Seats: 1, DiscountCode: "GUEST"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Booking.Status != booking.Confirmed || res.Booking.AmountCents != 0 || res.Booking.HoldExpiresAt != nil {
			t.Errorf("booking %+v, want confirmed at 0", res.Booking)
		}
		if kinds := fx.notices.kinds(res.Booking.Ref); len(kinds) == 0 || kinds[0] != booking.NoticeConfirmed {
			t.Errorf("notices %v, want a confirmation", kinds)
		}
	})

	t.Run("once per email, and a cancel gives the use back", func(t *testing.T) {
		fx := newFixture(t)
		c := fx.code(t, booking.DiscountCodeInput{Code: "ONCE", PercentOff: ptr(50), OncePerEmail: true, MaxUses: ptr(1)})
		first, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada", Email: "ada@example.com", Seats: 1, DiscountCode: "ONCE"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[1].ID, Name: "Ada", Email: "ada@example.com", Seats: 1, DiscountCode: "ONCE"})
		if !errors.Is(err, booking.ErrCodeUsedByEmail) && !errors.Is(err, booking.ErrCodeUsedUp) {
			t.Fatalf("second use: %v", err)
		}
		if _, err := fx.svc.Cancel(ctx, first.Booking.Ref, booking.Actor{Token: first.Token}); err != nil {
			t.Fatal(err)
		}
		if got := fx.uses(t, c.ID); got != 0 {
			t.Fatalf("uses %d after the cancel, want 0", got)
		}
		if _, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[1].ID, Name: "Ada", Email: "ada@example.com", Seats: 1, DiscountCode: "ONCE"}); err != nil {
			t.Errorf("the use given back: %v", err)
		}
		fx.mustCheck(t)
	})

	t.Run("a code is valid in its window and for its events", func(t *testing.T) {
		fx := newFixture(t)
		fx.code(t, booking.DiscountCodeInput{Code: "DECEMBER", PercentOff: ptr(10), ValidFrom: at2026(12, 1), ValidUntil: at2026(12, 31)})
		fx.code(t, booking.DiscountCodeInput{Code: "TASTER", PercentOff: ptr(10), EventSlugs: []string{fx.workshop.Slug}})
		req := booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada", Email: "a@example.com", Seats: 1, DiscountCode: "DECEMBER"}
		if _, err := fx.svc.Reserve(ctx, req); !errors.Is(err, booking.ErrCodeNotValidNow) {
			t.Errorf("before the window: %v", err)
		}
		fx.clock.Advance(10 * 24 * time.Hour)
		if res, err := fx.svc.Reserve(ctx, req); err != nil || res.Booking.AmountCents != 4410 {
			t.Errorf("in the window: amount %d (%v), want 4410", res.Booking.AmountCents, err)
		}
		req.Email, req.DiscountCode = "b@example.com", "TASTER"
		if _, err := fx.svc.Reserve(ctx, req); !errors.Is(err, booking.ErrCodeUnknown) {
			t.Errorf("another event's code: %v", err)
		}
	})

	t.Run("codes are checked when created", func(t *testing.T) {
		fx := newFixture(t)
		for name, in := range map[string]booking.DiscountCodeInput{
			"both kinds":      {Code: "BOTH", PercentOff: ptr(10), AmountOffCents: ptr(int64(100))},
			"over 100%":       {Code: "MUCH", PercentOff: ptr(101)},
			"a short code":    {Code: "AB", PercentOff: ptr(10)},
			"a window upside": {Code: "BACKWARDS", PercentOff: ptr(10), ValidFrom: at2026(12, 2), ValidUntil: at2026(12, 1)},
		} {
			if _, err := fx.svc.CreateDiscountCode(ctx, fx.coach.ID, in); fault.CodeOf(err) != fault.Invalid {
				t.Errorf("%s: %v, want validation_failed", name, err)
			}
		}
		fx.code(t, booking.DiscountCodeInput{Code: "TWICE", PercentOff: ptr(10)})
		if _, err := fx.svc.CreateDiscountCode(ctx, fx.coach.ID, booking.DiscountCodeInput{Code: "twice", PercentOff: ptr(10)}); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("a code twice: %v", err)
		}
		if _, err := fx.svc.CreateDiscountCode(ctx, fx.coach.ID, booking.DiscountCodeInput{Code: "ELSEWHERE", PercentOff: ptr(10), EventSlugs: []string{"nope"}}); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("an unknown event: %v", err)
		}
	})
}

func TestDiscountedRefunds(t *testing.T) {
	ctx := context.Background()
	t.Run("a discounted booking is refunded what was paid", func(t *testing.T) {
		fx := newPaidFixture(t)
		fx.code(t, booking.DiscountCodeInput{Code: "CLARITY20", PercentOff: ptr(20)})
		res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada", Email: "ada@example.com", Seats: 2, DiscountCode: "CLARITY20"})
		if err != nil {
			t.Fatal(err)
		}
		co, err := fx.svc.StartCheckout(ctx, res.Booking.Ref, res.Token)
		if err != nil {
			t.Fatal(err)
		}
		cs := co.URL[len("http://roster.test/checkout/test/"):]
		if got := fx.apply(t, fx.offline.CompleteEvent(cs, res.Booking.Ref, 7840, "GBP", fx.clock.Now())); got != "confirmed" {
			t.Fatalf("payment of the discounted total: %q", got)
		}
		b, err := fx.svc.CancelWithRefund(ctx, res.Booking.Ref, booking.Actor{CoachID: fx.coach.ID}, booking.RefundFull)
		if err != nil {
			t.Fatal(err)
		}
		refunds, err := fx.svc.Refunds(ctx, b.ID)
		if err != nil || len(refunds) != 1 || refunds[0].AmountCents != 7840 {
			t.Errorf("refunds %+v (%v), want one of 7840", refunds, err)
		}
		if _, err := fx.svc.Refund(ctx, res.Booking.Ref, fx.coach.ID, 1); err == nil {
			t.Errorf("a refund past what was paid was accepted")
		}
	})
}

func TestPricingRaces(t *testing.T) {
	ctx := context.Background()
	t.Run("clients race for the last early-bird tickets", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.setTypes(t, fx.workshop, events.TicketTypeInput{Name: "Early bird", Quota: ptr(3)},
			events.TicketTypeInput{Name: "Standard"})
		var won, soldOut atomic.Int64
		race(t, 30, func(i int) error {
			_, err := fx.reserveTickets(e.Sessions[i%2].ID, fmt.Sprintf("r%d@example.com", i), "", booking.TicketRequest{TicketTypeID: e.TicketTypes[0].ID, Quantity: 1})
			switch fault.CodeOf(err) {
			case "":
				won.Add(1)
			case fault.SoldOut:
				soldOut.Add(1)
			default:
				return err
			}
			return nil
		})
		if won.Load() != 3 || fx.sold(t, e.TicketTypes[0].ID) != 3 {
			t.Errorf("%d won, %d sold; want 3 of the quota of 3", won.Load(), fx.sold(t, e.TicketTypes[0].ID))
		}
		fx.mustCheck(t)
	})

	t.Run("clients race for the last uses of a code", func(t *testing.T) {
		fx := newFixture(t)
		big := fx.createEvent(t, "Big Room", 4900, 100)
		c := fx.code(t, booking.DiscountCodeInput{Code: "LAST5", PercentOff: ptr(100), MaxUses: ptr(5), OncePerEmail: true})
		var won atomic.Int64
		race(t, 30, func(i int) error {
			_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: big.Sessions[i%2].ID, Name: "Racer", Email: fmt.Sprintf("r%d@example.com", i), Seats: 1, DiscountCode: "LAST5"})
			switch {
			case err == nil:
				won.Add(1)
			case errors.Is(err, booking.ErrCodeUsedUp):
			default:
				return err
			}
			return nil
		})
		if won.Load() != 5 || fx.uses(t, c.ID) != 5 {
			t.Errorf("%d won, %d uses; want 5 of 5", won.Load(), fx.uses(t, c.ID))
		}
		fx.mustCheck(t)
	})

	t.Run("one email races itself for a once-per-email code", func(t *testing.T) {
		fx := newFixture(t)
		big := fx.createEvent(t, "Big Room", 4900, 100)
		c := fx.code(t, booking.DiscountCodeInput{Code: "ONCE", PercentOff: ptr(100), OncePerEmail: true})
		race(t, 10, func(i int) error {
			_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: big.Sessions[i%2].ID, Name: "Ada", Email: "ada@example.com", Seats: 1, DiscountCode: "ONCE"})
			if err != nil && !errors.Is(err, booking.ErrCodeUsedByEmail) && !errors.Is(err, booking.ErrAlreadyBooked) {
				return err
			}
			return nil
		})
		if got := fx.uses(t, c.ID); got != 1 {
			t.Errorf("uses %d, want 1", got)
		}
	})
}

// race runs n clients at once and fails the test on any error they return.
func race(t *testing.T, n int, client func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := client(i); err != nil {
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("client: %v", err)
	}
}
