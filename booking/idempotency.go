package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// idempotencyWindow is how long an Idempotency-Key answers with its first
// booking.
const idempotencyWindow = 24 * time.Hour

// priorRequest returns the booking an earlier request with key made in
// scope (the sending client) within the window, and whether there is one.
// The same key with another request hash is ErrIdempotencyReuse; a key
// older than the window is forgotten.
func (s *Service) priorRequest(ctx context.Context, tx *sqlx.Tx, scope, key, hash string) (int64, bool, error) {
	var prior struct {
		RequestHash string    `db:"request_hash"`
		BookingID   int64     `db:"booking_id"`
		CreatedAt   time.Time `db:"created_at"`
	}
	err := tx.GetContext(ctx, &prior, tx.Rebind(`SELECT request_hash, booking_id, created_at FROM idempotency_keys WHERE scope = ? AND key = ?`), scope, key)
	if isNoRows(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("look up idempotency key: %w", err)
	}
	if s.now().Sub(prior.CreatedAt) > idempotencyWindow {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM idempotency_keys WHERE scope = ? AND key = ?`), scope, key); err != nil {
			return 0, false, fmt.Errorf("forget old idempotency key: %w", err)
		}
		return 0, false, nil
	}
	if prior.RequestHash != hash {
		return 0, false, ErrIdempotencyReuse
	}
	return prior.BookingID, true, nil
}

// recordIdempotencyKey remembers that key, sent by scope with a request
// of hash, made bookingID.
func recordIdempotencyKey(ctx context.Context, tx *sqlx.Tx, scope, key, hash string, bookingID int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO idempotency_keys (scope, key, request_hash, booking_id, created_at) VALUES (?, ?, ?, ?, ?)`),
		scope, key, hash, bookingID, now); err != nil {
		return fmt.Errorf("record idempotency key: %w", err)
	}
	return nil
}
