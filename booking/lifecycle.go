package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// The transition tables of bookings (a hold is a booking in
// PendingPayment: its rows are the hold's table) and of waitlist entries
// (an offer is an entry in Offered). Every status change goes through
// transition or setEntryStatus, which consult these tables; the time guard
// of every action is the phase of the session it touches, which
// events.SessionTable decides (see guard). Each table answers every
// (state, action) pair with a transition or a refusal with a fault code;
// lifecycle_test walks them all.

// Action is something that happens to a booking.
type Action string

// Booking actions.
const (
	ActionPay      Action = "pay"       // a verified payment arrives
	ActionExpire   Action = "expire"    // a hold ends unpaid: ran out, abandoned, payment failed
	ActionCancel   Action = "cancel"    // by the attendee, a coach, or the date's or event's cancellation
	ActionMove     Action = "move"      // to another date of the same event
	ActionReissue  Action = "reissue"   // what the invite shows changed: SEQUENCE+1, same status
	ActionRefunded Action = "refunded"  // the provider reports the whole amount refunded
	ActionCheckIn  Action = "check_in"  // a coach records (or clears) an arrival
	ActionLatePaid Action = "late_paid" // a payment for an ended hold that finds a seat again
)

// Statuses and Actions list every state and action of the booking table.
var (
	Statuses = []Status{PendingPayment, Confirmed, Cancelled, Expired, Refunded}
	Actions  = []Action{ActionPay, ActionExpire, ActionCancel, ActionMove, ActionReissue, ActionRefunded, ActionCheckIn, ActionLatePaid}
)

// Rule is one cell of a transition table: a transition to To, or a refusal
// with Refusal's code.
type Rule[S comparable] struct {
	To      S
	Refusal fault.Code
	Effects string // what the transition sets off, for people reading the table
}

var (
	notLive    = Rule[Status]{Refusal: fault.Conflict}
	holdGone   = Rule[Status]{Refusal: fault.HoldExpired}
	seatsFreed = "seats released and offered to the waitlist first"
)

// BookingTable is the booking lifecycle. A payment that the table refuses
// (for an ended booking that cannot be revived, or on a date whose phase
// refuses ActPay) is refunded automatically and the payer told.
var BookingTable = map[Status]map[Action]Rule[Status]{
	PendingPayment: {
		ActionPay:      {To: Confirmed, Effects: "confirmation with the invite (METHOD:REQUEST); hosts told"},
		ActionExpire:   {To: Expired, Effects: seatsFreed + "; after a failed payment the attendee is told"},
		ActionCancel:   {To: Cancelled, Effects: seatsFreed},
		ActionMove:     {To: PendingPayment, Effects: "seats taken on the new date, released on the old"},
		ActionReissue:  {To: PendingPayment, Effects: "SEQUENCE+1"},
		ActionRefunded: {To: Refunded, Effects: seatsFreed},
		ActionCheckIn:  {Refusal: fault.Conflict},
		ActionLatePaid: {Refusal: fault.Conflict},
	},
	Confirmed: {
		ActionPay:      {Refusal: fault.Conflict},
		ActionExpire:   {Refusal: fault.Conflict},
		ActionCancel:   {To: Cancelled, Effects: seatsFreed + "; METHOD:CANCEL with SEQUENCE+1; refund by policy or the coach's choice"},
		ActionMove:     {To: Confirmed, Effects: "seats swapped; check-in cleared; updated invite (SEQUENCE+1); reminders withdrawn"},
		ActionReissue:  {To: Confirmed, Effects: "updated invite (SEQUENCE+1) and a what-changed email"},
		ActionRefunded: {To: Refunded, Effects: seatsFreed},
		ActionCheckIn:  {To: Confirmed},
		ActionLatePaid: {Refusal: fault.Conflict},
	},
	Cancelled: {
		ActionPay: notLive, ActionExpire: notLive, ActionCancel: notLive, ActionMove: notLive, ActionReissue: notLive,
		ActionRefunded: {To: Refunded},
		ActionCheckIn:  notLive, ActionLatePaid: notLive,
	},
	Expired: {
		ActionPay: holdGone, ActionExpire: holdGone, ActionCancel: notLive, ActionMove: notLive, ActionReissue: notLive,
		ActionRefunded: {To: Refunded},
		ActionCheckIn:  notLive,
		ActionLatePaid: {To: Confirmed, Effects: "only on an open date with seats free; else the payment is refunded"},
	},
	Refunded: {
		ActionPay: notLive, ActionExpire: notLive, ActionCancel: notLive, ActionMove: notLive, ActionReissue: notLive,
		ActionRefunded: notLive, ActionCheckIn: notLive, ActionLatePaid: notLive,
	},
}

// sessionActionOf is the action on the booking's session that a booking
// action is, for the time guard; "" needs none.
var sessionActionOf = map[Action]events.SessionAction{
	ActionPay:      events.ActPay,
	ActionLatePaid: events.ActPay,
	ActionMove:     events.ActMoveOut,
	ActionCheckIn:  events.ActCheckIn,
}

// NextStatus returns the status action leads to from from, or the table's
// refusal: ErrNotLive (fault.Conflict), ErrHoldExpired.
func NextStatus(from Status, action Action) (Status, error) {
	rule, ok := BookingTable[from][action]
	switch {
	case !ok:
		return "", fault.New(fault.Conflict, "a %s booking cannot %s", from, action)
	case rule.Refusal == fault.HoldExpired:
		return "", ErrHoldExpired
	case rule.Refusal != "":
		return "", ErrNotLive
	}
	return rule.To, nil
}

