package booking

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// Defaults for what one person may hold without paying; see Config.
const (
	DefaultHoldDuration      = 30 * time.Minute
	DefaultOfferDuration     = 2 * time.Hour
	DefaultMaxOpenPerEmail   = 3
	DefaultMaxOpenPerAddress = 5
)

// ErrTooManyOpen is returned when an email or a network address already has
// as many unpaid holds and waitlist places as it may.
var ErrTooManyOpen = fault.New(fault.RateLimited,
	"too many bookings awaiting payment or waitlist places at once; pay for or release one, or try again later")

// ErrSeatsAvailable is returned by JoinWaitlist when the seats asked for
// fit and nobody is waiting: book them instead.
var ErrSeatsAvailable = fault.New(fault.SeatsAvailable, "these seats are available: book them instead of joining the waitlist")

// checkOpenCaps refuses a new hold or waitlist place (ErrTooManyOpen) when
// email already has MaxOpenPerEmail of them live, or the network address
// (when known) MaxOpenPerAddress. Holds count while they hold seats;
// waitlist entries while waiting or offered. On PostgreSQL it first takes
// a transaction lock per email and address, so parallel requests of one
// person are counted one after the other; SQLite's single writer already
// does that.
func (s *Service) checkOpenCaps(ctx context.Context, tx *sqlx.Tx, email, addr string) error {
	if s.cfg.MaxOpenPerAddress < 0 {
		addr = "" // no cap per address
	}
	keys := []string{"open:email:" + email}
	if addr != "" {
		keys = append(keys, "open:addr:"+addr)
	}
	if s.db.Dialect == sqldb.Postgres {
		slices.Sort(keys) // one order, so two transactions cannot deadlock
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, k); err != nil {
				return fmt.Errorf("lock open holds of %s: %w", k, err)
			}
		}
	}
	now := s.now().UTC()
	count := func(column, value string) (int, error) {
		var n int
		err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT
			(SELECT COUNT(*) FROM bookings WHERE `+column+` = ? AND status = 'pending_payment' AND hold_expires_at > ?) +
			(SELECT COUNT(*) FROM waitlist WHERE `+column+` = ? AND status IN ('waiting', 'offered'))`), value, now, value)
		if err != nil {
			return 0, fmt.Errorf("count open holds by %s: %w", column, err)
		}
		return n, nil
	}
	n, err := count("email", email)
	if err != nil {
		return err
	}
	if n >= s.cfg.MaxOpenPerEmail {
		return ErrTooManyOpen
	}
	if addr == "" {
		return nil
	}
	if n, err = count("client_addr", addr); err != nil {
		return err
	}
	if n >= s.cfg.MaxOpenPerAddress {
		return ErrTooManyOpen
	}
	return nil
}
