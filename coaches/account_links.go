package coaches

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/secret"
)

// A coach sets their own password from a link emailed to them: after
// "Forgot password" (a reset link) or when a co-host invites them (an
// invitation). A link holds 256 random bits, of which only the SHA-256 is
// stored; it works once and expires. The email is written to the outbox
// in the transaction that makes the link, through an AccountMailer, which
// notify implements (this package cannot import notify).

// LinkPurpose is what an account link is for.
type LinkPurpose string

// The purposes of account links.
const (
	PurposeReset  LinkPurpose = "reset"
	PurposeInvite LinkPurpose = "invite"
)

// How long account links work.
const (
	ResetLinkTTL      = time.Hour
	InvitationLinkTTL = 7 * 24 * time.Hour
)

// ErrLinkInvalid is the one answer to an account link that is unknown,
// used, expired or for another purpose, so the answer tells nothing more.
var ErrLinkInvalid = fault.New(fault.NotFound, "this link has expired or was already used; ask for a new one")

// AccountLink is an emailed link's token with what it opens.
type AccountLink struct {
	Token     string // the secret in the link; only its hash is stored
	Purpose   LinkPurpose
	Coach     Coach
	InvitedBy *Coach // for an invitation
	ExpiresAt time.Time
}

// AccountMailer writes the emails that carry account links, in the
// caller's transaction.
type AccountMailer interface {
	AccountLinkEmail(ctx context.Context, tx *sqlx.Tx, link AccountLink) error
}

// RequestPasswordReset emails a reset link to the coach with email, if
// there is one, and invalidates their earlier reset links. Whether or not
// the email belongs to a coach it returns nil, so the caller's answer
// cannot tell (callers throttle requests). The link and its email are
// written in one transaction.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, mail AccountMailer) error {
	coach, err := s.ByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		now := s.now().UTC()
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coach_account_links SET used_at = ?
			WHERE coach_id = ? AND purpose = 'reset' AND used_at IS NULL`), now, coach.ID); err != nil {
			return fmt.Errorf("retire reset links: %w", err)
		}
		link, err := insertLink(ctx, tx, coach, nil, PurposeReset, now, ResetLinkTTL)
		if err != nil {
			return err
		}
		return mail.AccountLinkEmail(ctx, tx, link)
	})
}

// Invite adds a coach with no password, invited by the coach inviterID,
// and emails them an invitation link to set one, in one transaction.
// Returns ErrExists if the email is a coach already, and a fault.Invalid
// error naming a bad email or name.
func (s *Service) Invite(ctx context.Context, inviterID int64, email, name string, mail AccountMailer) (Coach, error) {
	inviter, err := s.byID(ctx, s.db, inviterID)
	if err != nil {
		return Coach{}, err
	}
	var invited Coach
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if invited, err = s.addIn(ctx, tx, email, name, ""); err != nil {
			return err
		}
		link, err := insertLink(ctx, tx, invited, &inviter, PurposeInvite, s.now().UTC(), InvitationLinkTTL)
		if err != nil {
			return err
		}
		return mail.AccountLinkEmail(ctx, tx, link)
	})
	if err != nil {
		return Coach{}, err
	}
	return invited, nil
}

// CheckLink returns what a link of purpose opens (without its token), or
// ErrLinkInvalid. It changes nothing: the page that asks for the new
// password calls it.
func (s *Service) CheckLink(ctx context.Context, token string, purpose LinkPurpose) (AccountLink, error) {
	row, err := s.linkRow(ctx, s.db, token, purpose)
	if err != nil {
		return AccountLink{}, err
	}
	coach, err := s.byID(ctx, s.db, row.CoachID)
	if err != nil {
		return AccountLink{}, err
	}
	return AccountLink{Purpose: purpose, Coach: coach, ExpiresAt: row.ExpiresAt}, nil
}

// SetPasswordWithLink sets the password of the coach a link of purpose
// opens, uses the link up, and signs the coach out everywhere (a reset
// follows a lost password). Returns ErrLinkInvalid, or a fault.Invalid
// error for a password that is not 10 to 72 bytes.
func (s *Service) SetPasswordWithLink(ctx context.Context, token string, purpose LinkPurpose, password string) (Coach, error) {
	hash, err := hashPassword(password)
	if err != nil {
		return Coach{}, err
	}
	var coach Coach
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		row, err := s.linkRow(ctx, tx, token, purpose)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		// The guard on used_at makes a link race-proof: of two requests
		// with one link, only one updates the row.
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coach_account_links SET used_at = ? WHERE id = ? AND used_at IS NULL`), now, row.ID)
		if err != nil {
			return fmt.Errorf("use link: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrLinkInvalid
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coaches SET password_hash = ? WHERE id = ?`), hash, row.CoachID); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coach_sessions SET revoked_at = ? WHERE coach_id = ? AND revoked_at IS NULL`),
			now, row.CoachID); err != nil {
			return fmt.Errorf("end logins: %w", err)
		}
		coach, err = s.byID(ctx, tx, row.CoachID)
		return err
	})
	return coach, err
}

