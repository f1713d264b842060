package booking_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/payments"
)

func TestFreedAndAddedSeatsServeTheWaitlistFirst(t *testing.T) {
	ctx := context.Background()
	t.Run("a capacity raise offers the new seat to the person waiting", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.createEvent(t, "Tiny Room", 0, 1)
		date := e.Sessions[0]
		fx.book(t, date.ID, "ann@example.com", 1)
		ben, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: date.ID, Name: "Ben", Email: "ben@example.com", Seats: 1})
		if err != nil {
			t.Fatal(err)
		}
		capacity := 2
		if _, err := fx.svc.RescheduleSession(ctx, fx.coach.ID, date.ID, events.SessionPatch{Capacity: &capacity}); err != nil {
			t.Fatal(err)
		}
		if got := waitlistStatus(t, fx, date.ID, ben.ID); got != booking.Offered {
			t.Errorf("Ben is %s, want offered", got)
		}
		fx.mustCheck(t)
	})
	t.Run("one freed seat goes to the first waiting person it fits, and no newcomer overtakes", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.createEvent(t, "Tiny Room", 0, 2)
		date := e.Sessions[0]
		leaver := fx.book(t, date.ID, "leaver@example.com", 1)
		fx.book(t, date.ID, "stayer@example.com", 1)
		xena, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: date.ID, Name: "Xena", Email: "xena@example.com", Seats: 2})
		if err != nil {
			t.Fatal(err)
		}
		yuri, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: date.ID, Name: "Yuri", Email: "yuri@example.com", Seats: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.Cancel(ctx, leaver.Booking.Ref, booking.Actor{Token: leaver.Token}); err != nil {
			t.Fatal(err)
		}
		if got := waitlistStatus(t, fx, date.ID, yuri.ID); got != booking.Offered {
			t.Errorf("Yuri is %s, want offered", got)
		}
		if got := waitlistStatus(t, fx, date.ID, xena.ID); got != booking.Waiting {
			t.Errorf("Xena is %s, want still waiting in her place", got)
		}
		_, err = fx.svc.Reserve(ctx, booking.Request{SessionID: date.ID, Name: "Newcomer", Email: "new@example.com", Seats: 1})
		if !errors.Is(err, booking.ErrSoldOut) {
			t.Errorf("newcomer: %v, want sold_out", err)
		}
		fx.mustCheck(t)
	})
	t.Run("free seats nobody waiting can use are not taken by a newcomer while anyone waits", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.createEvent(t, "Tiny Room", 0, 2)
		date := e.Sessions[0]
		leaver := fx.book(t, date.ID, "leaver@example.com", 1)
		fx.book(t, date.ID, "stayer@example.com", 1)
		if _, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: date.ID, Name: "Xena", Email: "xena@example.com", Seats: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.Cancel(ctx, leaver.Booking.Ref, booking.Actor{Token: leaver.Token}); err != nil {
			t.Fatal(err)
		}
		_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: date.ID, Name: "Newcomer", Email: "new@example.com", Seats: 1})
		if !errors.Is(err, booking.ErrSoldOut) {
			t.Errorf("newcomer: %v, want sold_out (join the line)", err)
		}
		// Joining the line offers the seat at once: nobody before them can use it.
		entry, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: date.ID, Name: "Newcomer", Email: "new@example.com", Seats: 1})
		if err != nil {
			t.Fatal(err)
		}
		if entry.Status != booking.Offered {
			t.Errorf("newcomer in line is %s, want offered", entry.Status)
		}
	})
	t.Run("a declined offer goes to the next in line", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.createEvent(t, "Tiny Room", 0, 1)
		date := e.Sessions[0]
		leaver := fx.book(t, date.ID, "leaver@example.com", 1)
		first, _ := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: date.ID, Name: "First", Email: "first@example.com", Seats: 1})
		second, _ := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: date.ID, Name: "Second", Email: "second@example.com", Seats: 1})
		if _, err := fx.svc.Cancel(ctx, leaver.Booking.Ref, booking.Actor{Token: leaver.Token}); err != nil {
			t.Fatal(err)
		}
		offers := fx.notices.toEmail("first@example.com", booking.NoticeWaitlistOffer)
		if len(offers) != 1 {
			t.Fatalf("offers to first: %d", len(offers))
		}
		if err := fx.svc.DeclineOffer(ctx, first.ID, claimToken(offers[0].ClaimURL)); err != nil {
			t.Fatal(err)
		}
		if got := waitlistStatus(t, fx, date.ID, second.ID); got != booking.Offered {
			t.Errorf("second is %s, want offered", got)
		}
		fx.mustCheck(t)
	})
}

