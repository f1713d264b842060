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

	"github.com/roster-app/roster/contact"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// Service manages coach accounts, their logins and their tokens.
type Service struct {
	db  *sqldb.DB
	now func() time.Time
}

// NewService returns a service on db; now is the clock (time.Now in
// production, a fixed clock in tests).
func NewService(db *sqldb.DB, now func() time.Time) *Service {
	return &Service{db: db, now: now}
}

// Coach is a person who runs events and logs in to the dashboard.
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

// bcryptCost is the work factor for coach passwords.
const bcryptCost = 12

// Errors about coaches and their credentials.
var (
	ErrNotFound     = fault.New(fault.NotFound, "coach not found")
	ErrExists       = &fault.Error{Code: fault.Conflict, Message: "a coach with that email exists", Fields: map[string]string{"email": "is already registered"}}
	ErrUnauthorized = fault.New(fault.Unauthorized, "missing, unknown or revoked token")
)

// Add creates a coach. An empty password leaves the coach unable to
// sign in until one is set. Returns ErrExists if the email is taken.
func (s *Service) Add(ctx context.Context, email, name, password string) (Coach, error) {
	var coach Coach
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		coach, err = s.addIn(ctx, tx, email, name, password)
		return err
	})
	return coach, err
}

// addIn is Add in the caller's transaction.
func (s *Service) addIn(ctx context.Context, tx *sqlx.Tx, email, name, password string) (Coach, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.TrimSpace(name)
	var f fault.Fields
	f.Check(contact.ValidEmail(email), "email", "must be an email address")
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
	err := insertReturningID(ctx, tx, &coach.ID,
		`INSERT INTO coaches (email, name, password_hash, notify_bookings, created_at) VALUES (:email, :name, :password_hash, :notify_bookings, :created_at) RETURNING id`, coach)
	if sqldb.IsUniqueViolation(err) {
		return Coach{}, ErrExists
	}
	if err != nil {
		return Coach{}, fmt.Errorf("add coach: %w", err)
	}
	return coach, nil
}

// SetPassword replaces a coach's password. Returns ErrNotFound if no
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
			return ErrNotFound
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

// ByEmail returns the coach with that email, or ErrNotFound.
func (s *Service) ByEmail(ctx context.Context, email string) (Coach, error) {
	if !contact.ValidEmail(strings.ToLower(strings.TrimSpace(email))) {
		return Coach{}, ErrNotFound
	}
	var c Coach
	err := s.db.GetContext(ctx, &c, s.db.Rebind(`SELECT * FROM coaches WHERE email = ?`), strings.ToLower(strings.TrimSpace(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return Coach{}, ErrNotFound
	}
	if err != nil {
		return Coach{}, fmt.Errorf("coach by email: %w", err)
	}
	return c, nil
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

// IDByEmail returns the id of the coach with email (already lower-case),
// or ErrNotFound, on ext, so a caller can look a coach up inside its own
// transaction.
func IDByEmail(ctx context.Context, ext sqlx.ExtContext, email string) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, ext, &id, ext.Rebind(`SELECT id FROM coaches WHERE email = ?`), email)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("coach by email: %w", err)
	}
	return id, nil
}

// ByIDs returns the coaches with these ids, by id, on ext; ids that are no
// coach's are left out.
func ByIDs(ctx context.Context, ext sqlx.ExtContext, ids []int64) (map[int64]Coach, error) {
	found := make(map[int64]Coach, len(ids))
	if len(ids) == 0 {
		return found, nil
	}
	q, args, err := sqlx.In(`SELECT * FROM coaches WHERE id IN (?)`, ids)
	if err != nil {
		return nil, err
	}
	var list []Coach
	if err := sqlx.SelectContext(ctx, ext, &list, ext.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("coaches by id: %w", err)
	}
	for _, c := range list {
		found[c.ID] = c
	}
	return found, nil
}