// ChangePassword replaces the signed-in coach's password, given the
// current one, and signs out every other browser (keepLoginID stays).
// Returns a fault.Invalid error naming current_password when it is wrong
// and password when the new one is not 10 to 72 bytes.
func (s *Service) ChangePassword(ctx context.Context, coachID, keepLoginID int64, current, next string) error {
	coach, err := s.byID(ctx, s.db, coachID)
	if err != nil {
		return err
	}
	if len(current) > maxPasswordLen {
		current = current[:maxPasswordLen]
	}
	var f fault.Fields
	if coach.PasswordHash == nil || bcrypt.CompareHashAndPassword([]byte(*coach.PasswordHash), []byte(current)) != nil {
		f.Add("current_password", "is not your current password")
	}
	hash, err := hashPassword(next)
	var fe *fault.Error
	if errors.As(err, &fe) {
		for field, message := range fe.Fields {
			f.Add(field, message)
		}
	} else if err != nil {
		return err
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coaches SET password_hash = ? WHERE id = ?`), hash, coachID); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coach_sessions SET revoked_at = ? WHERE coach_id = ? AND id <> ? AND revoked_at IS NULL`),
			s.now().UTC(), coachID, keepLoginID)
		if err != nil {
			return fmt.Errorf("end other logins: %w", err)
		}
		return nil
	})
}

// hashPassword checks a new password's length and hashes it.
func hashPassword(password string) (string, error) {
	var f fault.Fields
	f.Check(len(password) >= 10 && len(password) <= 72, "password", "must be 10 to 72 bytes")
	if err := f.Err(); err != nil {
		return "", err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(hash), nil
}

type linkRow struct {
	ID        int64       `db:"id"`
	CoachID   int64       `db:"coach_id"`
	Purpose   LinkPurpose `db:"purpose"`
	TokenHash string      `db:"token_hash"`
	ExpiresAt time.Time   `db:"expires_at"`
	UsedAt    *time.Time  `db:"used_at"`
}

// linkRow finds a live link of purpose by its token, or ErrLinkInvalid.
func (s *Service) linkRow(ctx context.Context, q rebindQueryer, token string, purpose LinkPurpose) (linkRow, error) {
	var row linkRow
	if token == "" || len(token) > 200 {
		return row, ErrLinkInvalid
	}
	hash := secret.Hash(token)
	err := sqlx.GetContext(ctx, q, &row, q.Rebind(
		`SELECT id, coach_id, purpose, token_hash, expires_at, used_at FROM coach_account_links WHERE token_hash = ?`), hash)
	if errors.Is(err, sql.ErrNoRows) {
		return row, ErrLinkInvalid
	}
	if err != nil {
		return row, fmt.Errorf("look up account link: %w", err)
	}
	if !secret.Equal(row.TokenHash, hash) || row.Purpose != purpose || row.UsedAt != nil || !s.now().Before(row.ExpiresAt) {
		return row, ErrLinkInvalid
	}
	return row, nil
}

func insertLink(ctx context.Context, tx *sqlx.Tx, coach Coach, inviter *Coach, purpose LinkPurpose, now time.Time, ttl time.Duration) (AccountLink, error) {
	link := AccountLink{Token: newToken(TokenKind(purpose)), Purpose: purpose, Coach: coach, InvitedBy: inviter, ExpiresAt: now.Add(ttl)}
	var invitedBy *int64
	if inviter != nil {
		invitedBy = &inviter.ID
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO coach_account_links (coach_id, purpose, token_hash, invited_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`), coach.ID, string(purpose), secret.Hash(link.Token), invitedBy, now, link.ExpiresAt)
	if err != nil {
		return AccountLink{}, fmt.Errorf("make %s link: %w", purpose, err)
	}
	return link, nil
}

// byID returns the coach with id, or ErrNotFound.
func (s *Service) byID(ctx context.Context, q rebindQueryer, id int64) (Coach, error) {
	var c Coach
	err := sqlx.GetContext(ctx, q, &c, q.Rebind(`SELECT * FROM coaches WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Coach{}, ErrNotFound
	}
	if err != nil {
		return Coach{}, fmt.Errorf("coach %d: %w", id, err)
	}
	return c, nil
}

// rebindQueryer is a database or a transaction: it reads and knows its
// placeholders.
type rebindQueryer interface {
	sqlx.QueryerContext
	Rebind(query string) string
}
