package booking

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/payments"
)

// spendCredit spends one credit of the purchase whose code is given on the
// appointment booking b, inside the transaction that takes the slot: the
// guarded decrement moves one credit from left to used only while the
// purchase is active, unexpired and has one, so two bookings racing for
// the last credit cannot both have it (PostgreSQL's row lock orders them;
// SQLite's single writer does). Returns ErrNoCreditsLeft,
// ErrPackageUnpaid for a purchase still waiting for its payment, and
// ErrCreditWrongType for a code of another type's package.
func (s *Service) spendCredit(ctx context.Context, tx *sqlx.Tx, code string, t events.AppointmentType, bookingID int64) error {
	id, ok, err := purchaseIDByToken(ctx, tx, code)
	if err != nil {
		return err
	}
	if !ok {
		return &fault.Error{Code: fault.Invalid, Message: "that credit code is not known",
			Fields: map[string]string{"credit_code": "is not a credit code"}}
	}
	p, err := purchaseBy(ctx, tx, "id", id, "")
	if err != nil {
		return err
	}
	pkg, err := packageByID(ctx, tx, p.PackageID)
	if err != nil {
		return err
	}
	if pkg.AppointmentTypeID != t.ID {
		return ErrCreditWrongType
	}
	now := s.now().UTC()
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE package_purchases SET credits_left = credits_left - 1, credits_used = credits_used + 1,
		updated_at = ? WHERE id = ? AND status = 'active' AND credits_left >= 1 AND expires_at > ?`), now, id, now)
	if err != nil {
		return fmt.Errorf("spend credit: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("spend credit: %w", err)
	} else if n != 1 {
		if p.Status == PurchasePending {
			return ErrPackageUnpaid
		}
		return ErrNoCreditsLeft
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO package_credit_uses (purchase_id, booking_id, spent_at) VALUES (?, ?, ?)`),
		id, bookingID, now); err != nil {
		return fmt.Errorf("record credit use: %w", err)
	}
	return nil
}

