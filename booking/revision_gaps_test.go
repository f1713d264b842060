package booking_test

import (
	"context"
	"testing"

	"github.com/roster-app/roster/booking"
)

// hostNotices returns what the last notice of kind for ref says of the
// event's hosts: whether each wants the email, by email.
func hostNotices(t *testing.T, fx *fixture, ref string, kind booking.NoticeKind) map[string]bool {
	t.Helper()
	var last *booking.Notice
	for _, n := range fx.notices.all() {
		if n.Booking.Ref == ref && n.Kind == kind {
			n := n
			last = &n
		}
	}
	if last == nil {
		t.Fatalf("no %s notice for %s", kind, ref)
	}
	out := map[string]bool{}
	for _, h := range last.Event.Hosts {
		out[h.Email] = h.NotifyBookings
	}
	return out
}

// A host who turns off their new-booking emails must get none for the
// next booking of a date already booked: what the date's batches
// remember while its revision stands (inputsMemo) holds the event's
// hosts, read from coaches, which raises no revision.
func TestAHostWhoTurnsOffBookingEmailsGetsNoneForTheNextBooking(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	date := fx.workshop.Sessions[0].ID
	first := fx.book(t, date, "first@example.com", 1)
	if !hostNotices(t, fx, first.Booking.Ref, booking.NoticeCoachNewBooking)[fx.coach.Email] {
		t.Fatal("the host wants booking emails at the start")
	}
	if err := fx.coaches.SetBookingNotices(ctx, fx.coach.ID, false); err != nil {
		t.Fatal(err)
	}
	next := fx.book(t, date, "next@example.com", 1)
	if hostNotices(t, fx, next.Booking.Ref, booking.NoticeCoachNewBooking)[fx.coach.Email] {
		t.Errorf("the booking after the host turned booking emails off still tells them (the date's remembered hosts)")
	}
}
