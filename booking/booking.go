// Package booking reserves seats on sessions and keeps the promise that no
// interleaving of requests, processes or crashes confirms more seats than a
// session has: holds, free bookings, confirmation, cancellation, moves, the
// waitlist and the manage tokens that let attendees help themselves.
package booking

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/receipt"
)

// Status is where a booking is in its life.
type Status string

// Booking statuses. PendingPayment and Confirmed are live: their seats count
// against the session's capacity.
const (
	PendingPayment Status = "pending_payment" // a hold while the attendee pays
	Confirmed      Status = "confirmed"
	Cancelled      Status = "cancelled"
	Expired        Status = "expired" // the hold ran out before payment
	Refunded       Status = "refunded"
)

// Live reports whether the booking's seats count against capacity.
func (s Status) Live() bool { return s == PendingPayment || s == Confirmed }

// Booking is an attendee's claim on seats of one session.
type Booking struct {
	ID            int64      `db:"id"`
	Ref           string     `db:"ref"` // e.g. CCL-7KQ2M9
	SessionID     int64      `db:"session_id"`
	EventID       int64      `db:"event_id"`
	Name          string     `db:"name"`
	Email         string     `db:"email"`
	Seats         int        `db:"seats"`
	Status        Status     `db:"status"`
	AmountCents   int64      `db:"amount_cents"` // price × seats when booked
	Currency      string     `db:"currency"`
	HoldExpiresAt *time.Time `db:"hold_expires_at"`
	PaymentRef    string     `db:"payment_ref"`    // the provider's checkout id
	PaymentIntent string     `db:"payment_intent"` // the provider's payment id
	RefundedCents int64      `db:"refunded_cents"`
	Answers       Answers    `db:"answers"`
	Sequence      int        `db:"sequence"` // raised on every change that updates the invite
	// Timezone is the attendee's own IANA zone when they gave it ("" when
	// not): their emails show times in it beside the event's zone.
	Timezone  string    `db:"timezone"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// NoticeKind names a message an attendee gets when their booking changes.
type NoticeKind string

// The notices booking raises.
const (
	NoticeConfirmed         NoticeKind = "confirmation"
	NoticeCancelled         NoticeKind = "cancellation"
	NoticeMoved             NoticeKind = "moved"
	NoticeWaitlistOffer     NoticeKind = "waitlist_offer"
	NoticeLatePaymentRefund NoticeKind = "late_payment_refund"
	NoticeHoldExpired       NoticeKind = "hold_expired"
	// NoticeBookingLink: someone tried to book the date again with the
	// booking's email; the booking's manage link (ManageURL) sent again.
	NoticeBookingLink       NoticeKind = "booking_link"
	NoticeCoachNewBooking   NoticeKind = "coach_new_booking"
	NoticeCoachCancellation NoticeKind = "coach_cancellation"
	// NoticeCoachMoved tells the hosts that a client moved their booking
	// to another date or rescheduled their appointment (Previous is the
	// old date or time).
	NoticeCoachMoved NoticeKind = "coach_moved"
	// NoticeChanged: something the invite shows (title, location, join
	// link, time) changed; carries Changes and the updated invite.
	NoticeChanged NoticeKind = "changed"
	// NoticeSessionCancelled: the coach cancelled the booking's date (or
	// the whole event); carries RefundCents and OtherDates.
	NoticeSessionCancelled NoticeKind = "session_cancelled"
	// NoticeWaitlistClosed: the date a person waits for was cancelled.
	NoticeWaitlistClosed NoticeKind = "waitlist_closed"
	// NoticeWaitlistJoined: a person joined the waitlist; carries Position.
	NoticeWaitlistJoined NoticeKind = "waitlist_joined"
	// NoticePaymentFailed: an asynchronous payment failed and the hold was
	// released; RetryURL is set while seats are left.
	NoticePaymentFailed NoticeKind = "payment_failed"
	// NoticeRefunded: the provider made a refund (RefundCents, RefundID).
	NoticeRefunded NoticeKind = "refund_receipt"
	// NoticeRefundFailed: a refund failed for good (RefundCents, RefundID).
	NoticeRefundFailed NoticeKind = "refund_failed"
)

// Notice is everything a message about a booking needs.
type Notice struct {
	Kind     NoticeKind
	Booking  Booking
	Event    events.Event   // with hosts; sessions may be empty
	Session  events.Session // the booking's session (after a move: the new one)
	Previous *events.Session
	// ManageURL is the attendee's self-service link, with a fresh token.
	ManageURL string
	// Offer is set for waitlist offers.
	Offer *WaitlistEntry
	// ClaimURL is the link that claims a waitlist offer.
	ClaimURL string
	// Changes lists what a NoticeChanged changed.
	Changes []events.Change
	// RefundCents is the refund a notice is about, in minor units of
	// RefundCurrency: queued (session_cancelled) or made (refund_receipt,
	// refund_failed).
	RefundCents int64
	// RefundCurrency is the refund's ISO 4217 currency: the payment's it
	// returns, which is not the booking's for a wrong payment. Empty
	// means the booking's.
	RefundCurrency string
	// RefundID identifies the refund of a receipt, for its dedupe key.
	RefundID int64
	// OtherDates are the event's other dates still open for booking.
	OtherDates []events.Session
	// Position is a waitlist entry's place in line, from 1.
	Position int
	// RetryURL is where an attendee whose payment failed can book again.
	RetryURL string
	// Reason says, in words for the attendee, why a payment was refunded.
	Reason string
	// Answers are the booking's answers to its registration questions, in
	// the questions' order, for the hosts' coach_new_booking notice.
	Answers []AnsweredQuestion
	// Receipt is the receipt a paid confirmation carries, or the credit
	// note of a refund_receipt; nil for none.
	Receipt *receipt.Document
}

// Notifier writes the messages a booking change causes. It is called inside
// the transaction that makes the change, with that transaction, so a
// message is stored if and only if the change commits; sending happens
// later, outside any request.
type Notifier interface {
	Notify(ctx context.Context, tx *sqlx.Tx, n Notice) error
}