func waitlistStatus(t *testing.T, fx *fixture, sessionID, entryID int64) booking.WaitlistStatus {
	t.Helper()
	list, err := fx.svc.Waitlist(context.Background(), fx.coach.ID, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if e.ID == entryID {
			return e.Status
		}
	}
	t.Fatalf("entry %d not on the waitlist", entryID)
	return ""
}

func claimToken(claimURL string) string {
	for i := len(claimURL) - 1; i >= 0; i-- {
		if claimURL[i] == '=' {
			return claimURL[i+1:]
		}
	}
	return ""
}

func TestNothingHappensAfterItShouldStop(t *testing.T) {
	ctx := context.Background()
	t.Run("moving out of a date 17 seconds after its start is session_started", func(t *testing.T) {
		fx := newFixture(t)
		res := fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 1)
		fx.clock.Advance(fx.workshop.Sessions[0].StartsAt.Sub(fx.clock.Now()) + 17*time.Second)
		_, err := fx.svc.Move(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}, fx.workshop.Sessions[1].ID)
		if fault.CodeOf(err) != fault.SessionStarted {
			t.Errorf("err %v, want session_started", err)
		}
	})
	t.Run("moving into a cancelled date is session_cancelled", func(t *testing.T) {
		fx := newFixture(t)
		res := fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 1)
		if _, _, err := fx.svc.CancelSession(ctx, fx.coach.ID, fx.workshop.Sessions[1].ID, booking.RefundFull); err != nil {
			t.Fatal(err)
		}
		_, err := fx.svc.Move(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}, fx.workshop.Sessions[1].ID)
		if fault.CodeOf(err) != fault.SessionCancelled {
			t.Errorf("err %v, want session_cancelled", err)
		}
	})
	t.Run("an attendee cannot cancel after the start", func(t *testing.T) {
		fx := newFixture(t)
		res := fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 1)
		fx.clock.Advance(fx.workshop.Sessions[0].StartsAt.Sub(fx.clock.Now()) + time.Minute)
		if _, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}); fault.CodeOf(err) != fault.SessionStarted {
			t.Errorf("err %v, want session_started", err)
		}
	})
	t.Run("an offer ends when registration closes and cannot be claimed after", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.createEvent(t, "Tiny Room", 0, 1)
		date := e.Sessions[0]
		leaver := fx.book(t, date.ID, "leaver@example.com", 1)
		entry, _ := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: date.ID, Name: "Wen", Email: "wen@example.com", Seats: 1})
		fx.clock.Advance(date.StartsAt.Add(-time.Hour).Sub(fx.clock.Now()))
		if _, err := fx.svc.Cancel(ctx, leaver.Booking.Ref, booking.Actor{Token: leaver.Token}); err != nil {
			t.Fatal(err)
		}
		offers := fx.notices.toEmail("wen@example.com", booking.NoticeWaitlistOffer)
		if len(offers) != 1 || !offers[0].Offer.OfferExpiresAt.Equal(date.StartsAt) {
			t.Fatalf("offers %+v, want one ending at the start", offers)
		}
		fx.clock.Advance(time.Hour + time.Second)
		if _, err := fx.svc.ClaimOffer(ctx, entry.ID, claimToken(offers[0].ClaimURL)); err == nil {
			t.Error("claimed an offer on a date that has started")
		}
		if _, err := fx.svc.ExpireOffers(ctx); err != nil {
			t.Fatal(err)
		}
		fx.mustCheck(t)
	})
	t.Run("a payment for a date that started is refunded and the payer told", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, checkout := fx.hold(t, fx.lab.Sessions[0].ID, "late@example.com", 1)
		fx.clock.Advance(fx.lab.Sessions[0].StartsAt.Sub(fx.clock.Now()) + time.Minute)
		fx.apply(t, fx.offline.CompleteEvent(checkout, res.Booking.Ref, 4900, "GBP", fx.clock.Now()))
		if b := fx.status(t, res); b.Status == booking.Confirmed {
			t.Fatal("confirmed on a date that has started")
		}
		if refunds, _ := fx.svc.Refunds(ctx, res.Booking.ID); len(refunds) != 1 {
			t.Errorf("refunds %+v, want one", refunds)
		}
		if len(fx.notices.of(res.Booking.Ref, booking.NoticeLatePaymentRefund)) != 1 {
			t.Errorf("notices %v, want the payer told", fx.notices.kinds(res.Booking.Ref))
		}
		fx.mustCheck(t)
	})
}

