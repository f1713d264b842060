package booking_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
)

// TestAlreadyBookedRevealsNothing is issue #14's kind 6: an answer about
// someone else's booking names nothing of it; its owner gets the link again.
func TestAlreadyBookedRevealsNothing(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	id := fx.workshop.Sessions[0].ID
	ada := fx.book(t, id, "ada@example.com", 1)
	links := func() int { return len(fx.notices.of(ada.Booking.Ref, booking.NoticeBookingLink)) }

	t.Run("booking again names no ref and sends the owner their link", func(t *testing.T) {
		_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "Eve", Email: "ADA@example.com", Seats: 1})
		if !errors.Is(err, booking.ErrAlreadyBooked) {
			t.Fatalf("got %v, want ErrAlreadyBooked", err)
		}
		if strings.Contains(err.Error(), ada.Booking.Ref) {
			t.Errorf("the answer names the existing booking: %v", err)
		}
		if got := links(); got != 1 {
			t.Fatalf("links sent %d, want 1", got)
		}
		n := fx.notices.of(ada.Booking.Ref, booking.NoticeBookingLink)[0]
		if n.Booking.Email != "ada@example.com" || !strings.Contains(n.ManageURL, "/bookings/"+ada.Booking.Ref+"?t=") {
			t.Errorf("link notice to %s with %q", n.Booking.Email, n.ManageURL)
		}
	})
	t.Run("the link is sent again at most once per ten minutes", func(t *testing.T) {
		for range 5 {
			fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "Eve", Email: "ada@example.com", Seats: 1})
		}
		if got := links(); got != 1 {
			t.Errorf("links sent %d within ten minutes, want 1", got)
		}
		fx.clock.Advance(booking.LinkResendInterval)
		fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "Eve", Email: "ada@example.com", Seats: 1})
		if got := links(); got != 2 {
			t.Errorf("links sent %d after ten minutes, want 2", got)
		}
	})
	t.Run("joining the waitlist with a booked email answers the same", func(t *testing.T) {
		fx.clock.Advance(time.Hour)
		fx.book(t, id, "holder@example.com", 9)
		_, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "Eve", Email: "ada@example.com", Seats: 1})
		if !errors.Is(err, booking.ErrAlreadyBooked) || strings.Contains(err.Error(), ada.Booking.Ref) {
			t.Errorf("got %v, want ErrAlreadyBooked naming no ref", err)
		}
		if got := links(); got != 3 {
			t.Errorf("links sent %d, want 3", got)
		}
	})
}
