package coaches

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/secret"
)

// TokenKind says what a coach token opens.
type TokenKind string

// Token kinds: the admin API, or the read-only calendar feed.
const (
	APIToken  TokenKind = "api"
	FeedToken TokenKind = "feed"
)

// CreateToken makes a new random token of the given kind for a coach and
// returns it; only its hash is stored, so this is the one time it is seen.
func (s *Service) CreateToken(ctx context.Context, coachID int64, kind TokenKind, name string) (string, error) {
	token := newToken(kind)
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(
			`INSERT INTO coach_tokens (coach_id, kind, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`),
			coachID, kind, name, secret.Hash(token), s.now().UTC())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	return token, nil
}

// RevokeTokens revokes every token of kind that the coach holds, as rotating
// a feed link does.
func (s *Service) RevokeTokens(ctx context.Context, coachID int64, kind TokenKind) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(
			`UPDATE coach_tokens SET revoked_at = ? WHERE coach_id = ? AND kind = ? AND revoked_at IS NULL`),
			s.now().UTC(), coachID, kind)
		if err != nil {
			return fmt.Errorf("revoke tokens: %w", err)
		}
		return nil
	})
}

// Authenticate returns the coach holding token, or ErrUnauthorized if the
// token is unknown, of another kind, or revoked.
func (s *Service) Authenticate(ctx context.Context, token string, kind TokenKind) (Coach, error) {
	if token == "" || len(token) > 200 {
		return Coach{}, ErrUnauthorized
	}
	hash := secret.Hash(token)
	var row struct {
		Coach
		TokenHash string `db:"token_hash"`
	}
	err := s.db.GetContext(ctx, &row, s.db.Rebind(`
		SELECT c.*, t.token_hash FROM coach_tokens t JOIN coaches c ON c.id = t.coach_id
		WHERE t.token_hash = ? AND t.kind = ? AND t.revoked_at IS NULL`), hash, kind)
	if errors.Is(err, sql.ErrNoRows) {
		return Coach{}, ErrUnauthorized
	}
	if err != nil {
		return Coach{}, fmt.Errorf("authenticate: %w", err)
	}
	// The lookup is by hash; compare again in constant time so that no code
	// path compares secrets byte by byte.
	if !secret.Equal(row.TokenHash, hash) {
		return Coach{}, ErrUnauthorized
	}
	return row.Coach, nil
}

// newToken returns 256 random bits, URL-safe, with a prefix saying its kind
// so a leaked token is recognisable.
func newToken(kind TokenKind) string {
	return "rst_" + string(kind) + "_" + secret.RandomString(32)
}

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

// Tokens returns the coach's tokens of kind, active ones first, then
// newest first.
func (s *Service) Tokens(ctx context.Context, coachID int64, kind TokenKind) ([]TokenInfo, error) {
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
