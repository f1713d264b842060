package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/sqldb"
)

// ceilingConfig is what the ceiling scenario runs.
type ceilingConfig struct {
	DatabaseURL string `json:"-"` // may hold a password; the command line shows it redacted
	Clients     int    `json:"clients"`
	Duration    span   `json:"duration"`
}

func (c *ceilingConfig) validate() error {
	var errs []error
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("--database-url (or $DATABASE_URL) is required"))
	} else if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(append(errs,
		inRange("--clients", c.Clients, 1, maxClients),
		checkTimeout("--duration", time.Duration(c.Duration)))...)
}

// ceilingResult is what a ceiling run measured.
type ceilingResult struct {
	Database        string  `json:"database"` // the dialect
	Transactions    int64   `json:"transactions"`
	Failed          int64   `json:"failed"`
	DurationMS      float64 `json:"duration_ms"`
	TransactionsSec float64 `json:"transactions_per_sec"`
	Errors          samples `json:"errors,omitempty"`
}

// The lean booking transaction of bench/pgbench_booking_lean.sql, in
// portable SQL: the booking, a small outbox row, then the guarded seat
// update, one booking per transaction.
const (
	ceilingBooking = `INSERT INTO bookings (ref, session_id, event_id, name, email, seats, status, live_key,
		amount_cents, currency, answers, sequence, created_at, updated_at)
		VALUES (?, ?, ?, 'Ceiling Client', ?, 1, 'confirmed', ?, 0, 'GBP', '{}', 0, ?, ?)`
	ceilingOutbox = `INSERT INTO outbox (dedupe_key, kind, booking_ref, to_addr, to_name, reply_to, subject,
		text_body, html_body, ics, ics_method, message_token, status, attempts, send_after, last_error, created_at)
		VALUES (?, 'confirmation', ?, ?, 'Ceiling Client', '', 'Booked: Ceiling Sale', 'Booked.', '<p>Booked.</p>',
		NULL, '', ?, 'pending', 0, ?, '', ?)`
	ceilingSeats = `UPDATE sessions SET seats_taken = seats_taken + 1 WHERE id = ? AND seats_taken + 1 <= capacity`
)

// runCeiling measures the lean ceiling of a booking on the database at
// cfg.DatabaseURL (migrating it first) from inside one Go process: it
// makes a free date of its own, then cfg.Clients goroutines run the lean
// booking transaction as fast as it commits for cfg.Duration. This is the
// figure roster's bookings are compared with on SQLite, where pgbench
// cannot go. It returns an error when the run could not be made.
func runCeiling(ctx context.Context, cfg ceilingConfig) (ceilingResult, error) {
	if err := cfg.validate(); err != nil {
		return ceilingResult{}, err
	}
	db, err := sqldb.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return ceilingResult{}, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return ceilingResult{}, err
	}
	runID := randomHex(6)
	sessionID, eventID, err := ceilingDate(ctx, db, runID)
	if err != nil {
		return ceilingResult{}, err
	}
	res := ceilingResult{Database: string(db.Dialect)}
	var (
		done   atomic.Int64
		mu     sync.Mutex
		wg     sync.WaitGroup
		errs   samples
		failed atomic.Int64
	)
	deadline := time.Now().Add(time.Duration(cfg.Duration))
	started := time.Now()
	for c := range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				key := fmt.Sprintf("%s-%d-%d", runID, c, i)
				err := db.InTx(ctx, func(tx *sqlx.Tx) error { return leanBooking(ctx, tx, sessionID, eventID, key) })
				if err != nil {
					failed.Add(1)
					mu.Lock()
					errs.add(err.Error())
					mu.Unlock()
					continue
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(started)
	res.Transactions, res.Failed, res.Errors = done.Load(), failed.Load(), errs
	res.DurationMS = millis(elapsed)
	res.TransactionsSec = perSecond(int(res.Transactions), elapsed)
	if res.Failed > 0 && res.Transactions == 0 {
		return res, fmt.Errorf("every transaction failed (%d)", res.Failed)
	}
	return res, nil
}

func leanBooking(ctx context.Context, tx *sqlx.Tx, sessionID, eventID int64, key string) error {
	now := time.Now().UTC()
	ref, email := "CEL-"+key, "cel-"+key+"@example.com"
	if _, err := tx.ExecContext(ctx, tx.Rebind(ceilingBooking), ref, sessionID, eventID, email,
		fmt.Sprintf("%d:%s", sessionID, email), now, now); err != nil {
		return fmt.Errorf("booking: %w", err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(ceilingOutbox), "booking:"+ref+":confirmation", ref, email,
		key, now, now); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	res, err := tx.ExecContext(ctx, tx.Rebind(ceilingSeats), sessionID)
	if err != nil {
		return fmt.Errorf("seats: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errors.New("seats: the date is full")
	}
	return nil
}

// ceilingDate makes a coach, a published free event and a date whose
// capacity the run never reaches, and returns the date's and event's ids.
func ceilingDate(ctx context.Context, db *sqldb.DB, runID string) (sessionID, eventID int64, err error) {
	now := time.Now().UTC()
	err = db.InTx(ctx, func(tx *sqlx.Tx) error {
		var coachID int64
		if err := tx.GetContext(ctx, &coachID, tx.Rebind(`INSERT INTO coaches (email, name, created_at)
			VALUES (?, 'Ceiling Coach', ?) RETURNING id`), "ceiling-"+runID+"@example.com", now); err != nil {
			return fmt.Errorf("coach: %w", err)
		}
		if err := tx.GetContext(ctx, &eventID, tx.Rebind(`INSERT INTO events (slug, title, summary, description,
			timezone, location, online_url, price_cents, currency, status, reminder_offsets_minutes,
			registration_cutoff_minutes, created_at, updated_at)
			VALUES (?, 'Ceiling Sale', '', '', 'UTC', 'Online', '', 0, 'GBP', 'published', '[]', 0, ?, ?) RETURNING id`),
			"ceiling-"+runID, now, now); err != nil {
			return fmt.Errorf("event: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO event_hosts (event_id, coach_id, position) VALUES (?, ?, 0)`),
			eventID, coachID); err != nil {
			return fmt.Errorf("host: %w", err)
		}
		start := now.Add(30 * 24 * time.Hour)
		return tx.GetContext(ctx, &sessionID, tx.Rebind(`INSERT INTO sessions (event_id, starts_at, ends_at, capacity,
			status, created_at, updated_at) VALUES (?, ?, ?, 2000000000, 'scheduled', ?, ?) RETURNING id`),
			eventID, start, start.Add(2*time.Hour), now, now)
	})
	return sessionID, eventID, err
}
