package booking

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/secret"
)

// RefundPolicy says what a cancellation refunds.
type RefundPolicy string

// Refund policies for a cancellation.
const (
	RefundByPolicy RefundPolicy = ""     // the event's policy (attendees always get this)
	RefundFull     RefundPolicy = "full" // a coach's choice
	RefundNone     RefundPolicy = "none" // a coach's choice
)

// Refund retry schedule: the first retry within 30 seconds, doubling, at
// most an hour apart, and failed for good after 12 attempts.
const (
	refundFirstRetry  = 30 * time.Second
	refundMaxRetry    = time.Hour
	refundMaxAttempts = 12
	refundLease       = 2 * time.Minute
)

// RefundDue returns what cancelling b now would refund under the event's
// policy: everything not yet refunded until the cutoff before the start,
// nothing after.
func RefundDue(b Booking, e events.Event, s events.Session, now time.Time) int64 {
	if b.Status != Confirmed || b.AmountCents == 0 {
		return 0
	}
	cutoff := s.StartsAt.Add(-time.Duration(e.RefundCutoffHours) * time.Hour)
	if !now.Before(cutoff) {
		return 0
	}
	return b.AmountCents - b.RefundedCents
}

// CancelWithRefund is Cancel for a coach choosing the refund: by the
// event's policy, in full, or none. An attendee cannot cancel once the
// date has begun (fault.SessionStarted); a coach can, to wind a booking up.
func (s *Service) CancelWithRefund(ctx context.Context, ref string, actor Actor, policy RefundPolicy) (Booking, error) {
	if actor.CoachID == 0 && policy != RefundByPolicy {
		return Booking{}, fault.New(fault.Forbidden, "only a coach can choose the refund")
	}
	var out Booking
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		b, err := s.authorize(ctx, tx, ref, actor, s.db.ForUpdate())
		if err != nil {
			return err
		}
		if _, err := NextStatus(b.Status, ActionCancel); err != nil {
			return err
		}
		if actor.CoachID == 0 {
			d, err := s.details(ctx, tx, b)
			if err != nil {
				return err
			}
			if err := events.Allows(d.Event, d.Session, events.ActCancelBooking, s.now()); err != nil {
				return err
			}
		}
		amount, err := s.refundFor(ctx, tx, b, policy)
		if err != nil {
			return err
		}
		if err := s.returnCredit(ctx, tx, b, policy); err != nil {
			return err
		}
		if out, err = s.cancel(ctx, tx, b, actor); err != nil {
			return err
		}
		if amount > 0 {
			return s.queueOwnRefund(ctx, tx, out, amount, actor.reason("cancelled"))
		}
		return nil
	})
	return out, err
}

func (s *Service) refundFor(ctx context.Context, tx *sqlx.Tx, b Booking, policy RefundPolicy) (int64, error) {
	if b.Status != Confirmed || b.PaymentIntent == "" {
		return 0, nil
	}
	var due int64
	switch policy {
	case RefundNone:
		return 0, nil
	case RefundFull:
		due = b.AmountCents - b.RefundedCents
	default:
		d, err := s.details(ctx, tx, b)
		if err != nil {
			return 0, err
		}
		due = RefundDue(b, d.Event, d.Session, s.now())
	}
	// A partial refund queued but not yet made is part of what is due.
	pending, err := pendingRefunds(ctx, tx, b)
	if err != nil {
		return 0, err
	}
	return max(due-pending, 0), nil
}

// Refund refunds part (or all) of a paid booking without cancelling it, for
// a coach who hosts its event. The amount may not exceed what is left.
func (s *Service) Refund(ctx context.Context, ref string, coachID int64, amountCents int64) (Booking, error) {
	var out Booking
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		b, err := s.authorize(ctx, tx, ref, Actor{CoachID: coachID}, s.db.ForUpdate())
		if err != nil {
			return err
		}
		pending, err := pendingRefunds(ctx, tx, b)
		if err != nil {
			return err
		}
		left := b.AmountCents - b.RefundedCents - pending
		var f fault.Fields
		f.Check(b.PaymentIntent != "", "amount_cents", "this booking has no payment to refund")
		f.Check(amountCents >= 1 && amountCents <= left, "amount_cents", fmt.Sprintf("must be between 1 and %d", left))
		if err := f.Err(); err != nil {
			return err
		}
		out = b
		return s.queueOwnRefund(ctx, tx, b, amountCents, fmt.Sprintf("refund by coach %d", coachID))
	})
	return out, err
}

