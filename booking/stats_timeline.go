package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
)

// BookedSeats is one confirmed booking of an event, as the overview's
// chart of bookings over time counts it: when it was made (UTC) and for
// how many seats.
type BookedSeats struct {
	EventID   int64     `db:"event_id"`
	CreatedAt time.Time `db:"created_at"`
	Seats     int       `db:"seats"`
}

// CoachBookingsSince returns the bookings made at or after since (UTC) on
// the events the coach hosts that are confirmed now, oldest first. Other
// coaches' events and appointments are left out.
func (s *Service) CoachBookingsSince(ctx context.Context, coachID int64, since time.Time) ([]BookedSeats, error) {
	out := []BookedSeats{}
	hosted, err := events.HostedEventIDs(ctx, s.db, coachID)
	if err != nil || len(hosted) == 0 {
		return out, err
	}
	q, args, err := sqlx.In(`SELECT event_id, created_at, seats FROM bookings
		WHERE event_id IN (?) AND status = 'confirmed' AND created_at >= ? ORDER BY created_at, id`, hosted, since.UTC())
	if err != nil {
		return nil, err
	}
	if err := s.db.SelectContext(ctx, &out, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("bookings since: %w", err)
	}
	return out, nil
}
