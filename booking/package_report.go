package booking

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// checkCredits verifies invariant 9: every purchase's credits used, left
// and voided add up to those bought, credits used count exactly its
// unreturned credit uses, no booking holds two unreturned uses, and no
// credit is left on a purchase that is not active.
func (s *Service) checkCredits(ctx context.Context) ([]string, error) {
	checks := []struct{ what, query string }{
		{"credits used + left + voided differ from credits bought", `
			SELECT ref FROM package_purchases WHERE credits_used + credits_left + credits_voided <> credits_bought
				OR credits_used < 0 OR credits_left < 0 OR credits_voided < 0`},
		{"credits used differ from the appointments booked with its credits", `
			SELECT p.ref FROM package_purchases p WHERE p.credits_used <> (SELECT COUNT(*) FROM package_credit_uses u
				WHERE u.purchase_id = p.id AND u.returned_at IS NULL)`},
		{"credits left on a package that is not active", `
			SELECT ref FROM package_purchases WHERE credits_left > 0 AND status IN ('expired', 'refunded')`},
	}
	var out []string
	for _, c := range checks {
		var found []string
		if err := s.db.SelectContext(ctx, &found, c.query); err != nil {
			return nil, fmt.Errorf("check %s: %w", c.what, err)
		}
		for _, ref := range found {
			out = append(out, fmt.Sprintf("package %s: %s", ref, c.what))
		}
	}
	return out, nil
}

// PackageSale is one purchase in a coach's list: the purchase with its
// package's slug and title.
type PackageSale struct {
	Purchase
	PackageSlug  string `db:"package_slug"`
	PackageTitle string `db:"package_title"`
}

// ClientBalance is the credits one client holds across a coach's
// packages: those left on active purchases, and the soonest expiry among
// them (nil when none is left).
type ClientBalance struct {
	Email       string     `db:"email"`
	CreditsLeft int        `db:"credits_left"`
	CreditsUsed int        `db:"credits_used"`
	NextExpiry  *time.Time `db:"next_expiry"`
}

// PackageSales lists every purchase (sold or granted, in any status) of
// packages of the types the coach hosts, newest first, at most 1000.
func (s *Service) PackageSales(ctx context.Context, coachID int64) ([]PackageSale, error) {
	var out []PackageSale
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT p.id, p.ref, p.package_id, p.name, p.email, p.status, p.source, p.note,
			p.amount_cents, p.currency, p.refunded_cents, p.credits_bought, p.credits_used, p.credits_left, p.credits_voided,
			p.hold_expires_at, p.expires_at, p.reminded_days, p.payment_ref, p.payment_intent, p.created_at, p.updated_at,
			k.slug AS package_slug, k.title AS package_title
		FROM package_purchases p JOIN packages k ON k.id = p.package_id
		WHERE EXISTS (SELECT 1 FROM appointment_type_hosts h WHERE h.appointment_type_id = k.appointment_type_id AND h.coach_id = ?)
		ORDER BY p.created_at DESC, p.id DESC LIMIT 1000`), coachID)
	if err != nil {
		return nil, fmt.Errorf("list package sales: %w", err)
	}
	return out, nil
}

// ClientBalances returns each client's credits on the coach's packages,
// by email, and the total credits outstanding (left on active purchases).
func (s *Service) ClientBalances(ctx context.Context, coachID int64) ([]ClientBalance, int, error) {
	sales, err := s.PackageSales(ctx, coachID)
	if err != nil {
		return nil, 0, err
	}
	index := map[string]int{}
	var out []ClientBalance
	outstanding := 0
	for _, p := range sales {
		i, ok := index[p.Email]
		if !ok {
			i = len(out)
			index[p.Email] = i
			out = append(out, ClientBalance{Email: p.Email})
		}
		b := &out[i]
		b.CreditsUsed += p.CreditsUsed
		if p.Status != PurchaseActive || p.CreditsLeft == 0 {
			continue
		}
		b.CreditsLeft += p.CreditsLeft
		outstanding += p.CreditsLeft
		if b.NextExpiry == nil || p.ExpiresAt.Before(*b.NextExpiry) {
			b.NextExpiry = p.ExpiresAt
		}
	}
	slices.SortFunc(out, func(x, y ClientBalance) int { return strings.Compare(x.Email, y.Email) })
	return out, outstanding, nil
}

// WritePackageSalesCSV writes sales as CSV as WriteAttendeesCSV does (BOM,
// CRLF, header row): one row per purchase, amounts as decimals of their currency, times in UTC (RFC
// 3339), and every cell made safe from formula injection.
func WritePackageSalesCSV(w io.Writer, sales []PackageSale) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := &csvWriter{w: w}
	if err := writeSafe(cw, []string{"ref", "package", "name", "email", "status", "source", "amount", "currency", "refunded",
		"credits_bought", "credits_used", "credits_left", "credits_voided", "expires_at", "created_at", "note"}); err != nil {
		return err
	}
	for _, p := range sales {
		expires := ""
		if p.ExpiresAt != nil {
			expires = p.ExpiresAt.UTC().Format(time.RFC3339)
		}
		row := []string{p.Ref, p.PackageSlug, p.Name, p.Email, string(p.Status), p.Source,
			DecimalAmount(p.AmountCents, p.Currency), p.Currency, DecimalAmount(p.RefundedCents, p.Currency),
			strconv.Itoa(p.CreditsBought), strconv.Itoa(p.CreditsUsed), strconv.Itoa(p.CreditsLeft), strconv.Itoa(p.CreditsVoided),
			expires, p.CreatedAt.UTC().Format(time.RFC3339), p.Note}
		if err := writeSafe(cw, row); err != nil {
			return err
		}
	}
	return cw.err
}
