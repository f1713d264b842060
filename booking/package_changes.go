package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
)

// What happens to a purchase after it is made: a coach extends or refunds
// it, and the sweeper expires it and reminds its client before.

// ExtendPackage moves the expiry of a purchase of a type the coach hosts
// by days (1–3650) from its current expiry, or from now if it already
// expired, in which case the credits its expiry voided are usable again.
// Expiry reminders may go again for the new date. Returns
// ErrPurchaseNotFound, a fault.Conflict error for a purchase that is not
// active or expired, and a fault.Invalid error naming days.
func (s *Service) ExtendPackage(ctx context.Context, coachID int64, ref string, days int) (Purchase, error) {
	if days < 1 || days > 3650 {
		return Purchase{}, (&fault.Fields{"days": "must be between 1 and 3650"}).Err()
	}
	var out Purchase
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		p, err := s.authorizePurchase(ctx, tx, ref, Actor{CoachID: coachID}, s.db.ForUpdate())
		if err != nil {
			return err
		}
		now := s.now().UTC()
		from := now
		if p.Status == PurchaseActive && p.ExpiresAt != nil {
			from = *p.ExpiresAt
		}
		revive := p.Status == PurchaseExpired
		expires := from.AddDate(0, 0, days)
		p.ExpiresAt, p.RemindedDays = &expires, 0
		if err := s.purchaseTransition(ctx, tx, &p, PurchaseExtend, fmt.Sprintf("extended %d days by coach %d", days, coachID)); err != nil {
			return err
		}
		if revive {
			if _, err := moveCredits(ctx, tx, p.ID, "credits_voided", "credits_left", p.CreditsVoided, now); err != nil {
				return err
			}
		}
		out, err = purchaseBy(ctx, tx, "id", p.ID, "")
		return err
	})
	return out, err
}

// RefundPackage refunds the unused part of a paid purchase of a type the
// coach hosts and voids its credits left, in one transaction with the
// refund row (sent by ProcessPackageRefunds). amountCents nil refunds pro
// rata of the credits left (amount × left ÷ bought, rounded down); a
// given amount may be anything from 1 up to what is not yet refunded.
// Returns ErrPurchaseNotFound, a fault.Conflict error for a purchase that
// cannot be refunded (pending, abandoned, already refunded), and a
// fault.Invalid error naming amount_cents.
func (s *Service) RefundPackage(ctx context.Context, coachID int64, ref string, amountCents *int64) (Purchase, error) {
	var out Purchase
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		p, err := s.authorizePurchase(ctx, tx, ref, Actor{CoachID: coachID}, s.db.ForUpdate())
		if err != nil {
			return err
		}
		if _, err := NextPurchaseStatus(p.Status, PurchaseRefund); err != nil {
			return err
		}
		refundable := p.AmountCents - p.RefundedCents
		amount := p.AmountCents * int64(p.CreditsLeft) / int64(p.CreditsBought)
		if amountCents != nil {
			amount = *amountCents
		}
		var f fault.Fields
		f.Check(amount >= 0 && amount <= refundable, "amount_cents", fmt.Sprintf("must be between 0 and %d", refundable))
		f.Check(amount == 0 || p.PaymentIntent != "", "amount_cents", "this package was not paid for")
		if err := f.Err(); err != nil {
			return err
		}
		now := s.now().UTC()
		left := p.CreditsLeft
		if _, err := moveCredits(ctx, tx, p.ID, "credits_left", "credits_voided", left, now); err != nil {
			return err
		}
		reason := fmt.Sprintf("coach %d refunded %d %s; %d credits voided", coachID, amount, p.Currency, left)
		if err := s.purchaseTransition(ctx, tx, &p, PurchaseRefund, reason); err != nil {
			return err
		}
		if err := s.queuePackageRefund(ctx, tx, p, p.PaymentIntent, amount, p.Currency, reason); err != nil {
			return err
		}
		if out, err = purchaseBy(ctx, tx, "id", p.ID, ""); err != nil {
			return err
		}
		pkg, err := packageByID(ctx, tx, p.PackageID)
		if err != nil {
			return err
		}
		return s.notifyPackage(ctx, tx, PackageNotice{Kind: NoticePackageRefunded, Purchase: out, Package: pkg, RefundCents: amount})
	})
	return out, err
}

