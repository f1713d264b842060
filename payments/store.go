package payments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// The functions here take a sqlx.ExtContext so that the caller can run them
// inside its own transaction, the one that applies the event.

// ProcessedEvent is a row of the webhook log: an event and what applying it
// did.
type ProcessedEvent struct {
	EventID    string    `db:"event_id"`
	Type       string    `db:"type"`
	BookingRef string    `db:"booking_ref"` // "" when the event names no booking
	ReceivedAt time.Time `db:"received_at"`
	Outcome    string    `db:"outcome"`
}

// RecordEvent records that e is being applied, with the outcome of applying
// it, and reports whether this call is the first to record e.ID. A caller
// applies an event only when first is true, and records it in the
// transaction that applies it, so that two deliveries of one event (even
// racing on two servers) apply it once, and a rolled-back application
// leaves the event free to be applied by its redelivery. The outcome can be
// revised later in the same transaction with SetEventOutcome.
func RecordEvent(ctx context.Context, ext sqlx.ExtContext, e Event, outcome string, now time.Time) (first bool, err error) {
	if e.ID == "" {
		return false, errors.New("record payment event: the event has no id")
	}
	row := ProcessedEvent{EventID: e.ID, Type: e.Type, BookingRef: e.Ref, ReceivedAt: now.UTC(), Outcome: outcome}
	// ON CONFLICT ... DO NOTHING is the same on PostgreSQL and SQLite; on
	// PostgreSQL a racing insert waits for the first one's transaction and
	// then, if it committed, inserts nothing.
	res, err := sqlx.NamedExecContext(ctx, ext, `
		INSERT INTO payment_events (event_id, type, booking_ref, received_at, outcome)
		VALUES (:event_id, :type, :booking_ref, :received_at, :outcome)
		ON CONFLICT (event_id) DO NOTHING`, row)
	if err != nil {
		return false, fmt.Errorf("record payment event %s: %w", e.ID, err)
	}
	inserted, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record payment event %s: %w", e.ID, err)
	}
	return inserted == 1, nil
}

// SetEventOutcome replaces the outcome recorded for an event. It returns an
// error if the event was never recorded.
func SetEventOutcome(ctx context.Context, ext sqlx.ExtContext, eventID, outcome string) error {
	res, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE payment_events SET outcome = ? WHERE event_id = ?`), outcome, eventID)
	if err != nil {
		return fmt.Errorf("set outcome of payment event %s: %w", eventID, err)
	}
	updated, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("set outcome of payment event %s: %w", eventID, err)
	}
	if updated == 0 {
		return fmt.Errorf("set outcome of payment event %s: the event was never recorded", eventID)
	}
	return nil
}

// Limits on how many events ListEvents returns.
const (
	DefaultEventsLimit = 100
	MaxEventsLimit     = 1000
)

// ListEvents returns the most recently received events, newest first: at
// most limit of them, DefaultEventsLimit if limit is zero or less, and
// never more than MaxEventsLimit.
func ListEvents(ctx context.Context, ext sqlx.ExtContext, limit int) ([]ProcessedEvent, error) {
	if limit <= 0 {
		limit = DefaultEventsLimit
	}
	limit = min(limit, MaxEventsLimit)
	events := []ProcessedEvent{}
	err := sqlx.SelectContext(ctx, ext, &events, ext.Rebind(`
		SELECT event_id, type, booking_ref, received_at, outcome
		FROM payment_events
		ORDER BY received_at DESC, event_id DESC
		LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("list payment events: %w", err)
	}
	return events, nil
}
