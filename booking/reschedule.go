package booking

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
)

// RescheduleSession changes a date of an event the coach hosts (its times
// or capacity) and, when the times change, tells every attendee in the
// same transaction: each live booking's sequence rises and confirmed
// attendees get a moved notice with the updated invite, which also
// withdraws reminders stored for the old time. Returns events.ErrNotFound
// for a date the coach does not host, and ErrSlotUnavailable if a host has
// a live appointment at the new time.
func (s *Service) RescheduleSession(ctx context.Context, coachID, sessionID int64, patch events.SessionPatch) (events.Session, error) {
	var out events.Session
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		updated, before, err := events.UpdateSessionIn(ctx, tx, coachID, sessionID, patch, s.now().UTC())
		if err != nil {
			return err
		}
		out = updated
		if !updated.Moved(before) {
			return nil
		}
		if err := s.checkSessionHostsFree(ctx, tx, updated); err != nil {
			return err
		}
		return s.tellMoved(ctx, tx, updated, before)
	})
	return out, err
}

func (s *Service) tellMoved(ctx context.Context, tx *sqlx.Tx, updated, before events.Session) error {
	var live []Booking
	if err := tx.SelectContext(ctx, &live, tx.Rebind(`SELECT `+bookingColumns+` FROM bookings
		WHERE session_id = ? AND status IN ('pending_payment', 'confirmed') ORDER BY id`+s.db.ForUpdate()), updated.ID); err != nil {
		return fmt.Errorf("bookings of a moved date: %w", err)
	}
	e, err := events.LoadEvent(ctx, tx, updated.EventID)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	for _, b := range live {
		b.Sequence++
		b.UpdatedAt = now
		if err := saveBooking(ctx, tx, b); err != nil {
			return err
		}
		if err := recordHistory(ctx, tx, b, b.Status, "date moved by the coach", now); err != nil {
			return err
		}
		if b.Status != Confirmed {
			continue
		}
		token, err := s.mintToken(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		n := Notice{Kind: NoticeMoved, Booking: b, Event: e, Session: updated, Previous: &before, ManageURL: s.ManageURL(b.Ref, token)}
		if err := s.notifier.Notify(ctx, tx, n); err != nil {
			return fmt.Errorf("notify moved: %w", err)
		}
	}
	return nil
}