// countsForBookingSQL is the condition (over refunds r LEFT JOIN payments
// p ON p.id = r.payment_id, with the booking's currency and payment intent
// as its two parameters) under which a refund is a refund of the
// booking's own money; see refundCounts.
const countsForBookingSQL = `r.currency = ? AND (p.status IN ('applied', 'returned') OR (r.payment_id IS NULL AND r.payment_intent = ?))`

// pendingRefunds is what is queued and not yet made of b's own money, in
// minor units of b's currency.
func pendingRefunds(ctx context.Context, ext sqlx.ExtContext, b Booking) (int64, error) {
	var sum int64
	err := sqlx.GetContext(ctx, ext, &sum, ext.Rebind(`SELECT COALESCE(SUM(r.amount_cents), 0)
		FROM refunds r LEFT JOIN payments p ON p.id = r.payment_id
		WHERE r.booking_id = ? AND r.status = 'pending' AND `+countsForBookingSQL), b.ID, b.Currency, b.PaymentIntent)
	if err != nil {
		return 0, fmt.Errorf("pending refunds: %w", err)
	}
	return sum, nil
}

// refundCounts reports whether a refund made is a refund of b's own money,
// to be added to b's refunded amount: it returns a payment of b's that
// paid for it (or found no seat), in b's currency. Refunds queued before
// payments were recorded name no payment and count if they return b's
// payment intent in b's currency.
func refundCounts(ctx context.Context, ext sqlx.ExtContext, b Booking, job RefundJob) (bool, error) {
	if job.Currency != b.Currency {
		return false, nil
	}
	if job.PaymentID == nil {
		return job.PaymentIntent == b.PaymentIntent, nil
	}
	p, err := paymentByID(ctx, ext, *job.PaymentID)
	if err != nil {
		return false, err
	}
	return p.BookingID == b.ID && p.Status.countsForBooking() && p.Currency == b.Currency, nil
}

// queueOwnRefund queues a refund of amount (minor units of b's currency)
// from the payment that paid for b.
func (s *Service) queueOwnRefund(ctx context.Context, tx *sqlx.Tx, b Booking, amount int64, reason string) error {
	pay, ok, err := ownPayment(ctx, tx, b)
	if err != nil {
		return err
	}
	if !ok { // paid before payments were recorded: the booking's own payment intent
		pay = Payment{ProviderRef: b.PaymentIntent, Currency: b.Currency}
	}
	return s.queueRefund(ctx, tx, b, pay, amount, reason)
}

// queueRefund writes a refund of amount (minor units of pay's currency)
// from pay for the worker to make, in the caller's transaction.
func (s *Service) queueRefund(ctx context.Context, tx *sqlx.Tx, b Booking, pay Payment, amount int64, reason string) error {
	if amount <= 0 {
		return nil
	}
	var paymentID *int64
	if pay.ID != 0 {
		paymentID = &pay.ID
	}
	now := s.now().UTC()
	var id int64
	err := tx.GetContext(ctx, &id, tx.Rebind(`INSERT INTO refunds (booking_id, payment_id, amount_cents, currency, payment_intent, idempotency_key,
			reason, status, attempts, next_attempt_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) RETURNING id`),
		b.ID, paymentID, amount, pay.Currency, pay.ProviderRef, fmt.Sprintf("refund-%s-%s", b.Ref, newNonce()), reason, now, now, now)
	if err != nil {
		return fmt.Errorf("queue refund: %w", err)
	}
	return recordHistory(ctx, tx, b, b.Status, fmt.Sprintf("refund %d of %d %s queued: %s", id, amount, pay.Currency, reason), now)
}

func newNonce() string { return secret.RandomString(9) }

// RefundJob is a refund waiting for, or done by, the provider.
type RefundJob struct {
	ID             int64     `db:"id"`
	BookingID      int64     `db:"booking_id"`
	PaymentID      *int64    `db:"payment_id"`   // the payment it returns money from; nil for refunds queued before payments were recorded
	AmountCents    int64     `db:"amount_cents"` // minor units of Currency
	Currency       string    `db:"currency"`
	PaymentIntent  string    `db:"payment_intent"`
	IdempotencyKey string    `db:"idempotency_key"`
	Reason         string    `db:"reason"`
	Status         string    `db:"status"`
	Attempts       int       `db:"attempts"`
	NextAttemptAt  time.Time `db:"next_attempt_at"`
	ProviderID     string    `db:"provider_id"`
	LastError      string    `db:"last_error"`
	CreatedAt      time.Time `db:"created_at"`
	UpdatedAt      time.Time `db:"updated_at"`
}

