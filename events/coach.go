package events

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// Coach is a person who runs events and signs in to the dashboard.
type Coach struct {
	ID           int64   `db:"id"`
	Email        string  `db:"email"`
	Name         string  `db:"name"`
	PasswordHash *string `db:"password_hash"`
	// NotifyBookings is whether the coach is emailed about each new booking
	// and cancellation on events they host.
	NotifyBookings bool      `db:"notify_bookings"`
	CreatedAt      time.Time `db:"created_at"`
}

// TokenKind says what a coach token opens.
type TokenKind string

// Token kinds: the admin API, or the read-only calendar feed.
const (
	APIToken  TokenKind = "api"
	FeedToken TokenKind = "feed"
)

// bcryptCost is the work factor for coach passwords.
const bcryptCost = 12

// Errors about coaches and their credentials.
var (
	ErrCoachNotFound = fault.New(fault.NotFound, "coach not found")
	ErrCoachExists   = &fault.Error{Code: fault.Conflict, Message: "a coach with that email exists", Fields: map[string]string{"email": "is already registered"}}
	ErrUnauthorized  = fault.New(fault.Unauthorized, "missing, unknown or revoked token")
)

// AddCoach creates a coach. An empty password leaves the coach unable to
// sign in until one is set. Returns ErrCoachExists if the email is taken.
func (s *Service) AddCoach(ctx context.Context, email, name, password string) (Coach, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.TrimSpace(name)
	var f fault.Fields
	f.Check(ValidEmail(email), "email", "must be an email address")
	f.Check(name != "" && utf8.RuneCountInString(name) <= 200 && !strings.ContainsAny(name, "\r\n\x00"), "name", "is required, one line, at most 200 characters")
	if password != "" {
		f.Check(len(password) >= 10 && len(password) <= 72, "password", "must be 10 to 72 bytes")
	}
	if err := f.Err(); err != nil {
		return Coach{}, err
	}
	coach := Coach{Email: email, Name: name, NotifyBookings: true, CreatedAt: s.now().UTC()}
	if password != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
		if err != nil {
			return Coach{}, fmt.Errorf("hash password: %w", err)
		}
		h := string(hash)
		coach.PasswordHash = &h
	}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		return insertReturningID(ctx, tx, &coach.ID,
			`INSERT INTO coaches (email, name, password_hash, notify_bookings, created_at) VALUES (:email, :name, :password_hash, :notify_bookings, :created_at) RETURNING id`, coach)
	})
	if sqldb.IsUniqueViolation(err) {
		return Coach{}, ErrCoachExists
	}
	if err != nil {
		return Coach{}, fmt.Errorf("add coach: %w", err)
	}
	return coach, nil
}

// SetPassword replaces a coach's password. Returns ErrCoachNotFound if no
// coach has that email.
func (s *Service) SetPassword(ctx context.Context, email, password string) error {
	var f fault.Fields
	f.Check(len(password) >= 10 && len(password) <= 72, "password", "must be 10 to 72 bytes")
	if err := f.Err(); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coaches SET password_hash = ? WHERE email = ?`),
			string(hash), strings.ToLower(strings.TrimSpace(email)))
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrCoachNotFound
		}
		return nil
	})
}

// SetBookingNotices turns a coach's new-booking and cancellation emails on
// or off.
func (s *Service) SetBookingNotices(ctx context.Context, coachID int64, on bool) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coaches SET notify_bookings = ? WHERE id = ?`), on, coachID); err != nil {
			return fmt.Errorf("set booking notices: %w", err)
		}
		return nil
	})
}

// CoachByEmail returns the coach with that email, or ErrCoachNotFound.
func (s *Service) CoachByEmail(ctx context.Context, email string) (Coach, error) {
	if !ValidEmail(strings.ToLower(strings.TrimSpace(email))) {
		return Coach{}, ErrCoachNotFound
	}
	var c Coach
	err := s.db.GetContext(ctx, &c, s.db.Rebind(`SELECT * FROM coaches WHERE email = ?`), strings.ToLower(strings.TrimSpace(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return Coach{}, ErrCoachNotFound
	}
	if err != nil {
		return Coach{}, fmt.Errorf("coach by email: %w", err)
	}
	return c, nil
}

// CreateToken makes a new random token of the given kind for a coach and
// returns it; only its hash is stored, so this is the one time it is seen.
func (s *Service) CreateToken(ctx context.Context, coachID int64, kind TokenKind, name string) (string, error) {
	token := newToken(kind)
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(
			`INSERT INTO coach_tokens (coach_id, kind, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`),
			coachID, kind, name, HashToken(token), s.now().UTC())
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
	hash := HashToken(token)
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
	if subtle.ConstantTimeCompare([]byte(row.TokenHash), []byte(hash)) != 1 {
		return Coach{}, ErrUnauthorized
	}
	return row.Coach, nil
}

// newToken returns 256 random bits, URL-safe, with a prefix saying its kind
// so a leaked token is recognisable.
func newToken(kind TokenKind) string {
	return "rst_" + string(kind) + "_" + RandomString(32)
}

// RandomString returns n random bytes, URL-safe base64 encoded.
func RandomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the hex SHA-256 of a high-entropy token. Tokens are
// random, so a fast hash is enough: there is nothing to brute-force.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CheckPassword reports whether password is the coach's.
func (c Coach) CheckPassword(password string) bool {
	if c.PasswordHash == nil {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(*c.PasswordHash), []byte(password)) == nil
}

// insertReturningID runs a named INSERT … RETURNING id and stores the id.
func insertReturningID(ctx context.Context, ext sqlx.ExtContext, id *int64, query string, arg any) error {
	q, args, err := sqlx.Named(query, arg)
	if err != nil {
		return err
	}
	return sqlx.GetContext(ctx, ext, id, ext.Rebind(q), args...)
}
