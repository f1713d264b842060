package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// LoadEvent returns an event with its hosts and sessions, read through ext
// (so inside a transaction it sees that transaction's writes).
func LoadEvent(ctx context.Context, ext sqlx.ExtContext, id int64) (Event, error) {
	var e Event
	err := sqlx.GetContext(ctx, ext, &e, ext.Rebind(`SELECT * FROM events WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, ErrNotFound
	}
	if err != nil {
		return Event{}, fmt.Errorf("load event %d: %w", id, err)
	}
	list := []Event{e}
	if err := attachDetails(ctx, ext, list); err != nil {
		return Event{}, err
	}
	return list[0], nil
}

// SessionSeats is a session's capacity and count, for invariant checks.
type SessionSeats struct {
	ID         int64 `db:"id"`
	Capacity   int   `db:"capacity"`
	SeatsTaken int   `db:"seats_taken"`
}

// AllSessionSeats returns every session's capacity and count.
func AllSessionSeats(ctx context.Context, ext sqlx.ExtContext) ([]SessionSeats, error) {
	var out []SessionSeats
	if err := sqlx.SelectContext(ctx, ext, &out, `SELECT id, capacity, seats_taken FROM sessions ORDER BY id`); err != nil {
		return nil, fmt.Errorf("session seats: %w", err)
	}
	return out, nil
}
