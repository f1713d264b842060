package booking

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/receipt"
)

// tellRefund sends the payer a receipt for a refund made, or word that it
// failed for good.
func (s *Service) tellRefund(ctx context.Context, tx *sqlx.Tx, job RefundJob, kind NoticeKind) error {
	return s.tellRefundWith(ctx, tx, job, kind, nil)
}

// tellRefundWith is tellRefund with the refund's credit note (nil for none).
func (s *Service) tellRefundWith(ctx context.Context, tx *sqlx.Tx, job RefundJob, kind NoticeKind, note *receipt.Document) error {
	b, err := bookingByID(ctx, tx, job.BookingID, "")
	if err != nil {
		return err
	}
	d, err := s.details(ctx, tx, b)
	if err != nil {
		return err
	}
	n := Notice{Kind: kind, Booking: b, Event: d.Event, Session: d.Session, RefundCents: job.AmountCents, RefundCurrency: job.Currency,
		RefundID: job.ID, Receipt: note}
	if err := s.notifier.Notify(ctx, tx, n); err != nil {
		return fmt.Errorf("notify %s: %w", kind, err)
	}
	return nil
}
