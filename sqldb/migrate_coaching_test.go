package sqldb_test

import (
	"context"
	"io/fs"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/roster-app/roster/migrations"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// TestCoachingMigrationKeepsBookings applies 00020 (which rebuilds
// bookings on SQLite) to a database holding a booking, and checks that the
// booking, its manage token and its history survive with every foreign key
// intact: on SQLite a DROP TABLE with foreign keys on would have deleted
// them.
func TestCoachingMigrationKeepsBookings(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, sqldbtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir, dialect := "sqlite", goose.DialectSQLite3
	if db.Dialect == sqldb.Postgres {
		dir, dialect = "postgres", goose.DialectPostgres
	}
	files, _ := fs.Sub(migrations.FS, dir)
	provider, err := goose.NewProvider(dialect, db.Writer().DB, files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC) // before CURRENT_TIMESTAMP, which ends the date
	w := db.Writer()
	for _, stmt := range []string{
		`INSERT INTO coaches (id, email, name, created_at) VALUES (1, 'c@example.com', 'C', ?)`,
		`INSERT INTO events (id, slug, title, summary, description, timezone, location, online_url, price_cents, currency, status,
			reminder_offsets_minutes, registration_cutoff_minutes, created_at, updated_at)
			VALUES (1, 'e', 'E', '', '', 'UTC', '', '', 0, 'GBP', 'published', '', 0, ?, ?)`,
		`INSERT INTO sessions (id, event_id, starts_at, ends_at, capacity, seats_taken, status, created_at, updated_at)
			VALUES (1, 1, ?, CURRENT_TIMESTAMP, 5, 1, 'scheduled', ?, ?)`,
		`INSERT INTO bookings (id, ref, session_id, event_id, name, email, seats, status, live_key, amount_cents, currency, created_at, updated_at, checked_in_at)
			VALUES (1, 'E-AAAAAA', 1, 1, 'A', 'a@example.com', 1, 'confirmed', '1:a@example.com', 0, 'GBP', ?, ?, ?)`,
		`INSERT INTO booking_tokens (booking_id, token_hash, created_at) VALUES (1, 'h', ?)`,
		`INSERT INTO booking_history (booking_id, session_id, from_status, to_status, reason, at) VALUES (1, 1, '', 'confirmed', 'booked', ?)`,
	} {
		args := make([]any, 0, 4)
		for range countPlaceholders(stmt) {
			args = append(args, now)
		}
		if _, err := w.Exec(w.Rebind(stmt), args...); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"bookings": 1, "booking_tokens": 1, "booking_history": 1} {
		var n int
		if err := db.Get(&n, `SELECT COUNT(*) FROM `+table); err != nil || n != want {
			t.Errorf("%s: %d rows (%v), want %d", table, n, err, want)
		}
	}
	var checkedIn *time.Time
	if err := db.Get(&checkedIn, `SELECT checked_in_at FROM bookings WHERE id = 1`); err != nil || checkedIn == nil {
		t.Errorf("checked_in_at lost: %v", err)
	}
	if db.Dialect == sqldb.SQLite {
		var broken []string
		if err := db.Select(&broken, `SELECT "table" FROM pragma_foreign_key_check`); err != nil || len(broken) > 0 {
			t.Errorf("foreign key check: %v %v", broken, err)
		}
		var on int
		if err := db.Writer().Get(&on, `PRAGMA foreign_keys`); err != nil || on != 1 {
			t.Errorf("foreign keys left %d after the migration (%v)", on, err)
		}
	}
}

func countPlaceholders(s string) int {
	n := 0
	for _, r := range s {
		if r == '?' {
			n++
		}
	}
	return n
}
