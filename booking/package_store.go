package booking

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/secret"
)

// The SQL of packages, purchases, their tokens, credit uses and history.
// Helpers take the caller's transaction (or the pool for reads).

const purchaseColumns = `id, ref, package_id, name, email, status, source, note, amount_cents, currency, refunded_cents,
	credits_bought, credits_used, credits_left, credits_voided, hold_expires_at, expires_at, reminded_days,
	payment_ref, payment_intent, created_at, updated_at`

func packageBySlug(ctx context.Context, ext sqlx.ExtContext, slug string) (Package, error) {
	var p Package
	err := sqlx.GetContext(ctx, ext, &p, ext.Rebind(`SELECT * FROM packages WHERE slug = ?`), slug)
	if isNoRows(err) {
		return Package{}, ErrPackageNotFound
	}
	if err != nil {
		return Package{}, fmt.Errorf("find package %s: %w", slug, err)
	}
	return p, nil
}

func packageByID(ctx context.Context, ext sqlx.ExtContext, id int64) (Package, error) {
	var p Package
	err := sqlx.GetContext(ctx, ext, &p, ext.Rebind(`SELECT * FROM packages WHERE id = ?`), id)
	if isNoRows(err) {
		return Package{}, ErrPackageNotFound
	}
	if err != nil {
		return Package{}, fmt.Errorf("load package %d: %w", id, err)
	}
	return p, nil
}

func purchaseBy(ctx context.Context, ext sqlx.ExtContext, column string, value any, lock string) (Purchase, error) {
	var p Purchase
	err := sqlx.GetContext(ctx, ext, &p, ext.Rebind(`SELECT `+purchaseColumns+` FROM package_purchases WHERE `+column+` = ?`+lock), value)
	if isNoRows(err) {
		return Purchase{}, ErrPurchaseNotFound
	}
	if err != nil {
		return Purchase{}, fmt.Errorf("load package purchase: %w", err)
	}
	return p, nil
}

func insertPurchase(ctx context.Context, tx *sqlx.Tx, p *Purchase) error {
	for attempt := 0; ; attempt++ {
		p.Ref = newPurchaseRef()
		q, args, err := sqlx.Named(`INSERT INTO package_purchases (ref, package_id, name, email, status, source, note,
				amount_cents, currency, refunded_cents, credits_bought, credits_used, credits_left, credits_voided,
				hold_expires_at, expires_at, reminded_days, payment_ref, payment_intent, created_at, updated_at)
			VALUES (:ref, :package_id, :name, :email, :status, :source, :note, :amount_cents, :currency, :refunded_cents,
				:credits_bought, :credits_used, :credits_left, :credits_voided, :hold_expires_at, :expires_at, :reminded_days,
				:payment_ref, :payment_intent, :created_at, :updated_at)
			RETURNING id`, p)
		if err != nil {
			return err
		}
		// A ref collision (30 random bits) is checked first, so it never
		// aborts the caller's PostgreSQL transaction.
		var taken int
		if err := tx.GetContext(ctx, &taken, tx.Rebind(`SELECT COUNT(*) FROM package_purchases WHERE ref = ?`), p.Ref); err != nil {
			return fmt.Errorf("check purchase ref: %w", err)
		}
		if taken > 0 && attempt < 5 {
			continue
		}
		if err := tx.GetContext(ctx, &p.ID, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("insert package purchase: %w", err)
		}
		return nil
	}
}