// returnCredit gives back the credit an appointment booking b spent, when
// it is cancelled while a refund would be due: by the coach with a full
// refund, or by policy before the type's refund window closes. A late
// cancel, a no-show or a coach's cancel without refund keeps it spent. A
// credit returned to a purchase that has since expired or been refunded
// is voided rather than left. It does nothing for a booking paid in money.
func (s *Service) returnCredit(ctx context.Context, tx *sqlx.Tx, b Booking, policy RefundPolicy) error {
	if !b.IsAppointment() || b.Status != Confirmed || policy == RefundNone {
		return nil
	}
	var uses []struct {
		ID         int64 `db:"id"`
		PurchaseID int64 `db:"purchase_id"`
	}
	if err := tx.SelectContext(ctx, &uses, tx.Rebind(`SELECT id, purchase_id FROM package_credit_uses
		WHERE booking_id = ? AND returned_at IS NULL`), b.ID); err != nil {
		return fmt.Errorf("find credit use: %w", err)
	}
	if len(uses) == 0 {
		return nil
	}
	if policy == RefundByPolicy {
		d, err := s.appointmentDetails(ctx, tx, b)
		if err != nil {
			return err
		}
		closes := d.Session.StartsAt.Add(-time.Duration(d.Event.RefundCutoffHours) * time.Hour)
		if !s.now().Before(closes) {
			return nil
		}
	}
	now := s.now().UTC()
	use := uses[0]
	p, err := purchaseBy(ctx, tx, "id", use.PurchaseID, s.db.ForUpdate())
	if err != nil {
		return err
	}
	to := "credits_left"
	if p.Status != PurchaseActive {
		to = "credits_voided"
	}
	if ok, err := moveCredits(ctx, tx, p.ID, "credits_used", to, 1, now); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("return credit of %s: purchase %s has no credit used", b.Ref, p.Ref)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE package_credit_uses SET returned_at = ? WHERE id = ?`), now, use.ID); err != nil {
		return fmt.Errorf("return credit: %w", err)
	}
	return recordPurchaseHistory(ctx, tx, p, p.Status, "credit returned: "+b.Ref+" cancelled", now)
}

// StartPackageCheckout opens a checkout for a purchase waiting for
// payment (token: any of its tokens). As for bookings, the provider is
// called outside any transaction and the checkout id recorded afterwards;
// the purchase's deadline stretches to the checkout's expiry. Returns
// ErrNoPayments, ErrPurchaseNotFound, a fault.Conflict error for a
// purchase not waiting for payment, and fault.PaymentProviderDown.
func (s *Service) StartPackageCheckout(ctx context.Context, ref, token string) (Checkout, error) {
	if s.cfg.Payments == nil {
		return Checkout{}, ErrNoPayments
	}
	d, err := s.PackagePurchase(ctx, ref, Actor{Token: token})
	if err != nil {
		return Checkout{}, err
	}
	p := d.Purchase
	if p.Status != PurchasePending || p.HoldExpiresAt == nil {
		return Checkout{}, fault.New(fault.Conflict, "this package is not waiting for payment")
	}
	page := s.PackageURL(p.Ref, token)
	co, err := s.cfg.Payments.CreateCheckout(ctx, payments.CheckoutRequest{
		Ref: p.Ref, ProductName: fmt.Sprintf("%s — %d × %s", d.Package.Title, p.CreditsBought, d.Type.Title),
		UnitAmount: p.AmountCents, Currency: p.Currency, Quantity: 1, CustomerEmail: p.Email, ExpiresAt: *p.HoldExpiresAt,
		SuccessURL: page + "&paid=1", CancelURL: s.cfg.BaseURL + "/packages/purchases/" + p.Ref + "?t=" + url.QueryEscape(token),
		IdempotencyKey: "checkout-" + p.Ref,
	})
	if err != nil {
		if fault.CodeOf(err) == fault.PaymentProviderDown {
			return Checkout{}, err
		}
		return Checkout{}, fmt.Errorf("%w: %w", fault.New(fault.PaymentProviderDown, "the payment provider is unavailable; please try again"), err)
	}
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		cur, err := purchaseBy(ctx, tx, "id", p.ID, s.db.ForUpdate())
		if err != nil {
			return err
		}
		cur.PaymentRef = co.ID
		if cur.Status == PurchasePending && co.ExpiresAt.After(*cur.HoldExpiresAt) {
			cur.HoldExpiresAt = &co.ExpiresAt
		}
		return savePurchase(ctx, tx, cur)
	})
	if err != nil {
		return Checkout{}, err
	}
	return Checkout{URL: co.URL, ExpiresAt: co.ExpiresAt}, nil
}

// applyPackagePayment is ApplyPayment for an event naming a purchase, in
// the transaction that records the event id (so it is applied once). A
// paid checkout activates a pending purchase; one paid after its checkout
// expired is still honoured (credits compete for no seat or slot), and a
// payment for a purchase refunded meanwhile is refunded. A payment whose
// amount or currency does not match is refunded, never honoured. It
// reports ok false for a ref that names no purchase.
func (s *Service) applyPackagePayment(ctx context.Context, tx *sqlx.Tx, e payments.Event) (string, bool, error) {
	p, err := purchaseBy(ctx, tx, "ref", e.Ref, s.db.ForUpdate())
	if errors.Is(err, ErrPurchaseNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", true, err
	}
	switch e.Type {
	case payments.EventCheckoutCompleted, payments.EventCheckoutAsyncSucceeded:
		if !e.Paid() {
			return "waiting: payment not yet settled", true, nil
		}
	case payments.EventCheckoutExpired, payments.EventCheckoutAsyncFailed:
		if p.Status != PurchasePending || (p.PaymentRef != "" && e.CheckoutID != "" && p.PaymentRef != e.CheckoutID) {
			return fmt.Sprintf("ignored: package is %s", p.Status), true, nil
		}
		return "package checkout ended unpaid", true, s.purchaseTransition(ctx, tx, &p, PurchaseAbandon, e.Type)
	default:
		return "ignored: event type " + e.Type + " for a package", true, nil
	}
	if e.AmountCents != p.AmountCents || e.Currency != p.Currency {
		reason := fmt.Sprintf("paid %d %s, package is %d %s", e.AmountCents, e.Currency, p.AmountCents, p.Currency)
		return "refunding: " + reason, true, s.queuePackageRefund(ctx, tx, p, e.PaymentIntent, e.AmountCents, e.Currency, "amount mismatch: "+reason)
	}
	pkg, err := packageByID(ctx, tx, p.PackageID)
	if err != nil {
		return "", true, err
	}
	switch p.Status {
	case PurchasePending, PurchaseAbandoned:
		action, outcome := PurchasePay, "package confirmed"
		if p.Status == PurchaseAbandoned {
			action, outcome = PurchaseLatePaid, "package confirmed late: checkout had expired"
		}
		p.PaymentRef, p.PaymentIntent = firstNonEmpty(e.CheckoutID, p.PaymentRef), e.PaymentIntent
		return outcome, true, s.activatePurchase(ctx, tx, &p, pkg, action, "payment received")
	case PurchaseRefunded:
		return "refunding: package already refunded", true, s.queuePackageRefund(ctx, tx, p, e.PaymentIntent, e.AmountCents, e.Currency, "payment for a refunded package")
	}
	return "ignored: package already " + string(p.Status), true, nil
}

// queuePackageRefund writes a refund of a purchase for the worker to make.
func (s *Service) queuePackageRefund(ctx context.Context, tx *sqlx.Tx, p Purchase, paymentIntent string, amount int64, currency, reason string) error {
	if amount <= 0 {
		return nil
	}
	now := s.now().UTC()
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO package_refunds (purchase_id, amount_cents, currency, payment_intent,
			idempotency_key, reason, status, attempts, next_attempt_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`),
		p.ID, amount, currency, paymentIntent, fmt.Sprintf("refund-%s-%s", p.Ref, newNonce()), reason, now, now, now); err != nil {
		return fmt.Errorf("queue package refund: %w", err)
	}
	return recordPurchaseHistory(ctx, tx, p, p.Status, fmt.Sprintf("refund of %d %s queued: %s", amount, currency, reason), now)
}