// ExpirePackages ends the validity of active purchases whose expiry has
// passed (their credits left are voided) and emails the expiry reminders
// due 14 and 2 days before. It returns how many purchases expired; each
// is its own transaction, so one failure holds up no other.
func (s *Service) ExpirePackages(ctx context.Context) (int, error) {
	now := s.now().UTC()
	var due []int64
	err := s.db.SelectContext(ctx, &due, s.db.Rebind(`SELECT id FROM package_purchases
		WHERE status = 'active' AND expires_at <= ? ORDER BY expires_at LIMIT 500`), now.AddDate(0, 0, 14))
	if err != nil {
		return 0, fmt.Errorf("find expiring packages: %w", err)
	}
	expired := 0
	for _, id := range due {
		err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
			p, err := purchaseBy(ctx, tx, "id", id, s.db.ForUpdate())
			if err != nil || p.Status != PurchaseActive || p.ExpiresAt == nil {
				return err
			}
			if !p.ExpiresAt.After(now) {
				if _, err := moveCredits(ctx, tx, p.ID, "credits_left", "credits_voided", p.CreditsLeft, now); err != nil {
					return err
				}
				expired++
				return s.purchaseTransition(ctx, tx, &p, PurchaseExpire, fmt.Sprintf("validity ended; %d credits voided", p.CreditsLeft))
			}
			return s.remindExpiry(ctx, tx, p, now)
		})
		if err != nil {
			return expired, err
		}
	}
	return expired, nil
}

// remindExpiry emails the 14- or 2-day reminder once each, only while
// credits are left.
func (s *Service) remindExpiry(ctx context.Context, tx *sqlx.Tx, p Purchase, now time.Time) error {
	days := 0
	for _, d := range []int{14, 2} {
		if !p.ExpiresAt.After(now.AddDate(0, 0, d)) {
			days = d
		}
	}
	if days == 0 || p.CreditsLeft == 0 || (p.RemindedDays != 0 && p.RemindedDays <= days) {
		return nil
	}
	p.RemindedDays, p.UpdatedAt = days, now
	if err := savePurchase(ctx, tx, p); err != nil {
		return err
	}
	pkg, err := packageByID(ctx, tx, p.PackageID)
	if err != nil {
		return err
	}
	token, err := s.mintPurchaseToken(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	return s.notifyPackage(ctx, tx, PackageNotice{Kind: NoticePackageExpiring, Purchase: p, Package: pkg, DaysLeft: days,
		CreditCode: token, PageURL: s.PackageURL(p.Ref, token)})
}

// AbandonUnpaidPackages ends purchases whose checkout deadline passed
// unpaid (a payment that lands later is still honoured: see
// ApplyPayment). It returns how many it ended.
func (s *Service) AbandonUnpaidPackages(ctx context.Context) (int, error) {
	now := s.now().UTC()
	var due []int64
	err := s.db.SelectContext(ctx, &due, s.db.Rebind(`SELECT id FROM package_purchases
		WHERE status = 'pending_payment' AND hold_expires_at <= ? ORDER BY hold_expires_at LIMIT 500`), now)
	if err != nil {
		return 0, fmt.Errorf("find unpaid packages: %w", err)
	}
	ended := 0
	for _, id := range due {
		err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
			p, err := purchaseBy(ctx, tx, "id", id, s.db.ForUpdate())
			if err != nil || p.Status != PurchasePending || p.HoldExpiresAt == nil || p.HoldExpiresAt.After(now) {
				return err
			}
			ended++
			return s.purchaseTransition(ctx, tx, &p, PurchaseAbandon, "checkout deadline passed unpaid")
		})
		if err != nil {
			return ended, err
		}
	}
	return ended, nil
}
