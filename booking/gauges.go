package booking

import (
	"context"
	"fmt"
)

// Gauges are the booking counts an operator watches, read at one moment.
type Gauges struct {
	ByStatus       map[Status]int64 // bookings by status (outcome), every status present
	HoldsOpen      int64            // pending_payment bookings: seats held awaiting payment
	RefundsPending int64            // refunds not yet accepted by the provider
	RefundsFailed  int64            // refunds the provider refused; a coach must act
	// GroupCommit counts this process's batched booking transactions (not
	// read from the database: each replica has its own).
	GroupCommit GroupCommitStats
}

// Gauges counts bookings by status and refunds by state. It reads in one
// query per table and returns the database's error, wrapped.
func (s *Service) Gauges(ctx context.Context) (Gauges, error) {
	g := Gauges{ByStatus: map[Status]int64{}, GroupCommit: s.batches.stats()}
	for _, st := range []Status{PendingPayment, Confirmed, Cancelled, Expired, Refunded} {
		g.ByStatus[st] = 0
	}
	var rows []struct {
		Status string `db:"status"`
		N      int64  `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT status, COUNT(*) AS n FROM bookings GROUP BY status`); err != nil {
		return g, fmt.Errorf("count bookings by status: %w", err)
	}
	for _, r := range rows {
		g.ByStatus[Status(r.Status)] = r.N
	}
	g.HoldsOpen = g.ByStatus[PendingPayment]
	rows = rows[:0]
	if err := s.db.SelectContext(ctx, &rows, `SELECT status, COUNT(*) AS n FROM refunds WHERE status IN ('pending', 'failed') GROUP BY status`); err != nil {
		return g, fmt.Errorf("count refunds by status: %w", err)
	}
	for _, r := range rows {
		switch r.Status {
		case "pending":
			g.RefundsPending = r.N
		case "failed":
			g.RefundsFailed = r.N
		}
	}
	return g, nil
}
