package notify_test

import (
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

func TestLifecycleNotices(t *testing.T) {
	e, s := lab()
	later := s
	later.ID, later.StartsAt, later.EndsAt = 11, s.StartsAt.AddDate(0, 0, 7), s.EndsAt.AddDate(0, 0, 7)
	refunded := adaBooking()
	refunded.Status, refunded.RefundedCents, refunded.Sequence = booking.Refunded, 4900, 1
	moved := adaBooking()
	moved.Sequence = 1
	cancelledByCoach := adaBooking()
	cancelledByCoach.Status, cancelledByCoach.Sequence = booking.Cancelled, 2
	runNotifierCases(t, []notifierCase{
		{
			name: "a date cancelled by the coach says so, with the money and the other dates",
			notice: booking.Notice{Kind: booking.NoticeSessionCancelled, Booking: cancelledByCoach, Event: e, Session: s,
				RefundCents: 4900, OtherDates: []events.Session{later}},
			rows:     []storedRow{{"booking:CCL-7KQ2M9:session_cancelled", "ada@example.com", "session_cancelled", "CANCEL"}},
			subject:  "Cancelled by the coach: Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"the coach has cancelled", "£49.00", "Wednesday 29 September 2027, 18:00–20:00 BST"},
			textOnly: []string{"we are refunding £49.00"},
			notText:  []string{"welcome to book again"},
			ics:      []string{"METHOD:CANCEL", "UID:booking-CCL-7KQ2M9@roster.example", "SEQUENCE:2", "STATUS:CANCELLED"},
		},
		{
			name: "a changed place sends the updated invite and what changed",
			notice: booking.Notice{Kind: booking.NoticeChanged, Booking: moved, Event: e, Session: s, ManageURL: manageURL,
				Changes: []events.Change{{Field: "location", Before: "Online", After: "Room 2"}}},
			rows:     []storedRow{{"booking:CCL-7KQ2M9:changed:1", "ada@example.com", "changed", "REQUEST"}},
			subject:  "Updated: Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"Place: Online", "Room 2", manageURL},
			textOnly: []string{"Place: Online -> Room 2"},
			ics:      []string{"METHOD:REQUEST", "UID:booking-CCL-7KQ2M9@roster.example", "SEQUENCE:1"},
		},
		{
			name: "joining the waitlist tells the place in the queue",
			notice: booking.Notice{Kind: booking.NoticeWaitlistJoined, Event: e, Session: s, Position: 3,
				Offer: &booking.WaitlistEntry{ID: 8, SessionID: s.ID, Name: "Grace Hopper", Email: "grace@example.com", Seats: 1, Status: booking.Waiting}},
			rows:     []storedRow{{"waitlist:8:waitlist_joined", "grace@example.com", "waitlist_joined", ""}},
			subject:  "You are on the waitlist: Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"number 3"},
			noInvite: true,
		},
		{
			name:     "a failed payment links to try again",
			notice:   booking.Notice{Kind: booking.NoticePaymentFailed, Booking: adaBooking(), Event: e, Session: s, RetryURL: "https://roster.example/events/career-clarity-lab"},
			rows:     []storedRow{{"booking:CCL-7KQ2M9:payment_failed", "ada@example.com", "payment_failed", ""}},
			subject:  "Your payment did not go through: Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"did not go through", "https://roster.example/events/career-clarity-lab"},
			noInvite: true,
		},
		{
			name:     "a refund made sends a receipt",
			notice:   booking.Notice{Kind: booking.NoticeRefunded, Booking: refunded, Event: e, Session: s, RefundCents: 4900, RefundID: 5},
			rows:     []storedRow{{"booking:CCL-7KQ2M9:refund_receipt:5", "ada@example.com", "refund_receipt", ""}},
			subject:  "Refund of £49.00: Career Clarity Lab",
			text:     []string{"refunded", "£49.00"},
			noInvite: true,
		},
	})
}