func TestMoveResetsSessionBoundState(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	res := fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 1)
	if _, err := fx.svc.SetCheckedIn(ctx, res.Booking.Ref, fx.coach.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.Move(ctx, res.Booking.Ref, booking.Actor{CoachID: fx.coach.ID}, fx.workshop.Sessions[1].ID); err != nil {
		t.Fatal(err)
	}
	a, err := fx.svc.Attendee(ctx, res.Booking.Ref, fx.coach.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.CheckedInAt != nil {
		t.Errorf("checked in at %v on date 2, want not checked in", a.CheckedInAt)
	}
}

func TestPeopleAreTold(t *testing.T) {
	ctx := context.Background()
	t.Run("a refund made sends a receipt and shows on the booking", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, checkout := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
		fx.apply(t, fx.offline.CompleteEvent(checkout, res.Booking.Ref, 4900, "GBP", fx.clock.Now()))
		if _, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}); err != nil {
			t.Fatal(err)
		}
		if n, err := fx.svc.ProcessRefunds(ctx); err != nil || n != 1 {
			t.Fatalf("processed %d, %v", n, err)
		}
		receipts := fx.notices.of(res.Booking.Ref, booking.NoticeRefunded)
		if len(receipts) != 1 || receipts[0].RefundCents != 4900 {
			t.Errorf("receipts %+v, want one for 4900", receipts)
		}
		lines, err := fx.svc.BookingRefunds(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
		if err != nil || len(lines) != 1 || lines[0].AmountCents != 4900 || lines[0].RefundedAt == nil {
			t.Errorf("refund lines %+v, %v", lines, err)
		}
	})
	t.Run("a coach cancelling a booking does not email the hosts about it", func(t *testing.T) {
		fx := newFixture(t)
		res := fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 1)
		if _, err := fx.svc.CancelWithRefund(ctx, res.Booking.Ref, booking.Actor{CoachID: fx.coach.ID}, booking.RefundNone); err != nil {
			t.Fatal(err)
		}
		if n := fx.notices.of(res.Booking.Ref, booking.NoticeCoachCancellation); len(n) != 0 {
			t.Errorf("hosts told of their own action: %v", fx.notices.kinds(res.Booking.Ref))
		}
	})
	t.Run("a failed async payment tells the attendee with a link to try again", func(t *testing.T) {
		fx := newPaidFixture(t)
		res, checkout := fx.hold(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
		fx.apply(t, payments.Event{ID: "evt_failed", Type: payments.EventCheckoutAsyncFailed, CheckoutID: checkout,
			Ref: res.Booking.Ref, PaymentStatus: payments.PaymentUnpaid, Created: fx.clock.Now()})
		told := fx.notices.of(res.Booking.Ref, booking.NoticePaymentFailed)
		if len(told) != 1 || told[0].RetryURL != "http://roster.test/events/"+fx.lab.Slug {
			t.Errorf("payment_failed notices %+v", told)
		}
		fx.mustCheck(t)
	})
	t.Run("joining the waitlist confirms the place in the queue", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.createEvent(t, "Tiny Room", 0, 1)
		fx.book(t, e.Sessions[0].ID, "ann@example.com", 1)
		for i, email := range []string{"w1@example.com", "w2@example.com"} {
			if _, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: e.Sessions[0].ID, Name: "W", Email: email, Seats: 1}); err != nil {
				t.Fatal(err)
			}
			told := fx.notices.toEmail(email, booking.NoticeWaitlistJoined)
			if len(told) != 1 || told[0].Position != i+1 {
				t.Errorf("%s: notices %+v, want position %d", email, told, i+1)
			}
		}
	})
}

func TestCheckFindsChildrenLeftOnACancelledParent(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	e := fx.createEvent(t, "Tiny Room", 0, 1)
	res := fx.book(t, e.Sessions[0].ID, "ada@example.com", 1)
	// events alone cancels the date without its children: what the old
	// path did, and what check must catch.
	if _, err := fx.events.CancelSession(ctx, fx.coach.ID, e.Sessions[0].ID); err != nil {
		t.Fatal(err)
	}
	violations, err := fx.svc.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, v := range violations {
		if strings.Contains(v, res.Booking.Ref) && strings.Contains(v, "cancelled session") {
			found = true
		}
	}
	if !found {
		t.Errorf("violations %q, want the live booking on the cancelled date", violations)
	}
	if _, err := fx.svc.CancelSessionBookings(ctx, fx.coach.ID, e.Sessions[0].ID, booking.RefundFull); err != nil {
		t.Fatal(err)
	}
	fx.mustCheck(t)
}
