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
	"golang.org/x/crypto/bcrypt"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/secret"
)

// How long a dashboard sign-in lasts: it ends after LoginIdleTimeout
// without a request, and LoginMaxAge after it began however busy it is,
// so a cookie lost on a shared computer stops working on its own.
const (
	LoginIdleTimeout = 14 * 24 * time.Hour
	LoginMaxAge      = 30 * 24 * time.Hour
	// loginTouchEvery bounds how often a busy login's last_seen_at is
	// written: once an hour is precise enough for a 14-day idle timeout.
	loginTouchEvery = time.Hour
)

// Errors about logging in.
var (
	// ErrLoginFailed is the one answer to a wrong email, a wrong password
	// and a coach with no password, so the answer reveals nothing.
	ErrLoginFailed = fault.New(fault.Unauthorized, "that email and password do not match a coach")
	// ErrLoggedOut is returned for a login token that is unknown,
	// revoked or expired.
	ErrLoggedOut = fault.New(fault.Unauthorized, "please sign in")
)

// dummyPasswordHash is a bcrypt hash, at the cost of real ones, of a random
// password nobody knows. Logging in with an unknown email compares against
// it, so that answer takes as long as a wrong password for a real coach.
const dummyPasswordHash = "$2a$12$tGTTIoQzCoHeBiFNOdFzh.nrx1mLiVezM/igml5IWg/QvkNoJ0YiS"

// maxPasswordLen bounds what is hashed; bcrypt reads only the first 72
// bytes, and a megabyte "password" should not cost more than a short one.
const maxPasswordLen = 1024

// LogIn returns the coach with this email and password. Every failure (no
// such coach, no password set, a wrong password) returns ErrLoginFailed
// after the same bcrypt work.
func (s *Service) LogIn(ctx context.Context, email, password string) (Coach, error) {
	if len(password) > maxPasswordLen {
		password = password[:maxPasswordLen]
	}
	coach, err := s.ByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Coach{}, err
	}
	if err != nil || coach.PasswordHash == nil {
		// The same bcrypt work as checking a real password, for nothing.
		_ = bcrypt.CompareHashAndPassword([]byte(dummyPasswordHash), []byte(password))
		return Coach{}, ErrLoginFailed
	}
	if !coach.CheckPassword(password) {
		return Coach{}, ErrLoginFailed
	}
	return coach, nil
}

// Login is one browser's login on the dashboard.
type Login struct {
	ID         int64      `db:"id"`
	CoachID    int64      `db:"coach_id"`
	UserAgent  string     `db:"user_agent"`
	CreatedAt  time.Time  `db:"created_at"`
	LastSeenAt time.Time  `db:"last_seen_at"`
	ExpiresAt  time.Time  `db:"expires_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

// ActiveAt reports whether the login is still signed in at now.
func (s Login) ActiveAt(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt) && now.Before(s.LastSeenAt.Add(LoginIdleTimeout))
}

// StartLogin signs the coach in from one browser and returns the
// login's token for its cookie (256 random bits; only the hash is kept)
// and the login. It also forgets the coach's logins that have ended.
func (s *Service) StartLogin(ctx context.Context, coachID int64, userAgent string) (string, Login, error) {
	now := s.now().UTC()
	token := newToken("login")
	login := Login{
		CoachID: coachID, UserAgent: clip(userAgent, 200),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(LoginMaxAge),
	}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM coach_sessions
			WHERE coach_id = ? AND (expires_at <= ? OR last_seen_at <= ? OR revoked_at IS NOT NULL)`),
			coachID, now, now.Add(-LoginIdleTimeout)); err != nil {
			return fmt.Errorf("forget ended logins: %w", err)
		}
		return insertReturningID(ctx, tx, &login.ID, `
			INSERT INTO coach_sessions (coach_id, token_hash, user_agent, created_at, last_seen_at, expires_at)
			VALUES (:coach_id, :token_hash, :user_agent, :created_at, :last_seen_at, :expires_at) RETURNING id`,
			struct {
				Login
				TokenHash string `db:"token_hash"`
			}{login, secret.Hash(token)})
	})
	if err != nil {
		return "", Login{}, fmt.Errorf("start login: %w", err)
	}
	return token, login, nil
}

// LoggedInCoach returns the coach a login token signs in, and the
// login, or ErrLoggedOut if the token is unknown, revoked or expired.
// A login in use is kept alive: its idle timer restarts (written at most
// once an hour).
func (s *Service) LoggedInCoach(ctx context.Context, token string) (Coach, Login, error) {
	if token == "" || len(token) > 200 {
		return Coach{}, Login{}, ErrLoggedOut
	}
	hash := secret.Hash(token)
	var row struct {
		Login
		TokenHash string `db:"token_hash"`
		Coach     Coach  `db:"coach"`
	}
	err := s.db.GetContext(ctx, &row, s.db.Rebind(`
		SELECT s.id, s.coach_id, s.user_agent, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at, s.token_hash,
			c.id AS "coach.id", c.email AS "coach.email", c.name AS "coach.name",
			c.password_hash AS "coach.password_hash", c.created_at AS "coach.created_at"
		FROM coach_sessions s JOIN coaches c ON c.id = s.coach_id
		WHERE s.token_hash = ?`), hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Coach{}, Login{}, ErrLoggedOut
	}
	if err != nil {
		return Coach{}, Login{}, fmt.Errorf("look up login: %w", err)
	}
	now := s.now().UTC()
	if !secret.Equal(row.TokenHash, hash) || !row.ActiveAt(now) {
		return Coach{}, Login{}, ErrLoggedOut
	}
	if now.Sub(row.LastSeenAt) >= loginTouchEvery {
		row.LastSeenAt = now
		if err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coach_sessions SET last_seen_at = ? WHERE id = ?`), now, row.ID)
			return err
		}); err != nil {
			return Coach{}, Login{}, fmt.Errorf("touch login: %w", err)
		}
	}
	return row.Coach, row.Login, nil
}

// EndLogin signs out the login holding token; an unknown or
// already ended token is not an error.
func (s *Service) EndLogin(ctx context.Context, token string) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coach_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`),
			s.now().UTC(), secret.Hash(token))
		if err != nil {
			return fmt.Errorf("end login: %w", err)
		}
		return nil
	})
}

// EndAllLogins signs the coach out of every browser.
func (s *Service) EndAllLogins(ctx context.Context, coachID int64) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coach_sessions SET revoked_at = ? WHERE coach_id = ? AND revoked_at IS NULL`),
			s.now().UTC(), coachID)
		if err != nil {
			return fmt.Errorf("end logins: %w", err)
		}
		return nil
	})
}

// Logins returns the coach's logins that are still signed in,
// most recently used first.
func (s *Service) Logins(ctx context.Context, coachID int64) ([]Login, error) {
	now := s.now().UTC()
	var list []Login
	err := s.db.SelectContext(ctx, &list, s.db.Rebind(`
		SELECT id, coach_id, user_agent, created_at, last_seen_at, expires_at, revoked_at FROM coach_sessions
		WHERE coach_id = ? AND revoked_at IS NULL AND expires_at > ? AND last_seen_at > ?
		ORDER BY last_seen_at DESC, id DESC`), coachID, now, now.Add(-LoginIdleTimeout))
	if err != nil {
		return nil, fmt.Errorf("list logins: %w", err)
	}
	return list, nil
}

// clip returns s cut to at most n runes, as valid one-line text.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s), "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