// ProcessRefunds makes the due refunds through the payment provider. Each
// is claimed with a lease (so several workers never send one twice at
// once; the provider's idempotency key covers a worker that dies after
// sending), sent outside any transaction, and then recorded: on success the
// booking's refunded amount grows if the refund returned the booking's own
// money in its currency (see refundCounts), on failure the refund is retried with
// backoff and, after 12 attempts, marked failed for a coach to see.
func (s *Service) ProcessRefunds(ctx context.Context) (int, error) {
	if s.cfg.Payments == nil {
		return 0, nil
	}
	jobs, err := s.claimRefunds(ctx)
	if err != nil {
		return 0, err
	}
	done := 0
	for _, job := range jobs {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		ref, err := refOf(ctx, s.db, job.BookingID)
		if err != nil {
			return done, err
		}
		refund, sendErr := s.cfg.Payments.Refund(ctx, payments.RefundRequest{
			Ref: ref, PaymentIntent: job.PaymentIntent, AmountCents: job.AmountCents, Currency: job.Currency,
			IdempotencyKey: job.IdempotencyKey, Reason: job.Reason,
		})
		if err := s.recordRefund(ctx, job, refund, sendErr); err != nil {
			return done, err
		}
		if sendErr == nil {
			done++
		}
	}
	return done, nil
}

func refOf(ctx context.Context, ext sqlx.ExtContext, bookingID int64) (string, error) {
	var ref string
	if err := sqlx.GetContext(ctx, ext, &ref, ext.Rebind(`SELECT ref FROM bookings WHERE id = ?`), bookingID); err != nil {
		return "", fmt.Errorf("ref of booking %d: %w", bookingID, err)
	}
	return ref, nil
}

