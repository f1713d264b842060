package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// TakeSeats adds n seats to a scheduled session's count if they fit, in one
// guarded statement: on PostgreSQL the row lock makes concurrent updates
// re-check the guard against the committed count (READ COMMITTED), and on
// SQLite the single writer serialises them, so the count can never pass
// capacity. It reports whether the seats were taken.
func TakeSeats(ctx context.Context, ext sqlx.ExtContext, sessionID int64, n int) (bool, error) {
	res, err := ext.ExecContext(ctx, ext.Rebind(`
		UPDATE sessions SET seats_taken = seats_taken + ?
		WHERE id = ? AND status = 'scheduled' AND seats_taken + ? <= capacity`), n, sessionID, n)
	if err != nil {
		return false, fmt.Errorf("take %d seats on session %d: %w", n, sessionID, err)
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("take seats: %w", err)
	}
	return affected == 1, nil
}

// ReleaseSeats gives n seats back to a session.
func ReleaseSeats(ctx context.Context, ext sqlx.ExtContext, sessionID int64, n int) error {
	res, err := ext.ExecContext(ctx, ext.Rebind(`
		UPDATE sessions SET seats_taken = seats_taken - ? WHERE id = ? AND seats_taken >= ?`), n, sessionID, n)
	if err != nil {
		return fmt.Errorf("release %d seats on session %d: %w", n, sessionID, err)
	}
	if affected, _ := res.RowsAffected(); affected != 1 {
		return fmt.Errorf("release %d seats on session %d: fewer seats taken than released", n, sessionID)
	}
	return nil
}

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
