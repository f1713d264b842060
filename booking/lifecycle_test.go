package booking_test

import (
	"context"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// lifecycleRefusals are the codes a transition may be refused with.
var lifecycleRefusals = map[fault.Code]bool{
	fault.Conflict: true, fault.HoldExpired: true, fault.RegistrationClosed: true,
	fault.SessionStarted: true, fault.SessionCancelled: true, fault.EventCancelled: true,
}

func TestBookingTableDecidesEveryAction(t *testing.T) {
	for _, from := range booking.Statuses {
		for _, action := range booking.Actions {
			t.Run(string(from)+" "+string(action), func(t *testing.T) {
				rule, ok := booking.BookingTable[from][action]
				if !ok {
					t.Fatal("no transition and no refusal")
				}
				to, err := booking.NextStatus(from, action)
				if rule.Refusal != "" {
					if !lifecycleRefusals[rule.Refusal] || fault.CodeOf(err) != rule.Refusal {
						t.Errorf("refusal %q gives %v", rule.Refusal, err)
					}
					return
				}
				if err != nil || to != rule.To || !containsStatus(booking.Statuses, to) {
					t.Errorf("transition to %q gives %q, %v", rule.To, to, err)
				}
			})
		}
	}
}

func TestOfferTableDecidesEveryAction(t *testing.T) {
	for _, from := range booking.WaitlistStatuses {
		for _, action := range booking.EntryActions {
			t.Run(string(from)+" "+string(action), func(t *testing.T) {
				rule, ok := booking.OfferTable[from][action]
				if !ok {
					t.Fatal("no transition and no refusal")
				}
				to, err := booking.NextEntryStatus(from, action)
				if rule.Refusal != "" {
					if !lifecycleRefusals[rule.Refusal] || fault.CodeOf(err) != rule.Refusal {
						t.Errorf("refusal %q gives %v", rule.Refusal, err)
					}
					return
				}
				if err != nil || to != rule.To {
					t.Errorf("transition to %q gives %q, %v", rule.To, to, err)
				}
			})
		}
	}
}

func containsStatus(list []booking.Status, s booking.Status) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// noticesOf returns the notices of one kind sent about a ref.
func (n *notices) of(ref string, kind booking.NoticeKind) []booking.Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []booking.Notice
	for _, x := range n.list {
		if x.Booking.Ref == ref && x.Kind == kind {
			out = append(out, x)
		}
	}
	return out
}

// toEmail returns the notices of one kind sent to an address.
func (n *notices) toEmail(email string, kind booking.NoticeKind) []booking.Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []booking.Notice
	for _, x := range n.list {
		if x.Booking.Email == email && x.Kind == kind {
			out = append(out, x)
		}
	}
	return out
}

