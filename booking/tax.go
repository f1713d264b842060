package booking

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/money"
)

// TaxSettings are a coach's sales tax: whether they are registered (for
// VAT in the UK), their tax id, the rate and whether their prices include
// it, and the business name and address their receipts carry. A coach
// who is not registered charges no tax.
type TaxSettings struct {
	CoachID         int64     `db:"coach_id"`
	Registered      bool      `db:"registered"`
	TaxID           string    `db:"tax_id"`            // e.g. "GB123456789"
	RateBasisPoints int       `db:"rate_basis_points"` // 2000 = 20%
	Inclusive       bool      `db:"inclusive"`         // prices include the tax
	BusinessName    string    `db:"business_name"`
	BusinessAddress string    `db:"business_address"` // several lines
	UpdatedAt       time.Time `db:"updated_at"`
}

// tax is what money.Price charges for the settings: nothing unless
// registered.
func (t TaxSettings) tax() money.Tax {
	if !t.Registered {
		return money.Tax{}
	}
	return money.Tax{RateBasisPoints: t.RateBasisPoints, Inclusive: t.Inclusive}
}

// ukVAT is the shape of a UK VAT registration number: GB and 9 digits
// (12 for a branch), or GBGD/GBHA and 3 (government departments, health
// authorities).
var ukVAT = regexp.MustCompile(`^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$`)

// SetTax stores the coach's tax settings, which apply to bookings priced
// from now on (a booking keeps the tax it was priced with). Returns a
// fault.Invalid error naming bad fields: a registered coach needs a tax
// id (a UK one must look like GB123456789), a business name and address,
// and a rate between 0 and 100%.
func (s *Service) SetTax(ctx context.Context, coachID int64, in TaxSettings) (TaxSettings, error) {
	in.CoachID, in.UpdatedAt = coachID, s.now().UTC()
	in.TaxID = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(in.TaxID), " ", ""))
	in.BusinessName, in.BusinessAddress = strings.TrimSpace(in.BusinessName), strings.TrimSpace(in.BusinessAddress)
	var f fault.Fields
	f.Check(in.RateBasisPoints >= 0 && in.RateBasisPoints <= 100_00, "rate_basis_points", "must be between 0 and 10000 (100%)")
	f.Check(utf8.RuneCountInString(in.BusinessName) <= 200 && !strings.ContainsAny(in.BusinessName, "\r\n\x00"), "business_name", "must be one line of at most 200 characters")
	f.Check(utf8.RuneCountInString(in.BusinessAddress) <= 500 && !strings.ContainsRune(in.BusinessAddress, 0), "business_address", "must be at most 500 characters")
	f.Check(len(in.TaxID) <= 30, "tax_id", "must be at most 30 characters")
	if in.Registered {
		f.Check(in.TaxID != "", "tax_id", "is required when registered")
		f.Check(!strings.HasPrefix(in.TaxID, "GB") || ukVAT.MatchString(in.TaxID), "tax_id", "must be a UK VAT number such as GB123456789")
		f.Check(in.BusinessName != "", "business_name", "is required when registered")
		f.Check(in.BusinessAddress != "", "business_address", "is required when registered")
	}
	if err := f.Err(); err != nil {
		return TaxSettings{}, err
	}
	q, args, err := sqlx.Named(`INSERT INTO coach_tax (coach_id, registered, tax_id, rate_basis_points, inclusive, business_name,
		business_address, updated_at) VALUES (:coach_id, :registered, :tax_id, :rate_basis_points, :inclusive, :business_name,
		:business_address, :updated_at)
		ON CONFLICT (coach_id) DO UPDATE SET registered = excluded.registered, tax_id = excluded.tax_id,
		rate_basis_points = excluded.rate_basis_points, inclusive = excluded.inclusive, business_name = excluded.business_name,
		business_address = excluded.business_address, updated_at = excluded.updated_at`, in)
	if err != nil {
		return TaxSettings{}, err
	}
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(q), args...); err != nil {
		return TaxSettings{}, fmt.Errorf("set tax of coach %d: %w", coachID, err)
	}
	return in, nil
}

// Tax returns the coach's tax settings; a coach who never set them is not
// registered.
func (s *Service) Tax(ctx context.Context, coachID int64) (TaxSettings, error) {
	return taxOf(ctx, s.db, coachID)
}

func taxOf(ctx context.Context, ext sqlx.ExtContext, coachID int64) (TaxSettings, error) {
	var t TaxSettings
	err := sqlx.GetContext(ctx, ext, &t, ext.Rebind(`SELECT coach_id, registered, tax_id, rate_basis_points, inclusive,
		business_name, business_address, updated_at FROM coach_tax WHERE coach_id = ?`), coachID)
	if isNoRows(err) {
		return TaxSettings{CoachID: coachID}, nil
	}
	if err != nil {
		return TaxSettings{}, fmt.Errorf("tax of coach %d: %w", coachID, err)
	}
	return t, nil
}

// sellerOf returns the coach who sells e (its first host, the one who
// made it) and their tax settings; 0 and no tax for an event without
// hosts.
func sellerOf(ctx context.Context, ext sqlx.ExtContext, e events.Event) (int64, TaxSettings, error) {
	if len(e.Hosts) == 0 {
		return 0, TaxSettings{}, nil
	}
	coachID := e.Hosts[0].CoachID
	t, err := taxOf(ctx, ext, coachID)
	return coachID, t, err
}