// savePurchase writes the fields of p that change after it is made. The
// credit counters are not among them: only the guarded updates below move
// credits.
func savePurchase(ctx context.Context, ext sqlx.ExtContext, p Purchase) error {
	_, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE package_purchases SET status = ?, refunded_cents = ?, hold_expires_at = ?,
		expires_at = ?, reminded_days = ?, payment_ref = ?, payment_intent = ?, updated_at = ? WHERE id = ?`),
		p.Status, p.RefundedCents, p.HoldExpiresAt, p.ExpiresAt, p.RemindedDays, p.PaymentRef, p.PaymentIntent, p.UpdatedAt, p.ID)
	if err != nil {
		return fmt.Errorf("save package purchase %s: %w", p.Ref, err)
	}
	return nil
}

// moveCredits moves n credits between two of the counters (used, left,
// voided) of a purchase, guarded so that the source never goes below zero;
// it reports false (and changes nothing) when the source has fewer than n.
// from and to are column names chosen by this package, never input.
func moveCredits(ctx context.Context, ext sqlx.ExtContext, purchaseID int64, from, to string, n int, now time.Time) (bool, error) {
	if n == 0 {
		return true, nil
	}
	res, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE package_purchases SET `+from+` = `+from+` - ?, `+to+` = `+to+` + ?, updated_at = ?
		WHERE id = ? AND `+from+` >= ?`), n, n, now, purchaseID, n)
	if err != nil {
		return false, fmt.Errorf("move credits: %w", err)
	}
	changed, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("move credits: %w", err)
	}
	return changed == 1, nil
}

func recordPurchaseHistory(ctx context.Context, ext sqlx.ExtContext, p Purchase, from PurchaseStatus, reason string, at time.Time) error {
	_, err := ext.ExecContext(ctx, ext.Rebind(`INSERT INTO package_history (purchase_id, from_status, to_status, reason, at) VALUES (?, ?, ?, ?, ?)`),
		p.ID, string(from), string(p.Status), reason, at)
	if err != nil {
		return fmt.Errorf("record history of %s: %w", p.Ref, err)
	}
	return nil
}

// mintPurchaseToken stores the hash of a new 192-bit token of the purchase
// and returns it: the manage token of its page and its credit code.
func (s *Service) mintPurchaseToken(ctx context.Context, ext sqlx.ExtContext, purchaseID int64) (string, error) {
	token := secret.RandomString(24)
	_, err := ext.ExecContext(ctx, ext.Rebind(`INSERT INTO package_tokens (purchase_id, token_hash, created_at) VALUES (?, ?, ?)`),
		purchaseID, secret.Hash(token), s.now().UTC())
	if err != nil {
		return "", fmt.Errorf("store package token: %w", err)
	}
	return token, nil
}

// purchaseIDByToken finds the purchase a token (a credit code) belongs to.
// The lookup is by the token's SHA-256, so the token itself is never
// compared or stored.
func purchaseIDByToken(ctx context.Context, ext sqlx.ExtContext, token string) (int64, bool, error) {
	if token == "" || len(token) > 100 {
		return 0, false, nil
	}
	var ids []int64
	if err := sqlx.SelectContext(ctx, ext, &ids, ext.Rebind(`SELECT purchase_id FROM package_tokens WHERE token_hash = ?`), secret.Hash(token)); err != nil {
		return 0, false, fmt.Errorf("look up credit code: %w", err)
	}
	if len(ids) != 1 {
		return 0, false, nil
	}
	return ids[0], true, nil
}

func creditUses(ctx context.Context, ext sqlx.ExtContext, purchaseID int64) ([]CreditUse, error) {
	var uses []CreditUse
	err := sqlx.SelectContext(ctx, ext, &uses, ext.Rebind(`SELECT b.ref, b.status, a.starts_at, u.spent_at, u.returned_at
		FROM package_credit_uses u JOIN bookings b ON b.id = u.booking_id JOIN appointments a ON a.booking_id = u.booking_id
		WHERE u.purchase_id = ? ORDER BY a.starts_at, u.id`), purchaseID)
	if err != nil {
		return nil, fmt.Errorf("credit uses: %w", err)
	}
	return uses, nil
}

// newPurchaseRef returns a ref such as PACK-7KQ2M9. Booking refs start
// with at most three letters, so the two never collide.
func newPurchaseRef() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	for i := range b {
		b[i] = refAlphabet[int(b[i])%len(refAlphabet)]
	}
	return "PACK-" + string(b)
}
