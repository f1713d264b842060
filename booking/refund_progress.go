package booking

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// RefundProgress counts the refunds of a date's bookings by state: made,
// still queued for the refunds worker, and given up after the worker's
// last attempt (a coach may retry those).
type RefundProgress struct {
	Done    int `json:"done"`
	Pending int `json:"pending"`
	Failed  int `json:"failed"`
	Total   int `json:"total"`
}

// Finished reports whether every refund is made or has failed: nothing
// more will change without the coach.
func (p RefundProgress) Finished() bool { return p.Pending == 0 }

// SessionRefundProgress counts the refunds of the bookings on a date the
// coach hosts, in one query. Returns ErrNotFound for a date the coach does
// not host.
func (s *Service) SessionRefundProgress(ctx context.Context, coachID, sessionID int64) (RefundProgress, error) {
	var p RefundProgress
	if _, _, err := hostedSession(ctx, s.db, coachID, sessionID); err != nil {
		return p, err
	}
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT r.status, COUNT(*) AS n FROM refunds r
		JOIN bookings b ON b.id = r.booking_id WHERE b.session_id = ? GROUP BY r.status`), sessionID); err != nil {
		return p, fmt.Errorf("refund progress: %w", err)
	}
	for _, r := range rows {
		switch r.Status {
		case "succeeded":
			p.Done += r.N
		case "failed":
			p.Failed += r.N
		default:
			p.Pending += r.N
		}
		p.Total += r.N
	}
	return p, nil
}

// RetryFailedRefunds queues again, at once and with a fresh count of
// attempts, every failed refund of the bookings on a date the coach
// hosts; the refunds worker then makes them with their original
// idempotency keys, so a refund the provider did make is not made twice.
// It returns how many were queued, and ErrNotFound for a date the coach
// does not host.
func (s *Service) RetryFailedRefunds(ctx context.Context, coachID, sessionID int64) (int, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, _, err := hostedSession(ctx, tx, coachID, sessionID); err != nil {
			return err
		}
		now := s.now().UTC()
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE refunds SET status = 'pending', attempts = 0, next_attempt_at = ?,
			last_error = '', updated_at = ? WHERE status = 'failed' AND booking_id IN (SELECT id FROM bookings WHERE session_id = ?)`),
			now, now, sessionID)
		if err != nil {
			return fmt.Errorf("retry refunds: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
