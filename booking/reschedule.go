package booking

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
)

// UpdateEvent applies patch to an event the coach hosts and, in the same
// transaction, carries what attendees' calendars show to every live
// booking on its dates that have not begun: a change of title, location or
// join link raises each booking's SEQUENCE and sends the confirmed
// attendee the updated invite (METHOD:REQUEST, same UID) with a short
// what-changed email. Other changes send nothing. A patch that cancels the
// event is CancelEvent with full refunds (the coach cancelled; attendees
// are not at fault). Coaches made hosts by the change are told (see
// Config.HostNotifier); a new host with a live appointment overlapping one
// of the event's dates still to come refuses the change with a
// fault.HostBusy error naming the host and the appointment's time
// (invariant 8). Errors: those of events.UpdateEventIn and CancelEvent.
func (s *Service) UpdateEvent(ctx context.Context, coachID int64, slug string, patch events.EventPatch) (events.Event, error) {
	if patch.Status != nil && *patch.Status == events.Cancelled {
		e, _, err := s.CancelEvent(ctx, coachID, slug, RefundFull)
		return e, err
	}
	var out events.Event
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		after, before, err := events.UpdateEventIn(ctx, tx, coachID, slug, patch, s.now().UTC())
		if err != nil {
			return err
		}
		out = after
		if err := s.checkAddedHostsFree(ctx, tx, before, after); err != nil {
			return err
		}
		if err := events.TellAddedHosts(ctx, tx, s.cfg.HostNotifier, coachID, "event", before.Hosts, after.Hosts, after.Title, after.Slug, after.Status); err != nil {
			return err
		}
		changes := events.CalendarChanges(before, after)
		if len(changes) == 0 {
			return nil
		}
		for _, sess := range after.Sessions {
			if err := s.tellChanged(ctx, tx, after, sess, nil, changes); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// RescheduleSession changes a date of an event the coach hosts (its times
// or capacity) in one transaction with what that sets off: new times raise
// every live booking's SEQUENCE and send confirmed attendees the updated
// invite with a what-changed email (which withdraws reminders stored for
// the old time); added capacity is offered to the waitlist first. Returns
// events.ErrNotFound for a date the coach does not host, a fault.HostBusy error
// if a host has a live appointment at the new time, the date's
// refusal (fault.SessionStarted, SessionCancelled, EventCancelled), and a
// fault.Invalid error for bad times or a capacity below the seats taken.
func (s *Service) RescheduleSession(ctx context.Context, coachID, sessionID int64, patch events.SessionPatch) (events.Session, error) {
	var out events.Session
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		updated, before, err := events.UpdateSessionIn(ctx, tx, coachID, sessionID, patch, s.now().UTC())
		if err != nil {
			return err
		}
		out = updated
		if updated.Moved(before) {
			if err := s.checkSessionHostsFree(ctx, tx, updated); err != nil {
				return err
			}
			e, err := events.LoadEvent(ctx, tx, updated.EventID)
			if err != nil {
				return err
			}
			change := events.Change{Field: "time", Before: timeRange(before, e), After: timeRange(updated, e)}
			if err := s.tellChanged(ctx, tx, e, updated, &before, []events.Change{change}); err != nil {
				return err
			}
		}
		if updated.Capacity > before.Capacity {
			return s.offerFreedSeats(ctx, tx, updated.ID)
		}
		return nil
	})
	return out, err
}

func timeRange(sess events.Session, e events.Event) string {
	loc := e.Zone()
	return sess.StartsAt.In(loc).Format("Mon 2 Jan 2006 15:04") + "–" + sess.EndsAt.In(loc).Format("15:04 MST")
}

// tellChanged is the one way a change attendees' calendars show reaches
// them: every live booking on sess (if sess is still to come) is reissued
// (SEQUENCE+1) and each confirmed attendee gets a changed notice with the
// updated invite. previous is the date's old times when they changed.
func (s *Service) tellChanged(ctx context.Context, tx *sqlx.Tx, e events.Event, sess events.Session, previous *events.Session, changes []events.Change) error {
	if sess.Status != events.Scheduled || !s.now().Before(sess.StartsAt) {
		return nil // nothing left to update in anyone's calendar
	}
	var live []Booking
	if err := tx.SelectContext(ctx, &live, tx.Rebind(`SELECT `+bookingColumns+` FROM bookings
		WHERE session_id = ? AND status IN ('pending_payment', 'confirmed') ORDER BY id`+s.db.ForUpdate()), sess.ID); err != nil {
		return fmt.Errorf("bookings of a changed date: %w", err)
	}
	for _, b := range live {
		if err := s.transition(ctx, tx, &b, ActionReissue, "changed by the coach: "+changedFields(changes)); err != nil {
			return err
		}
		if b.Status != Confirmed {
			continue
		}
		token, err := s.mintToken(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		n := Notice{Kind: NoticeChanged, Booking: b, Event: e, Session: sess, Previous: previous, Changes: changes,
			ManageURL: s.ManageURL(b.Ref, token)}
		if err := s.notifier.Notify(ctx, tx, n); err != nil {
			return fmt.Errorf("notify changed: %w", err)
		}
	}
	return nil
}

func changedFields(changes []events.Change) string {
	out := ""
	for i, c := range changes {
		if i > 0 {
			out += ", "
		}
		out += c.Field
	}
	return out
}
