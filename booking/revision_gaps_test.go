package booking_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
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

// Someone who already holds a booking asks again in the same batch as a
// newcomer, with one seat left: the seat is the newcomer's. A batch
// counts a deferred booking's seats when it decides it and learns only
// when it writes the batch that the person was already booked, by which
// time a newcomer decided after them has been told sold out, though the
// seat is still free when the batch commits. The requests are queued in
// order behind a paused batch, so they share the next one, the repeat
// first.
func TestANewcomerGetsTheLastSeatThatARepeatInTheSameBatchDidNotTake(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	date := fx.workshop.Sessions[0].ID
	fx.book(t, date, "ada@example.com", 1)
	for i := range 8 {
		fx.book(t, date, fmt.Sprintf("early%d@example.com", i), 1)
	}
	if left := fx.seatsLeft(t, date); left != 1 {
		t.Fatalf("%d seats left, want 1", left)
	}
	entered, release := booking.PauseFirstBatch(fx.svc)
	defer release()
	reqs := []booking.Request{
		{SessionID: date, Name: "Ada Lovelace", Email: "ada@example.com", Seats: 1}, // the paused batch
		{SessionID: date, Name: "Ada Lovelace", Email: "ada@example.com", Seats: 1},
		{SessionID: date, Name: "Bob", Email: "bob@example.com", Seats: 1},
	}
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = fx.svc.Reserve(ctx, req)
		}()
		if i == 0 {
			<-entered
			continue
		}
		for booking.Queued(fx.svc, date) < i {
			runtime.Gosched() // until the request is queued: order, not time
		}
	}
	release()
	wg.Wait()
	for i, err := range errs[:2] {
		if !errors.Is(err, booking.ErrAlreadyBooked) {
			t.Errorf("repeat %d: %v, want already booked", i, err)
		}
	}
	if err := errs[2]; err != nil {
		t.Errorf("the newcomer after the repeat: %v, want the last seat (%d left after the batch)", err, fx.seatsLeft(t, date))
	}
	fx.mustCheck(t)
}
