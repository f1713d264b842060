package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
)

// ErrNotConfirmed is returned when checking in a booking that is not
// confirmed: a hold not yet paid for, or a booking that has ended.
var ErrNotConfirmed = fault.New(fault.Conflict, "only a confirmed booking can be checked in")

// SetCheckedIn records that a confirmed booking's attendee has arrived
// (checkedIn) or clears it, for a coach who hosts the event. Setting what
// is already set changes nothing. Returns ErrNotFound for another coach's
// booking, ErrNotConfirmed for one that is not confirmed, and
// fault.SessionCancelled / EventCancelled for a date that will not happen.
func (s *Service) SetCheckedIn(ctx context.Context, ref string, coachID int64, checkedIn bool) (Attendee, error) {
	var out Attendee
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		b, err := s.authorize(ctx, tx, ref, Actor{CoachID: coachID}, s.db.ForUpdate())
		if err != nil {
			return err
		}
		var current *time.Time
		if err := tx.GetContext(ctx, &current, tx.Rebind(`SELECT checked_in_at FROM bookings WHERE id = ?`), b.ID); err != nil {
			return fmt.Errorf("check-in of %s: %w", b.Ref, err)
		}
		out = Attendee{Booking: b, CheckedInAt: current}
		if (current != nil) == checkedIn {
			return nil
		}
		if checkedIn {
			if _, err := NextStatus(b.Status, ActionCheckIn); err != nil {
				return ErrNotConfirmed
			}
			d, err := s.details(ctx, tx, b)
			if err != nil {
				return err
			}
			if err := guard(d.Event, d.Session, ActionCheckIn, s.now()); err != nil {
				return err
			}
		}
		now := s.now().UTC()
		reason := fmt.Sprintf("checked in by coach %d", coachID)
		out.CheckedInAt = &now
		if !checkedIn {
			reason = fmt.Sprintf("check-in undone by coach %d", coachID)
			out.CheckedInAt = nil
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE bookings SET checked_in_at = ?, updated_at = ? WHERE id = ?`),
			out.CheckedInAt, now, b.ID); err != nil {
			return fmt.Errorf("check in %s: %w", b.Ref, err)
		}
		return recordHistory(ctx, tx, b, b.Status, reason, now)
	})
	return out, err
}
