package booking

import (
	"context"
	"fmt"
	"time"
)

// Attendee is a booking as the coach's attendee list shows it: with the
// moment the attendee was checked in on the day, if they were.
type Attendee struct {
	Booking
	CheckedInAt *time.Time `db:"checked_in_at"`
}

// HistoryEntry is one change in a booking's life.
type HistoryEntry struct {
	SessionID int64     `db:"session_id"`
	From      Status    `db:"from_status"`
	To        Status    `db:"to_status"`
	Reason    string    `db:"reason"`
	At        time.Time `db:"at"`
}

// AttendeeDetails is everything the coach's page for one booking shows.
type AttendeeDetails struct {
	Details
	CheckedInAt *time.Time
	History     []HistoryEntry // oldest first
	Refunds     []RefundJob    // newest first
}

const attendeeColumns = bookingColumns + `, checked_in_at`

// SessionAttendees lists a date's bookings, oldest first, for a coach who
// hosts its event; another coach (or an unknown date) gets
// events.ErrNotFound.
func (s *Service) SessionAttendees(ctx context.Context, coachID, sessionID int64) ([]Attendee, error) {
	if _, _, err := hostedSession(ctx, s.db, coachID, sessionID); err != nil {
		return nil, err
	}
	var list []Attendee
	err := s.db.SelectContext(ctx, &list, s.db.Rebind(`SELECT `+attendeeColumns+` FROM bookings
		WHERE session_id = ? ORDER BY created_at, id`), sessionID)
	if err != nil {
		return nil, fmt.Errorf("list attendees: %w", err)
	}
	return list, nil
}

// Attendee returns a booking with its check-in, history and refunds for a
// coach who hosts its event, or ErrNotFound.
func (s *Service) Attendee(ctx context.Context, ref string, coachID int64) (AttendeeDetails, error) {
	b, err := s.authorize(ctx, s.db, ref, Actor{CoachID: coachID}, "")
	if err != nil {
		return AttendeeDetails{}, err
	}
	d, err := s.details(ctx, s.db, b)
	if err != nil {
		return AttendeeDetails{}, err
	}
	out := AttendeeDetails{Details: d}
	if err := s.db.GetContext(ctx, &out.CheckedInAt, s.db.Rebind(`SELECT checked_in_at FROM bookings WHERE id = ?`), b.ID); err != nil {
		return AttendeeDetails{}, fmt.Errorf("check-in of %s: %w", b.Ref, err)
	}
	if err := s.db.SelectContext(ctx, &out.History, s.db.Rebind(`SELECT session_id, from_status, to_status, reason, at
		FROM booking_history WHERE booking_id = ? ORDER BY id`), b.ID); err != nil {
		return AttendeeDetails{}, fmt.Errorf("history of %s: %w", b.Ref, err)
	}
	if out.Refunds, err = s.Refunds(ctx, b.ID); err != nil {
		return AttendeeDetails{}, err
	}
	return out, nil
}
