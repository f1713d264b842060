package events

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
)

// TokenInfo describes a coach token without its secret, which is never
// stored.
type TokenInfo struct {
	ID        int64      `db:"id"`
	Kind      TokenKind  `db:"kind"`
	Name      string     `db:"name"`
	CreatedAt time.Time  `db:"created_at"`
	RevokedAt *time.Time `db:"revoked_at"`
}

// Active reports whether the token still opens anything.
func (t TokenInfo) Active() bool { return t.RevokedAt == nil }

// ErrTokenNotFound is returned for a token id the coach does not hold.
var ErrTokenNotFound = fault.New(fault.NotFound, "token not found")

// MaxTokenNameLen bounds a token's name.
const MaxTokenNameLen = 100

// ValidateTokenName returns a fault.Invalid error naming "name" unless name
// is one line of 1 to MaxTokenNameLen characters.
func ValidateTokenName(name string) error {
	var f fault.Fields
	name = strings.TrimSpace(name)
	f.Check(name != "", "name", "is required, so you can tell your tokens apart")
	f.Check(utf8.RuneCountInString(name) <= MaxTokenNameLen && utf8.ValidString(name) && !strings.ContainsAny(name, "\r\n\x00"),
		"name", fmt.Sprintf("must be one line of at most %d characters", MaxTokenNameLen))
	return f.Err()
}

// CoachTokens returns the coach's tokens of kind, active ones first, then
// newest first.
func (s *Service) CoachTokens(ctx context.Context, coachID int64, kind TokenKind) ([]TokenInfo, error) {
	var list []TokenInfo
	err := s.db.SelectContext(ctx, &list, s.db.Rebind(`
		SELECT id, kind, name, created_at, revoked_at FROM coach_tokens WHERE coach_id = ? AND kind = ?
		ORDER BY CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC`), coachID, kind)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return list, nil
}

// RevokeToken revokes one of the coach's tokens by id. Revoking a revoked
// token changes nothing; another coach's token id is ErrTokenNotFound.
func (s *Service) RevokeToken(ctx context.Context, coachID, tokenID int64) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM coach_tokens WHERE id = ? AND coach_id = ?`), tokenID, coachID); err != nil {
			return fmt.Errorf("find token: %w", err)
		}
		if n == 0 {
			return ErrTokenNotFound
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coach_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`),
			s.now().UTC(), tokenID)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return nil
	})
}
