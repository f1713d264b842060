package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
)

// Reminder is a reminder due for a confirmed booking.
type Reminder struct {
	Booking       Booking
	Event         events.Event
	Session       events.Session
	OffsetMinutes int
	ManageURL     string
}

// maxReminderOffset bounds how far ahead reminders are looked for; events
// refuse offsets beyond 30 days.
const maxReminderOffset = 30 * 24 * time.Hour

// DueReminders returns a Reminder for every confirmed booking on a scheduled
// session (or confirmed appointment) that starts after now, and every
// offset o of its event (or appointment type), whose
// moment (start − o) lies in (now − lookback, now] and falls after the
// booking was made: someone who books after a reminder's moment has just
// had their confirmation. Reminders are computed from the schedule, so a
// cancelled booking has none and a moved one has its new date's. Each
// returned reminder carries a manage link with a fresh token.
func (s *Service) DueReminders(ctx context.Context, now time.Time, lookback time.Duration) ([]Reminder, error) {
	now = now.UTC()
	var rows []struct {
		Booking
		StartsAt time.Time `db:"starts_at"`
	}
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`
		SELECT b.id, b.ref, b.session_id, b.event_id, b.name, b.email, b.seats, b.status, b.amount_cents, b.currency,
			b.hold_expires_at, b.payment_ref, b.payment_intent, b.refunded_cents, b.answers, b.sequence,
			b.created_at, b.updated_at, s.starts_at
		FROM bookings b JOIN sessions s ON s.id = b.session_id
		WHERE b.status = 'confirmed' AND s.status = 'scheduled' AND s.starts_at > ? AND s.starts_at <= ?
		ORDER BY s.starts_at, b.id`), now, now.Add(maxReminderOffset))
	if err != nil {
		return nil, fmt.Errorf("find upcoming bookings: %w", err)
	}
	eventsByID := map[int64]events.Event{}
	var due []Reminder
	for _, row := range rows {
		e, ok := eventsByID[row.EventID]
		if !ok {
			if e, err = events.LoadEvent(ctx, s.db, row.EventID); err != nil {
				return nil, err
			}
			eventsByID[row.EventID] = e
		}
		due = appendDue(due, row.Booking, e, sessionOf(e, row.SessionID), now, lookback)
	}
	appointments, err := s.dueAppointmentReminders(ctx, now, lookback)
	if err != nil {
		return nil, err
	}
	due = append(due, appointments...)
	if len(due) == 0 {
		return nil, nil
	}
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		for i := range due {
			token, err := s.mintToken(ctx, tx, due[i].Booking.ID)
			if err != nil {
				return err
			}
			due[i].ManageURL = s.ManageURL(due[i].Booking.Ref, token)
		}
		return nil
	})
	return due, err
}

// appendDue appends a reminder for each of e's offsets whose moment
// (start − offset) lies in (now − lookback, now] and after b was made.
func appendDue(due []Reminder, b Booking, e events.Event, sess events.Session, now time.Time, lookback time.Duration) []Reminder {
	for _, offset := range e.ReminderOffsetsMinutes {
		moment := sess.StartsAt.Add(-time.Duration(offset) * time.Minute)
		if moment.After(now) || !moment.After(now.Add(-lookback)) || !b.CreatedAt.Before(moment) {
			continue
		}
		due = append(due, Reminder{Booking: b, Event: e, Session: sess, OffsetMinutes: offset})
	}
	return due
}

// dueAppointmentReminders is DueReminders for appointments: the offsets
// are the appointment type's, the start the appointment's, and the Event
// and Session those appointmentDetails makes (Session has no id).
func (s *Service) dueAppointmentReminders(ctx context.Context, now time.Time, lookback time.Duration) ([]Reminder, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, s.db.Rebind(`SELECT b.id FROM bookings b JOIN appointments a ON a.booking_id = b.id
		WHERE b.status = 'confirmed' AND a.starts_at > ? AND a.starts_at <= ? ORDER BY a.starts_at, b.id`),
		now, now.Add(maxReminderOffset))
	if err != nil {
		return nil, fmt.Errorf("find upcoming appointments: %w", err)
	}
	var due []Reminder
	for _, id := range ids {
		b, err := bookingByID(ctx, s.db, id, "")
		if err != nil {
			return nil, err
		}
		d, err := s.appointmentDetails(ctx, s.db, b)
		if err != nil {
			return nil, err
		}
		due = appendDue(due, b, d.Event, d.Session, now, lookback)
	}
	return due, nil
}

func sessionOf(e events.Event, id int64) events.Session {
	for _, s := range e.Sessions {
		if s.ID == id {
			return s
		}
	}
	return events.Session{ID: id}
}

// ReminderStillDue reports, inside tx, whether the booking is still
// confirmed on the session, which still starts at startsAt; for an
// appointment (sessionID 0), whether it is still confirmed and still
// starts at startsAt. On PostgreSQL it holds the booking's row (FOR SHARE)
// until tx ends, so a cancel, move or reschedule waits for the reminder to
// be stored and then withdraws it.
func (s *Service) ReminderStillDue(ctx context.Context, tx *sqlx.Tx, bookingID, sessionID int64, startsAt time.Time) (bool, error) {
	lock := ""
	if s.db.ForUpdate() != "" {
		lock = " FOR SHARE OF b"
	}
	query := `SELECT b.id FROM bookings b JOIN sessions s ON s.id = b.session_id
		WHERE b.id = ? AND b.status = 'confirmed' AND b.session_id = ? AND s.status = 'scheduled' AND s.starts_at = ?`
	args := []any{bookingID, sessionID, startsAt.UTC()}
	if sessionID == 0 {
		query = `SELECT b.id FROM bookings b JOIN appointments a ON a.booking_id = b.id
		WHERE b.id = ? AND b.status = 'confirmed' AND b.session_id IS NULL AND a.starts_at = ?`
		args = []any{bookingID, startsAt.UTC()}
	}
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, tx.Rebind(query+lock), args...); err != nil {
		return false, fmt.Errorf("reminder still due: %w", err)
	}
	return len(ids) == 1, nil
}
