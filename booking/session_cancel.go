package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// ErrSessionNotCancelled is returned when asked to wind up the bookings of
// a date that still takes place.
var ErrSessionNotCancelled = fault.New(fault.Conflict, "cancel the date before cancelling its bookings")

// CancelEvent cancels an event the coach hosts and, in the same
// transaction, every one of its dates that has not begun, exactly as
// CancelSession cancels one: bookings, holds, offers and the waitlist, with
// refunds by policy (the coach's choice) queued for the refund worker and
// every attendee and waiting person told. Dates that have begun keep their
// bookings. It returns the cancelled event and how many bookings it
// cancelled. Errors: events.ErrNotFound for an event the coach does not
// host, fault.EventCancelled for one already cancelled.
func (s *Service) CancelEvent(ctx context.Context, coachID int64, slug string, policy RefundPolicy) (events.Event, int, error) {
	var (
		out       events.Event
		cancelled int
	)
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var (
			sessions []events.Session
			err      error
		)
		if out, sessions, err = events.CancelEventIn(ctx, tx, coachID, slug, s.now().UTC()); err != nil {
			return err
		}
		for _, sess := range sessions {
			n, err := s.cancelChildren(ctx, tx, coachID, out, sess, policy)
			if err != nil {
				return err
			}
			cancelled += n
		}
		out, err = events.LoadEvent(ctx, tx, out.ID)
		return err
	})
	return out, cancelled, err
}

// CancelSession cancels a date of an event the coach hosts and everything
// on it, in one transaction: its sequence rises; every live booking is
// cancelled (the attendee gets a METHOD:CANCEL with a higher SEQUENCE and
// an email that says the coach cancelled, what happens to the money and
// which other dates are open), a paid one refunded by policy (queued rows
// the refund worker makes); holds are released; open offers are withdrawn
// and everyone waiting is told. No reminder goes out after it, and hosts
// are not emailed about their own action. Cancelling a date already
// cancelled winds up anything left on it. Returns the date and how many
// bookings this call cancelled; events.ErrNotFound for another coach's
// date, fault.SessionStarted for a date that has begun.
func (s *Service) CancelSession(ctx context.Context, coachID, sessionID int64, policy RefundPolicy) (events.Session, int, error) {
	var (
		out       events.Session
		cancelled int
	)
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		sess, e, _, err := events.CancelSessionIn(ctx, tx, coachID, sessionID, s.now().UTC())
		if err != nil {
			return err
		}
		if cancelled, err = s.cancelChildren(ctx, tx, coachID, e, sess, policy); err != nil {
			return err
		}
		out, err = events.SessionByID(ctx, tx, sess.ID)
		return err
	})
	return out, cancelled, err
}

// CancelSessionBookings winds up a date already cancelled (by
// events.Service.CancelSession) for a coach who hosts it, in one
// transaction, as CancelSession does. It is idempotent: a booking already
// ended is left alone. It returns how many bookings this call cancelled;
// events.ErrNotFound for another coach's date, and ErrSessionNotCancelled
// if the date has not been cancelled.
//
// Deprecated: call CancelSession, which cancels the date and its bookings
// at once.
func (s *Service) CancelSessionBookings(ctx context.Context, coachID, sessionID int64, policy RefundPolicy) (int, error) {
	var cancelled int
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		sess, e, err := hostedSession(ctx, tx, coachID, sessionID)
		if err != nil {
			return err
		}
		if sess.Status != events.SessionCancelled {
			return ErrSessionNotCancelled
		}
		cancelled, err = s.cancelChildren(ctx, tx, coachID, e, sess, policy)
		return err
	})
	return cancelled, err
}

// cancelChildren carries a date's cancellation to everything on it, in
// the caller's transaction: the waitlist is closed (people told, offers
// withdrawn), then each live booking is cancelled with the refund policy
// gives. Rows are locked in id order, so two cancels of one date queue.
func (s *Service) cancelChildren(ctx context.Context, tx *sqlx.Tx, coachID int64, e events.Event, sess events.Session, policy RefundPolicy) (int, error) {
	var line []WaitlistEntry
	if err := tx.SelectContext(ctx, &line, tx.Rebind(`SELECT `+waitlistColumns+` FROM waitlist
		WHERE session_id = ? AND status IN ('waiting', 'offered') ORDER BY id`+s.db.ForUpdate()), sess.ID); err != nil {
		return 0, fmt.Errorf("waitlist of a cancelled date: %w", err)
	}
	for _, entry := range line {
		if err := s.setEntryStatus(ctx, tx, &entry, EntryClose, nil); err != nil {
			return 0, err
		}
		n := Notice{Kind: NoticeWaitlistClosed, Event: e, Session: sess, Offer: &entry, Booking: entryBooking(entry, e),
			OtherDates: otherDates(e, sess, s.now())}
		if err := s.notifier.Notify(ctx, tx, n); err != nil {
			return 0, fmt.Errorf("notify waitlist closed: %w", err)
		}
	}
	var live []Booking
	if err := tx.SelectContext(ctx, &live, tx.Rebind(`SELECT `+bookingColumns+` FROM bookings
		WHERE session_id = ? AND status IN ('pending_payment', 'confirmed') ORDER BY id`+s.db.ForUpdate()), sess.ID); err != nil {
		return 0, fmt.Errorf("bookings of a cancelled date: %w", err)
	}
	actor := Actor{CoachID: coachID}
	reason := actor.reason("date cancelled")
	if e.Status == events.Cancelled {
		reason = actor.reason("event cancelled")
	}
	for _, b := range live {
		amount, err := s.refundFor(ctx, tx, b, policy)
		if err != nil {
			return 0, err
		}
		if err := s.transition(ctx, tx, &b, ActionCancel, reason); err != nil {
			return 0, err
		}
		if err := s.queueOwnRefund(ctx, tx, b, amount, reason); err != nil {
			return 0, err
		}
		n := Notice{Kind: NoticeSessionCancelled, Booking: b, Event: e, Session: sess, RefundCents: amount,
			OtherDates: otherDates(e, sess, s.now())}
		if err := s.notifier.Notify(ctx, tx, n); err != nil {
			return 0, fmt.Errorf("notify session cancelled: %w", err)
		}
	}
	return len(live), nil
}

// otherDates are the event's dates other than sess still open for booking.
func otherDates(e events.Event, sess events.Session, now time.Time) []events.Session {
	var out []events.Session
	for _, other := range e.Sessions {
		if other.ID != sess.ID && events.Allows(e, other, events.ActBook, now) == nil {
			out = append(out, other)
		}
	}
	return out
}