// ProcessPackageRefunds makes the due package refunds through the payment
// provider, as ProcessRefunds does for bookings: each claimed with a
// lease, sent outside any transaction with its idempotency key, then
// recorded (retried with backoff on failure, failed after 12 attempts).
// A refund of the purchase's own payment raises its refunded amount.
func (s *Service) ProcessPackageRefunds(ctx context.Context) (int, error) {
	if s.cfg.Payments == nil {
		return 0, nil
	}
	var jobs []struct {
		ID             int64  `db:"id"`
		PurchaseID     int64  `db:"purchase_id"`
		AmountCents    int64  `db:"amount_cents"`
		Currency       string `db:"currency"`
		PaymentIntent  string `db:"payment_intent"`
		IdempotencyKey string `db:"idempotency_key"`
		Reason         string `db:"reason"`
		Attempts       int    `db:"attempts"`
	}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		jobs = jobs[:0]
		now := s.now().UTC()
		if err := tx.SelectContext(ctx, &jobs, tx.Rebind(`SELECT id, purchase_id, amount_cents, currency, payment_intent, idempotency_key,
			reason, attempts FROM package_refunds WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 20`+s.db.SkipLocked()), now); err != nil {
			return fmt.Errorf("find due package refunds: %w", err)
		}
		for _, job := range jobs {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE package_refunds SET next_attempt_at = ?, updated_at = ? WHERE id = ?`),
				now.Add(refundLease), now, job.ID); err != nil {
				return fmt.Errorf("lease package refund: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	done := 0
	for _, job := range jobs {
		p, err := purchaseBy(ctx, s.db, "id", job.PurchaseID, "")
		if err != nil {
			return done, err
		}
		refund, sendErr := s.cfg.Payments.Refund(ctx, payments.RefundRequest{Ref: p.Ref, PaymentIntent: job.PaymentIntent,
			AmountCents: job.AmountCents, Currency: job.Currency, IdempotencyKey: job.IdempotencyKey, Reason: job.Reason})
		err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
			now := s.now().UTC()
			if sendErr != nil {
				status := "pending"
				if job.Attempts+1 >= refundMaxAttempts {
					status = "failed"
				}
				_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE package_refunds SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
					last_error = ?, updated_at = ? WHERE id = ?`), status, now.Add(refundBackoff(job.Attempts+1)), sendErr.Error(), now, job.ID)
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE package_refunds SET status = 'succeeded', provider_id = ?, attempts = attempts + 1,
				last_error = '', updated_at = ? WHERE id = ?`), refund.ID, now, job.ID); err != nil {
				return err
			}
			cur, err := purchaseBy(ctx, tx, "id", job.PurchaseID, s.db.ForUpdate())
			if err != nil {
				return err
			}
			// Money per currency (invariant 10): only a refund of the
			// purchase's own payment counts as refunding the purchase.
			if job.PaymentIntent == cur.PaymentIntent && job.Currency == cur.Currency {
				cur.RefundedCents, cur.UpdatedAt = min(cur.RefundedCents+job.AmountCents, cur.AmountCents), now
				if err := savePurchase(ctx, tx, cur); err != nil {
					return err
				}
			}
			return recordPurchaseHistory(ctx, tx, cur, cur.Status, fmt.Sprintf("refund of %d %s made (%s)", job.AmountCents, job.Currency, refund.ID), now)
		})
		if err != nil {
			return done, err
		}
		if sendErr == nil {
			done++
		}
	}
	return done, nil
}
