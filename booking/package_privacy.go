package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// A package purchase holds a person's name and email like a booking does,
// so exports, erasures and retention reach it by the same rules: the
// person's own request reaches every purchase; a coach's reaches the
// purchases of packages of the appointment types they host; retention
// anonymises a purchase its controller (first host of the type) sold once
// it is over. Money records (amounts, refunds, history, credit uses) stay.

// PersonPurchase is one package purchase as a person's export shows it.
// Amounts are minor units of Currency; times are UTC.
type PersonPurchase struct {
	Ref           string         `json:"ref"`
	Package       string         `json:"package"` // the package's title
	Status        PurchaseStatus `json:"status"`
	Name          string         `json:"name"`
	Email         string         `json:"email"`
	Note          string         `json:"note,omitempty"`
	AmountCents   int64          `json:"amount_cents"`
	RefundedCents int64          `json:"refunded_cents"`
	Currency      string         `json:"currency"`
	CreditsBought int            `json:"credits_bought"`
	CreditsUsed   int            `json:"credits_used"`
	CreditsLeft   int            `json:"credits_left"`
	ExpiresAt     *time.Time     `json:"expires_at,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
	History       []HistoryLine  `json:"history"`
	// CreditUses are the refs of the appointments booked with its credits.
	CreditUses []string `json:"credit_uses"`
	// CreditCodes counts the credit codes issued (only their hashes are
	// stored).
	CreditCodes int `json:"credit_codes"`
}

// purchases narrows a package_purchases query to the scope; its arguments
// follow.
func (sc PersonScope) purchases() (string, []any) {
	if sc.CoachID == 0 {
		return "", nil
	}
	return ` AND package_id IN (SELECT p.id FROM packages p
		JOIN appointment_type_hosts th ON th.appointment_type_id = p.appointment_type_id WHERE th.coach_id = ?)`, []any{sc.CoachID}
}

// personPurchases returns the purchases of email in scope, by id; lock is
// sqldb's ForUpdate clause or "".
func personPurchases(ctx context.Context, ext sqlx.ExtContext, email string, scope PersonScope, lock string) ([]Purchase, error) {
	clause, args := scope.purchases()
	out := []Purchase{}
	err := sqlx.SelectContext(ctx, ext, &out, ext.Rebind(`SELECT `+purchaseColumns+` FROM package_purchases WHERE email = ?`+clause+` ORDER BY id`+lock),
		append([]any{normalEmail(email)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("package purchases of a person: %w", err)
	}
	return out, nil
}

func personPurchase(ctx context.Context, ext sqlx.ExtContext, p Purchase) (PersonPurchase, error) {
	out := PersonPurchase{Ref: p.Ref, Status: p.Status, Name: p.Name, Email: p.Email, Note: p.Note,
		AmountCents: p.AmountCents, RefundedCents: p.RefundedCents, Currency: p.Currency,
		CreditsBought: p.CreditsBought, CreditsUsed: p.CreditsUsed, CreditsLeft: p.CreditsLeft,
		CreatedAt: p.CreatedAt.UTC(), History: []HistoryLine{}, CreditUses: []string{}}
	if p.ExpiresAt != nil {
		t := p.ExpiresAt.UTC()
		out.ExpiresAt = &t
	}
	if err := sqlx.GetContext(ctx, ext, &out.Package, ext.Rebind(`SELECT title FROM packages WHERE id = ?`), p.PackageID); err != nil {
		return out, fmt.Errorf("package of %s: %w", p.Ref, err)
	}
	if err := sqlx.SelectContext(ctx, ext, &out.History, ext.Rebind(`SELECT from_status, to_status, reason, at
		FROM package_history WHERE purchase_id = ? ORDER BY id`), p.ID); err != nil {
		return out, fmt.Errorf("history of %s: %w", p.Ref, err)
	}
	if err := sqlx.SelectContext(ctx, ext, &out.CreditUses, ext.Rebind(`SELECT b.ref FROM package_credit_uses u
		JOIN bookings b ON b.id = u.booking_id WHERE u.purchase_id = ? ORDER BY u.id`), p.ID); err != nil {
		return out, fmt.Errorf("credit uses of %s: %w", p.Ref, err)
	}
	if err := sqlx.GetContext(ctx, ext, &out.CreditCodes, ext.Rebind(`SELECT COUNT(*) FROM package_tokens WHERE purchase_id = ?`), p.ID); err != nil {
		return out, fmt.Errorf("credit codes of %s: %w", p.Ref, err)
	}
	return out, nil
}

// anonymisePurchase replaces the personal data of p (locked) and forgets
// its credit codes, so that nobody can spend what is left of it or read
// its page: the person asked to be forgotten, or the purchase is over.
func (s *Service) anonymisePurchase(ctx context.Context, tx *sqlx.Tx, p Purchase) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE package_purchases SET name = ?, email = ?, note = '', updated_at = ? WHERE id = ?`),
		ErasedName, ErasedEmail("package", p.ID), s.now().UTC(), p.ID)
	if err != nil {
		return fmt.Errorf("anonymise package purchase %s: %w", p.Ref, err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM package_tokens WHERE purchase_id = ?`), p.ID); err != nil {
		return fmt.Errorf("anonymise package purchase %s: %w", p.Ref, err)
	}
	return nil
}

// erasePurchases anonymises every purchase of email in scope and returns
// their refs.
func (s *Service) erasePurchases(ctx context.Context, tx *sqlx.Tx, email string, scope PersonScope) ([]string, error) {
	list, err := personPurchases(ctx, tx, email, scope, s.db.ForUpdate())
	if err != nil {
		return nil, err
	}
	refs := []string{}
	for _, p := range list {
		if err := s.anonymisePurchase(ctx, tx, p); err != nil {
			return nil, err
		}
		refs = append(refs, p.Ref)
	}
	return refs, nil
}

// anonymiseEndedPurchases anonymises the purchases of packages coach
// controls (first host of the package's type) that were over before
// cutoff (UTC): expired, or abandoned or refunded and last changed before
// it.
func (s *Service) anonymiseEndedPurchases(ctx context.Context, tx *sqlx.Tx, coachID int64, cutoff time.Time) ([]string, error) {
	var list []Purchase
	err := tx.SelectContext(ctx, &list, tx.Rebind(`SELECT `+purchaseColumns+` FROM package_purchases
		WHERE email NOT LIKE '%`+erasedDomain+`'
			AND (expires_at < ? OR (status IN ('abandoned', 'refunded', 'expired') AND updated_at < ?))
			AND package_id IN (SELECT p.id FROM packages p JOIN appointment_type_hosts th ON th.appointment_type_id = p.appointment_type_id
				WHERE th.coach_id = ? AND th.position = (SELECT MIN(t2.position) FROM appointment_type_hosts t2
					WHERE t2.appointment_type_id = p.appointment_type_id))
		ORDER BY id`+s.db.ForUpdate()), cutoff, cutoff, coachID)
	if err != nil {
		return nil, fmt.Errorf("package purchases past retention: %w", err)
	}
	refs := []string{}
	for _, p := range list {
		if err := s.anonymisePurchase(ctx, tx, p); err != nil {
			return nil, err
		}
		refs = append(refs, p.Ref)
	}
	return refs, nil
}