func TestCancellingAnEventReachesEveryChild(t *testing.T) {
	ctx := context.Background()
	fx := newPaidFixture(t)
	small := fx.createEvent(t, "Small Circle", 4900, 1)
	first, second := small.Sessions[0], small.Sessions[1]
	paid, checkout := fx.hold(t, first.ID, "paid@example.com", 1)
	fx.apply(t, fx.offline.CompleteEvent(checkout, paid.Booking.Ref, 4900, "GBP", fx.clock.Now()))
	if _, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: first.ID, Name: "Wanda", Email: "wanda@example.com", Seats: 1}); err != nil {
		t.Fatal(err)
	}
	held, heldCheckout := fx.hold(t, second.ID, "held@example.com", 1)

	e, n, err := fx.svc.CancelEvent(ctx, fx.coach.ID, small.Slug, booking.RefundFull)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the event, its dates and its bookings are cancelled in one go", func(t *testing.T) {
		if e.Status != events.Cancelled || n != 2 {
			t.Errorf("event %s, %d bookings cancelled; want cancelled, 2", e.Status, n)
		}
		for _, s := range e.Sessions {
			if s.Status != events.SessionCancelled || s.SeatsTaken != 0 {
				t.Errorf("session %d: %s with %d seats taken", s.ID, s.Status, s.SeatsTaken)
			}
		}
		for _, res := range []booking.Result{paid, held} {
			if got := fx.status(t, res); got.Status.Live() || got.Sequence <= res.Booking.Sequence {
				t.Errorf("%s is %s at sequence %d", got.Ref, got.Status, got.Sequence)
			}
		}
		fx.mustCheck(t)
	})
	t.Run("the paid attendee is refunded by the coach's choice and told", func(t *testing.T) {
		refunds, err := fx.svc.Refunds(ctx, paid.Booking.ID)
		if err != nil || len(refunds) != 1 || refunds[0].AmountCents != 4900 {
			t.Errorf("refunds %+v, %v; want 4900 queued", refunds, err)
		}
		told := fx.notices.of(paid.Booking.Ref, booking.NoticeSessionCancelled)
		if len(told) != 1 || told[0].RefundCents != 4900 {
			t.Fatalf("session_cancelled notices %+v, want one with the refund", told)
		}
		if len(fx.notices.of(paid.Booking.Ref, booking.NoticeCoachCancellation)) != 0 {
			t.Error("the host was emailed about their own cancellation")
		}
	})
	t.Run("the waiting person is told", func(t *testing.T) {
		if got := fx.notices.toEmail("wanda@example.com", booking.NoticeWaitlistClosed); len(got) != 1 {
			t.Errorf("waitlist_closed notices %d, want 1", len(got))
		}
	})
	t.Run("no reminder goes out after", func(t *testing.T) {
		fx.clock.Advance(first.StartsAt.Add(-time.Hour).Sub(fx.clock.Now()))
		due, err := fx.svc.DueReminders(ctx, fx.clock.Now(), 48*time.Hour)
		if err != nil || len(due) != 0 {
			t.Errorf("reminders %+v, %v; want none", due, err)
		}
	})
	t.Run("paying the open hold afterwards is refunded, not confirmed", func(t *testing.T) {
		got := fx.apply(t, fx.offline.CompleteEvent(heldCheckout, held.Booking.Ref, 4900, "GBP", fx.clock.Now()))
		if b := fx.status(t, held); b.Status == booking.Confirmed {
			t.Fatalf("booking confirmed on a cancelled event (%s)", got)
		}
		refunds, _ := fx.svc.Refunds(ctx, held.Booking.ID)
		if len(refunds) != 1 || refunds[0].AmountCents != 4900 {
			t.Errorf("refunds %+v, want the payment refunded", refunds)
		}
		if told := fx.notices.of(held.Booking.Ref, booking.NoticeLatePaymentRefund); len(told) != 1 {
			t.Errorf("payer not told of the refund: %v", fx.notices.kinds(held.Booking.Ref))
		}
		fx.mustCheck(t)
	})
	t.Run("a cancelled event refuses everything", func(t *testing.T) {
		if _, _, err := fx.svc.CancelEvent(ctx, fx.coach.ID, small.Slug, booking.RefundFull); fault.CodeOf(err) != fault.EventCancelled {
			t.Errorf("second cancel: %v, want event_cancelled", err)
		}
		title := "Renamed"
		if _, err := fx.svc.UpdateEvent(ctx, fx.coach.ID, small.Slug, events.EventPatch{Title: &title}); fault.CodeOf(err) != fault.EventCancelled {
			t.Errorf("edit: %v, want event_cancelled", err)
		}
	})
}

func TestCancellingADateWithManyBookingsIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	date := fx.workshop.Sessions[0]
	var refs []string
	for i := range 10 {
		refs = append(refs, fx.book(t, date.ID, string(rune('a'+i))+"@example.com", 1).Booking.Ref)
	}
	sess, n, err := fx.svc.CancelSession(ctx, fx.coach.ID, date.ID, booking.RefundByPolicy)
	if err != nil || n != 10 || sess.Status != events.SessionCancelled {
		t.Fatalf("cancelled %d, %s, %v; want 10, cancelled", n, sess.Status, err)
	}
	for _, ref := range refs {
		told := fx.notices.of(ref, booking.NoticeSessionCancelled)
		if len(told) != 1 || len(told[0].OtherDates) != 1 || told[0].OtherDates[0].ID != fx.workshop.Sessions[1].ID {
			t.Errorf("%s: notices %+v, want one naming the other date", ref, told)
		}
	}
	fx.mustCheck(t)
	t.Run("a date that has begun cannot be cancelled", func(t *testing.T) {
		fx.clock.Advance(fx.workshop.Sessions[1].StartsAt.Sub(fx.clock.Now()) + time.Second)
		if _, _, err := fx.svc.CancelSession(ctx, fx.coach.ID, fx.workshop.Sessions[1].ID, booking.RefundFull); fault.CodeOf(err) != fault.SessionStarted {
			t.Errorf("err %v, want session_started", err)
		}
	})
}

func TestCalendarVisibleChangesReissueTheInvite(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	res := fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 1)
	hold := fx.book(t, fx.lab.Sessions[0].ID, "ada@example.com", 1)
	tests := []struct {
		name    string
		patch   events.EventPatch
		changed []string
	}{
		{"a new title sends an updated invite", events.EventPatch{Title: ptr("Free Taster: Careers")}, []string{"title"}},
		{"a new place and join link send one updated invite", events.EventPatch{Location: ptr("Room 2"), OnlineURL: ptr("https://meet.example.com/x")}, []string{"location", "online_url"}},
		{"a new description sends nothing", events.EventPatch{Description: ptr("More words")}, nil},
		{"a new price sends nothing", events.EventPatch{RefundCutoffHours: new(int)}, nil},
	}
	sequence := res.Booking.Sequence
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fx.notices.of(res.Booking.Ref, booking.NoticeChanged))
			if _, err := fx.svc.UpdateEvent(ctx, fx.coach.ID, fx.workshop.Slug, tt.patch); err != nil {
				t.Fatal(err)
			}
			told := fx.notices.of(res.Booking.Ref, booking.NoticeChanged)
			d, err := fx.svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
			if err != nil {
				t.Fatal(err)
			}
			if tt.changed == nil {
				if len(told) != before || d.Booking.Sequence != sequence {
					t.Errorf("sent %d notices, sequence %d; want none, %d", len(told)-before, d.Booking.Sequence, sequence)
				}
				return
			}
			sequence++
			if len(told) != before+1 || d.Booking.Sequence != sequence {
				t.Fatalf("sent %d notices, sequence %d; want 1, %d", len(told)-before, d.Booking.Sequence, sequence)
			}
			last := told[len(told)-1]
			var fields []string
			for _, c := range last.Changes {
				fields = append(fields, c.Field)
			}
			if len(fields) != len(tt.changed) || last.Booking.Sequence != sequence {
				t.Errorf("changes %v at sequence %d, want %v at %d", fields, last.Booking.Sequence, tt.changed, sequence)
			}
		})
	}
	t.Run("a date's new time uses the same mechanism", func(t *testing.T) {
		later := fx.lab.Sessions[0].StartsAt.Add(time.Hour)
		end := later.Add(2 * time.Hour)
		if _, err := fx.svc.RescheduleSession(ctx, fx.coach.ID, fx.lab.Sessions[0].ID, events.SessionPatch{StartsAt: &later, EndsAt: &end}); err != nil {
			t.Fatal(err)
		}
		d, _ := fx.svc.Get(ctx, hold.Booking.Ref, booking.Actor{Token: hold.Token})
		if d.Booking.Sequence != hold.Booking.Sequence+1 {
			t.Errorf("the hold's sequence is %d, want %d", d.Booking.Sequence, hold.Booking.Sequence+1)
		}
	})
}

func ptr[T any](v T) *T { return &v }
