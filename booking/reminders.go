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
// session that starts after now, and every offset o of its event, whose
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
		for _, offset := range e.ReminderOffsetsMinutes {
			moment := row.StartsAt.Add(-time.Duration(offset) * time.Minute)
			if moment.After(now) || !moment.After(now.Add(-lookback)) || !row.CreatedAt.Before(moment) {
				continue
			}
			due = append(due, Reminder{Booking: row.Booking, Event: e, Session: sessionOf(e, row.SessionID), OffsetMinutes: offset})
		}
	}
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

func sessionOf(e events.Event, id int64) events.Session {
	for _, s := range e.Sessions {
		if s.ID == id {
			return s
		}
	}
	return events.Session{ID: id}
}

// ReminderStillDue reports, inside tx, whether the booking is still
// confirmed on the session, which still starts at startsAt. On PostgreSQL
// it holds the booking's row (FOR SHARE) until tx ends, so a cancel or move
// waits for the reminder to be stored and then withdraws it.
func (s *Service) ReminderStillDue(ctx context.Context, tx *sqlx.Tx, bookingID, sessionID int64, startsAt time.Time) (bool, error) {
	lock := ""
	if s.db.ForUpdate() != "" {
		lock = " FOR SHARE OF b"
	}
	var ids []int64
	err := tx.SelectContext(ctx, &ids, tx.Rebind(`SELECT b.id FROM bookings b JOIN sessions s ON s.id = b.session_id
		WHERE b.id = ? AND b.status = 'confirmed' AND b.session_id = ? AND s.status = 'scheduled' AND s.starts_at = ?`+lock),
		bookingID, sessionID, startsAt.UTC())
	if err != nil {
		return false, fmt.Errorf("reminder still due: %w", err)
	}
	return len(ids) == 1, nil
}
