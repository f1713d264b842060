package booking

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// ErrSessionNotCancelled is returned when asked to wind up the bookings of
// a date that still takes place.
var ErrSessionNotCancelled = fault.New(fault.Conflict, "cancel the date before cancelling its bookings")

// cancelBatch is how many bookings one pass of CancelSessionBookings reads.
const cancelBatch = 50

// CancelSessionBookings winds up a cancelled date for a coach who hosts it:
// the waitlist is closed (offers withdrawn, their seats released), then each
// live booking is cancelled in a transaction of its own, exactly as
// CancelWithRefund does: the attendee is told, the hosts are told and the
// refund the policy gives is queued. It is idempotent and resumable: a
// booking already ended is skipped, so running it again after a crash or a
// timeout finishes the job. It returns how many bookings this call
// cancelled; events.ErrNotFound for another coach's date, and
// ErrSessionNotCancelled if the date has not been cancelled (no new
// booking can then arrive while this runs).
func (s *Service) CancelSessionBookings(ctx context.Context, coachID, sessionID int64, policy RefundPolicy) (int, error) {
	sess, err := events.SessionByID(ctx, s.db, sessionID)
	if err != nil {
		return 0, err
	}
	if ok, err := events.IsHost(ctx, s.db, coachID, sess.EventID); err != nil {
		return 0, err
	} else if !ok {
		return 0, events.ErrNotFound
	}
	if sess.Status != events.SessionCancelled {
		return 0, ErrSessionNotCancelled
	}
	if err := s.closeWaitlist(ctx, sessionID); err != nil {
		return 0, err
	}
	actor := Actor{CoachID: coachID}
	cancelled := 0
	for {
		var refs []string
		if err := s.db.SelectContext(ctx, &refs, s.db.Rebind(`SELECT ref FROM bookings
			WHERE session_id = ? AND status IN ('pending_payment', 'confirmed') ORDER BY id LIMIT ?`),
			sessionID, cancelBatch); err != nil {
			return cancelled, fmt.Errorf("find live bookings: %w", err)
		}
		if len(refs) == 0 {
			return cancelled, nil
		}
		for _, ref := range refs {
			if err := ctx.Err(); err != nil {
				return cancelled, err
			}
			_, err := s.CancelWithRefund(ctx, ref, actor, policy)
			switch {
			case err == nil:
				cancelled++
			case errors.Is(err, ErrNotLive):
				// It ended meanwhile (a hold expired); the next pass no
				// longer finds it.
			default:
				return cancelled, fmt.Errorf("cancel %s: %w", ref, err)
			}
		}
	}
}

// closeWaitlist ends every place in line on a date: waiting entries leave
// the line, and open offers are withdrawn and their held seats released.
func (s *Service) closeWaitlist(ctx context.Context, sessionID int64) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var offered []WaitlistEntry
		if err := tx.SelectContext(ctx, &offered, tx.Rebind(`SELECT `+waitlistColumns+` FROM waitlist
			WHERE session_id = ? AND status = 'offered' ORDER BY id`+s.db.ForUpdate()), sessionID); err != nil {
			return fmt.Errorf("find open offers: %w", err)
		}
		for _, entry := range offered {
			if err := events.ReleaseSeats(ctx, tx, sessionID, entry.Seats); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE waitlist SET status = 'left', live_key = NULL, updated_at = ?
			WHERE session_id = ? AND status IN ('waiting', 'offered')`), s.now().UTC(), sessionID)
		if err != nil {
			return fmt.Errorf("close waitlist: %w", err)
		}
		return nil
	})
}