// guard checks the time (and the state of the session and event) of a
// booking action that has one: the session's phase must allow it.
func guard(e events.Event, sess events.Session, action Action, now time.Time) error {
	act, ok := sessionActionOf[action]
	if !ok {
		return nil
	}
	return events.Allows(e, sess, act, now)
}

// transition moves b (locked by the caller) through action: it checks the
// table, sets the status, clears a hold's expiry when the hold ends, saves
// the booking, records why, and frees the seats of a booking that stops
// being live (serving the waitlist first). A move's seats are the caller's.
func (s *Service) transition(ctx context.Context, tx *sqlx.Tx, b *Booking, action Action, reason string) error {
	to, err := NextStatus(b.Status, action)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	from := b.Status
	b.Status, b.UpdatedAt = to, now
	if to != PendingPayment {
		b.HoldExpiresAt = nil
	}
	if action == ActionCancel || action == ActionMove || action == ActionReissue {
		b.Sequence++
	}
	if err := saveBooking(ctx, tx, *b); err != nil {
		return err
	}
	if err := recordHistory(ctx, tx, *b, from, reason, now); err != nil {
		return err
	}
	if from.Live() && !to.Live() {
		return s.releaseHeld(ctx, tx, *b)
	}
	return nil
}

// The waitlist entry's actions.
type EntryAction string

// Waitlist entry actions.
const (
	EntryOffer   EntryAction = "offer"   // free seats are held for the entry
	EntryClaim   EntryAction = "claim"   // the offer becomes a booking
	EntryExpire  EntryAction = "expire"  // the offer ran out (or the date's registration closed)
	EntryDecline EntryAction = "decline" // the person says no to the offer
	EntryClose   EntryAction = "close"   // the date or event was cancelled
	EntryErase   EntryAction = "erase"   // the person is erased (see ErasePerson)
)

// WaitlistStatuses and EntryActions list every state and action of the
// offer table.
var (
	WaitlistStatuses = []WaitlistStatus{Waiting, Offered, Claimed, OfferExpired, Left}
	EntryActions     = []EntryAction{EntryOffer, EntryClaim, EntryExpire, EntryDecline, EntryClose, EntryErase}
)

var offerGone = Rule[WaitlistStatus]{Refusal: fault.Conflict}

// OfferTable is the waitlist lifecycle. The time guard of EntryOffer and
// EntryClaim is events.ActOffer / events.ActClaim on the entry's session.
var OfferTable = map[WaitlistStatus]map[EntryAction]Rule[WaitlistStatus]{
	Waiting: {
		EntryOffer: {To: Offered, Effects: "seats held until the offer expires (at the latest when registration closes); the person is emailed a claim link"},
		EntryClaim: offerGone, EntryExpire: offerGone, EntryDecline: offerGone,
		EntryClose: {To: Left, Effects: "the person is told the date is cancelled"},
		EntryErase: {To: Left, Effects: "the entry is anonymised"},
	},
	Offered: {
		EntryOffer:   offerGone,
		EntryClaim:   {To: Claimed, Effects: "a booking on the held seats (a hold for a paid event)"},
		EntryExpire:  {To: OfferExpired, Effects: seatsFreed},
		EntryDecline: {To: Left, Effects: seatsFreed},
		EntryClose:   {To: Left, Effects: "seats released; the person is told the date is cancelled"},
		EntryErase:   {To: Left, Effects: seatsFreed + "; the entry is anonymised"},
	},
	Claimed:      {EntryOffer: offerGone, EntryClaim: offerGone, EntryExpire: offerGone, EntryDecline: offerGone, EntryClose: offerGone, EntryErase: offerGone},
	OfferExpired: {EntryOffer: offerGone, EntryClaim: offerGone, EntryExpire: offerGone, EntryDecline: offerGone, EntryClose: offerGone, EntryErase: offerGone},
	Left:         {EntryOffer: offerGone, EntryClaim: offerGone, EntryExpire: offerGone, EntryDecline: offerGone, EntryClose: offerGone, EntryErase: offerGone},
}

// NextEntryStatus returns the status action leads to, or ErrOfferGone.
func NextEntryStatus(from WaitlistStatus, action EntryAction) (WaitlistStatus, error) {
	rule, ok := OfferTable[from][action]
	if !ok || rule.Refusal != "" {
		return "", ErrOfferGone
	}
	return rule.To, nil
}

// setEntryStatus is the one write of a waitlist entry's status. An entry
// keeps its live key (one place in line per person and date) only while
// waiting or offered; an offer sets its expiry and claim token hash.
func (s *Service) setEntryStatus(ctx context.Context, tx *sqlx.Tx, entry *WaitlistEntry, action EntryAction, claimHash *string) error {
	to, err := NextEntryStatus(entry.Status, action)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	from := entry.Status
	entry.Status, entry.UpdatedAt = to, now
	var liveKeyValue *string
	if to == Waiting || to == Offered {
		key := liveKey(entry.SessionID, entry.Email)
		liveKeyValue = &key
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE waitlist SET status = ?, live_key = ?, offer_expires_at = ?,
		claim_token_hash = COALESCE(?, claim_token_hash), updated_at = ? WHERE id = ?`),
		entry.Status, liveKeyValue, entry.OfferExpiresAt, claimHash, now, entry.ID); err != nil {
		return fmt.Errorf("waitlist entry %d %s: %w", entry.ID, action, err)
	}
	if from == Offered && to != Claimed {
		return s.freeSeats(ctx, tx, entry.SessionID, entry.Seats)
	}
	return nil
}