func (s *Service) claimRefunds(ctx context.Context) ([]RefundJob, error) {
	var jobs []RefundJob
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		jobs = nil
		now := s.now().UTC()
		if err := tx.SelectContext(ctx, &jobs, tx.Rebind(`SELECT * FROM refunds WHERE status = 'pending' AND next_attempt_at <= ?
			ORDER BY next_attempt_at LIMIT 20`+s.db.SkipLocked()), now); err != nil {
			return fmt.Errorf("find due refunds: %w", err)
		}
		for _, job := range jobs {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE refunds SET next_attempt_at = ?, updated_at = ? WHERE id = ?`),
				now.Add(refundLease), now, job.ID); err != nil {
				return fmt.Errorf("lease refund: %w", err)
			}
		}
		return nil
	})
	return jobs, err
}

func (s *Service) recordRefund(ctx context.Context, job RefundJob, refund payments.Refund, sendErr error) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		now := s.now().UTC()
		if sendErr != nil {
			job.Attempts++
			status := "pending"
			if job.Attempts >= refundMaxAttempts {
				status = "failed"
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE refunds SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?`),
				status, job.Attempts, now.Add(refundBackoff(job.Attempts)), sendErr.Error(), now, job.ID); err != nil {
				return err
			}
			if status == "failed" {
				return s.tellRefund(ctx, tx, job, NoticeRefundFailed)
			}
			return nil
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE refunds SET status = 'succeeded', provider_id = ?, attempts = attempts + 1, last_error = '', updated_at = ? WHERE id = ?`),
			refund.ID, now, job.ID); err != nil {
			return err
		}
		b, err := bookingByID(ctx, tx, job.BookingID, s.db.ForUpdate())
		if err != nil {
			return err
		}
		reason := fmt.Sprintf("refund %d of %d %s made (%s)", job.ID, job.AmountCents, job.Currency, refund.ID)
		counts, err := refundCounts(ctx, tx, b, job)
		if err != nil {
			return err
		}
		if !counts {
			// Another payment's money went back: the booking's own
			// payment and refunds are untouched.
			if err := recordHistory(ctx, tx, b, b.Status, reason+", of a payment that did not pay for this booking", now); err != nil {
				return err
			}
			return s.tellRefund(ctx, tx, job, NoticeRefunded)
		}
		b.RefundedCents, b.UpdatedAt = min(b.RefundedCents+job.AmountCents, b.AmountCents), now
		if b.RefundedCents == b.AmountCents && !b.Status.Live() && b.Status != Refunded {
			err = s.transition(ctx, tx, &b, ActionRefunded, reason)
		} else {
			if err = saveBooking(ctx, tx, b); err == nil {
				err = recordHistory(ctx, tx, b, b.Status, reason, now)
			}
		}
		if err != nil {
			return err
		}
		return s.tellRefund(ctx, tx, job, NoticeRefunded)
	})
}

// tellRefund sends the payer a receipt for a refund made, or word that it
// failed for good.
func (s *Service) tellRefund(ctx context.Context, tx *sqlx.Tx, job RefundJob, kind NoticeKind) error {
	b, err := bookingByID(ctx, tx, job.BookingID, "")
	if err != nil {
		return err
	}
	d, err := s.details(ctx, tx, b)
	if err != nil {
		return err
	}
	n := Notice{Kind: kind, Booking: b, Event: d.Event, Session: d.Session, RefundCents: job.AmountCents, RefundCurrency: job.Currency, RefundID: job.ID}
	if err := s.notifier.Notify(ctx, tx, n); err != nil {
		return fmt.Errorf("notify %s: %w", kind, err)
	}
	return nil
}

// refundBackoff is the wait before retry number attempts: doubling from
// 30 seconds with jitter, at most an hour.
func refundBackoff(attempts int) time.Duration {
	d := refundFirstRetry << min(attempts-1, 10)
	if d > refundMaxRetry {
		d = refundMaxRetry
	}
	return d/2 + rand.N(d/2+1)
}

// Refunds lists a booking's refunds, newest first.
func (s *Service) Refunds(ctx context.Context, bookingID int64) ([]RefundJob, error) {
	var out []RefundJob
	if err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT * FROM refunds WHERE booking_id = ? ORDER BY id DESC`), bookingID); err != nil {
		return nil, fmt.Errorf("list refunds: %w", err)
	}
	return out, nil
}

// RefundLine is one refund as the attendee's booking page shows it.
type RefundLine struct {
	AmountCents int64  // minor units of Currency
	Currency    string // ISO 4217
	// Status is "pending" (queued or being retried), "succeeded" or
	// "failed" (given up; the coach is asked to refund by hand).
	Status      string
	RequestedAt time.Time  // UTC
	RefundedAt  *time.Time // UTC; set once succeeded
}

// BookingRefunds returns the refunds of a booking the actor may see, oldest
// first, with their amounts and dates; ErrNotFound otherwise.
func (s *Service) BookingRefunds(ctx context.Context, ref string, actor Actor) ([]RefundLine, error) {
	b, err := s.authorize(ctx, s.db, ref, actor, "")
	if err != nil {
		return nil, err
	}
	var jobs []RefundJob
	if err := s.db.SelectContext(ctx, &jobs, s.db.Rebind(`SELECT * FROM refunds WHERE booking_id = ? ORDER BY id`), b.ID); err != nil {
		return nil, fmt.Errorf("refunds of %s: %w", b.Ref, err)
	}
	out := make([]RefundLine, 0, len(jobs))
	for _, j := range jobs {
		line := RefundLine{AmountCents: j.AmountCents, Currency: j.Currency, Status: j.Status, RequestedAt: j.CreatedAt.UTC()}
		if j.Status == "succeeded" {
			at := j.UpdatedAt.UTC()
			line.RefundedAt = &at
		}
		out = append(out, line)
	}
	return out, nil
}

// PendingOwnRefunds sums the refunds in refunds (a booking's, as Refunds
// lists them) that are queued and return b's own money: in b's currency,
// from b's payment. Refunds of other payments (wrong ones) are not b's.
// Minor units of b's currency.
func PendingOwnRefunds(b Booking, refunds []RefundJob) int64 {
	var sum int64
	for _, r := range refunds {
		if r.Status == "pending" && r.BookingID == b.ID && r.Currency == b.Currency && r.PaymentIntent == b.PaymentIntent {
			sum += r.AmountCents
		}
	}
	return sum
}
