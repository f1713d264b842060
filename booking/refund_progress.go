package booking

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
)

// RefundProgress counts the refunds of a date's (or an event's) bookings
// by state: made, still queued for the refunds worker, and given up after
// the worker's last attempt (a coach may retry those).
type RefundProgress struct {
	Done    int `json:"done"`
	Pending int `json:"pending"`
	Failed  int `json:"failed"`
	Total   int `json:"total"`
}

// Finished reports whether every refund is made or has failed: nothing
// more will change without the coach.
func (p RefundProgress) Finished() bool { return p.Pending == 0 }

// refundScope is the bookings column a progress count or a retry selects
// on: one date's, or every date's of an event. Never user input.
type refundScope string

const (
	scopeSession refundScope = "session_id"
	scopeEvent   refundScope = "event_id"
)

// SessionRefundProgress counts the refunds of the bookings on a date the
// coach hosts, in one query. Returns ErrNotFound for a date the coach does
// not host.
func (s *Service) SessionRefundProgress(ctx context.Context, coachID, sessionID int64) (RefundProgress, error) {
	if _, _, err := hostedSession(ctx, s.db, coachID, sessionID); err != nil {
		return RefundProgress{}, err
	}
	return refundProgress(ctx, s.db, scopeSession, sessionID)
}

// EventRefundProgress counts the refunds of the bookings on every date of
// an event the coach hosts, as after cancelling the event. Returns
// events.ErrNotFound for an event the coach does not host.
func (s *Service) EventRefundProgress(ctx context.Context, coachID, eventID int64) (RefundProgress, error) {
	if err := hostsEvent(ctx, s.db, coachID, eventID); err != nil {
		return RefundProgress{}, err
	}
	return refundProgress(ctx, s.db, scopeEvent, eventID)
}

func refundProgress(ctx context.Context, q sqlx.ExtContext, scope refundScope, id int64) (RefundProgress, error) {
	var p RefundProgress
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, q.Rebind(`SELECT r.status, COUNT(*) AS n FROM refunds r
		JOIN bookings b ON b.id = r.booking_id WHERE b.`+string(scope)+` = ? GROUP BY r.status`), id); err != nil {
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
	var n int
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, _, err := hostedSession(ctx, tx, coachID, sessionID); err != nil {
			return err
		}
		var err error
		n, err = s.retryRefunds(ctx, tx, scopeSession, sessionID)
		return err
	})
	return n, err
}

// RetryFailedEventRefunds is RetryFailedRefunds for every date of an
// event the coach hosts; events.ErrNotFound for another coach's.
func (s *Service) RetryFailedEventRefunds(ctx context.Context, coachID, eventID int64) (int, error) {
	var n int
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := hostsEvent(ctx, tx, coachID, eventID); err != nil {
			return err
		}
		var err error
		n, err = s.retryRefunds(ctx, tx, scopeEvent, eventID)
		return err
	})
	return n, err
}

func (s *Service) retryRefunds(ctx context.Context, tx *sqlx.Tx, scope refundScope, id int64) (int, error) {
	now := s.now().UTC()
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE refunds SET status = 'pending', attempts = 0, next_attempt_at = ?,
		last_error = '', updated_at = ? WHERE status = 'failed' AND booking_id IN (SELECT id FROM bookings WHERE `+string(scope)+` = ?)`),
		now, now, id)
	if err != nil {
		return 0, fmt.Errorf("retry refunds: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// hostsEvent returns events.ErrNotFound unless the coach hosts the event.
func hostsEvent(ctx context.Context, ext sqlx.ExtContext, coachID, eventID int64) error {
	hosted, err := events.HostedEventIDs(ctx, ext, coachID)
	if err != nil {
		return err
	}
	if !slices.Contains(hosted, eventID) {
		return events.ErrNotFound
	}
	return nil
}
