package coaches

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
)

// MaxReceiptAddressLen is the longest receipt address, in characters.
const MaxReceiptAddressLen = 500

// ReceiptAddress returns the postal address a coach prints on receipts,
// one line per line, or "" when they have set none.
func (s *Service) ReceiptAddress(ctx context.Context, coachID int64) (string, error) {
	return ReceiptAddressIn(ctx, s.db, coachID)
}

// ReceiptAddressIn is ReceiptAddress on ext (a transaction that issues a
// receipt).
func ReceiptAddressIn(ctx context.Context, ext sqlx.ExtContext, coachID int64) (string, error) {
	var address string
	err := sqlx.GetContext(ctx, ext, &address, ext.Rebind(`SELECT address FROM coach_receipt_details WHERE coach_id = ?`), coachID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("receipt address of coach %d: %w", coachID, err)
	}
	return address, nil
}

// SetReceiptAddress sets the postal address a coach prints on receipts
// ("" prints none). Returns a fault.Invalid error for an address over
// MaxReceiptAddressLen characters or that is not valid text.
func (s *Service) SetReceiptAddress(ctx context.Context, coachID int64, address string) error {
	address = strings.TrimSpace(strings.ReplaceAll(address, "\r\n", "\n"))
	var f fault.Fields
	f.Check(utf8.ValidString(address) && !strings.ContainsRune(address, 0), "address", "must be text")
	f.Check(utf8.RuneCountInString(address) <= MaxReceiptAddressLen, "address", fmt.Sprintf("must be at most %d characters", MaxReceiptAddressLen))
	if err := f.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		// The same upsert runs on PostgreSQL and SQLite (3.24 and later).
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO coach_receipt_details (coach_id, address) VALUES (?, ?)
			ON CONFLICT (coach_id) DO UPDATE SET address = excluded.address`), coachID, address)
		if err != nil {
			return fmt.Errorf("set receipt address of coach %d: %w", coachID, err)
		}
		return nil
	})
}
