package notify

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// claim leases up to limit due messages: pending ones whose send_after has
// come, and sending ones whose lease has run out (their worker died).
// attempts counts claims, so a message that kills its worker every time
// still ends up failed.
func (d *Deliverer) claim(ctx context.Context, limit int) ([]row, error) {
	now := d.now().UTC()
	var rows []row
	err := d.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var ids []int64
		// One statement on both dialects. On PostgreSQL SKIP LOCKED passes
		// over rows another worker is claiming, and a row claimed since
		// this statement's snapshot is re-checked against its WHERE clause
		// when locked, so it is not taken twice. Each kind of due message
		// is read in the order of a partial index of its own
		// (outbox_pending, outbox_leased: migration 00039), so a claim
		// reads about limit rows however long the queue; one WHERE with
		// an OR of both kinds, as it was, read and sorted every pending
		// message each time (6.7 ms for a queue of 10,000; a flash sale
		// queues thousands).
		lock := d.db.SkipLocked()
		err := tx.SelectContext(ctx, &ids, tx.Rebind(`
			WITH due AS (
				SELECT id, send_after AS at FROM outbox
				WHERE status = 'pending' AND send_after <= ?
				ORDER BY send_after, id LIMIT ?`+lock+`),
			expired AS (
				SELECT id, lease_until AS at FROM outbox
				WHERE status = 'sending' AND lease_until <= ?
				ORDER BY lease_until, id LIMIT ?`+lock+`)
			UPDATE outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1
			WHERE id IN (
				SELECT id FROM (SELECT id, at FROM due UNION ALL SELECT id, at FROM expired) AS claimable
				ORDER BY at, id LIMIT ?)
			RETURNING id`), now, limit, now, limit, now.Add(LeaseDuration), limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		query, args, err := sqlx.In(`SELECT * FROM outbox WHERE id IN (?) ORDER BY send_after, id`, ids)
		if err != nil {
			return err
		}
		return tx.SelectContext(ctx, &rows, tx.Rebind(query), args...)
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	}
	return rows, nil
}
