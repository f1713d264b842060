package booking_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

// TestCapacityIsNotHeldWithoutPayment is issue #14's kind 3: an anonymous
// caller cannot hold a date's seats for hours without paying.
func TestCapacityIsNotHeldWithoutPayment(t *testing.T) {
	ctx := context.Background()
	t.Run("joining a waitlist while the seats fit is refused", func(t *testing.T) {
		fx := newFixture(t)
		id := fx.workshop.Sessions[0].ID
		_, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "Mallory", Email: "m@example.com", Seats: 10, ClientAddr: "203.0.113.9"})
		if got, want := fault.CodeOf(err), fault.SeatsAvailable; got != want {
			t.Fatalf("join with 10 free seats: code %q (%v), want %q", got, err, want)
		}
		if got := fx.seatsLeft(t, id); got != 10 {
			t.Errorf("seats left %d, want 10: nothing offered", got)
		}
		fx.mustCheck(t)
	})
	t.Run("an offer lasts two hours", func(t *testing.T) {
		fx := newFixture(t)
		id := fx.workshop.Sessions[0].ID
		holder := fx.book(t, id, "holder@example.com", 10)
		entry, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "Wen", Email: "wen@example.com", Seats: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.Cancel(ctx, holder.Booking.Ref, booking.Actor{Token: holder.Token}); err != nil {
			t.Fatal(err)
		}
		offers := fx.notices.toEmail("wen@example.com", booking.NoticeWaitlistOffer)
		if len(offers) != 1 {
			t.Fatalf("offers %d, want 1", len(offers))
		}
		if got, want := *offers[0].Offer.OfferExpiresAt, fx.clock.Now().Add(2*time.Hour); !got.Equal(want) {
			t.Errorf("offer expires %v, want %v", got, want)
		}
		fx.clock.Advance(2*time.Hour + time.Second)
		if n, err := fx.svc.ExpireOffers(ctx); err != nil || n != 1 {
			t.Fatalf("expired %d offers (%v), want 1 (entry %d)", n, err, entry.ID)
		}
		fx.mustCheck(t)
	})
	t.Run("one email holds at most its cap, until a hold ends", func(t *testing.T) {
		fx := newFixture(t)
		fx.svc = booking.NewService(fx.db, fx.notices, booking.Config{BaseURL: "http://roster.test", MaxOpenPerEmail: 1}, fx.clock.Now)
		fx.book(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
		_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[1].ID, Name: "Ada", Email: "ada@example.com", Seats: 1})
		if !errors.Is(err, booking.ErrTooManyOpen) {
			t.Fatalf("second hold: %v, want ErrTooManyOpen", err)
		}
		full := fx.workshop.Sessions[1].ID
		fx.book(t, full, "holder@example.com", 10)
		if _, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: full, Name: "Ada", Email: "ada@example.com", Seats: 1}); !errors.Is(err, booking.ErrTooManyOpen) {
			t.Fatalf("waitlist place beside a hold: %v, want ErrTooManyOpen", err)
		}
		fx.clock.Advance(31 * time.Minute)
		if _, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[1].ID, Name: "Ada", Email: "ada@example.com", Seats: 1}); err != nil {
			t.Fatalf("hold after the first expired: %v", err)
		}
	})
	t.Run("paid appointment holds count towards the caps", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("paid-chat", 9000, "any", "parveen@example.com"))
		starts := fx.slotStarts(t, "paid-chat")
		for i, start := range starts[:booking.DefaultMaxOpenPerEmail+1] {
			_, err := fx.bookAt("paid-chat", start, "ada@example.com")
			if i < booking.DefaultMaxOpenPerEmail && err != nil {
				t.Fatalf("hold %d: %v", i+1, err)
			}
			if i == booking.DefaultMaxOpenPerEmail && !errors.Is(err, booking.ErrTooManyOpen) {
				t.Fatalf("hold %d: %v, want ErrTooManyOpen", i+1, err)
			}
		}
		fx.mustCheck(t)
	})
	for _, tc := range []struct {
		name  string
		join  bool
		limit int
	}{
		{"many emails from one address race for holds", false, booking.DefaultMaxOpenPerAddress},
		{"many emails from one address race for waitlist places", true, booking.DefaultMaxOpenPerAddress},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			id := fx.lab.Sessions[0].ID
			if tc.join {
				id = fx.workshop.Sessions[0].ID
				fx.book(t, id, "holder@example.com", 10)
			}
			const racers = 24
			var wg sync.WaitGroup
			errs := make(chan error, racers)
			for i := range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					req := booking.Request{SessionID: id, Name: "Racer", Email: fmt.Sprintf("r%d@example.com", i), Seats: 1, ClientAddr: "203.0.113.9"}
					var err error
					if tc.join {
						_, err = fx.svc.JoinWaitlist(ctx, req)
					} else {
						_, err = fx.svc.Reserve(ctx, req)
					}
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			won := 0
			for err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, booking.ErrTooManyOpen):
					t.Errorf("unexpected error: %v", err)
				}
			}
			if won != tc.limit {
				t.Errorf("%d requests from one address succeeded, want %d", won, tc.limit)
			}
			fx.mustCheck(t)
		})
	}
}
