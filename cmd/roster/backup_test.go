package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/sqldb"
)

// openSQLiteApp opens the services on a new SQLite file. Backups are
// SQLite's, so these tests use a file even in the PostgreSQL pass.
func openSQLiteApp(t *testing.T) (*app, map[string]string) {
	t.Helper()
	env := map[string]string{"DATABASE_URL": filepath.Join(t.TempDir(), "live.db")}
	m, _, _ := newMain(env)
	cfg := defaultConfig(t)
	cfg.DatabaseURL = env["DATABASE_URL"]
	a, err := m.open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, env
}

// run runs one roster command with env, returning stdout and the error.
func run(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	m, stdout, stderr := newMain(env)
	err := m.Run(context.Background(), args)
	if err != nil {
		t.Logf("roster %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return stdout.String(), err
}

func TestBackupDuringABookingBurstRestoresClean(t *testing.T) {
	ctx := context.Background()
	a, env := openSQLiteApp(t)
	coach, err := a.coaches.Add(ctx, "james@example.com", "James Downer", "")
	if err != nil {
		t.Fatal(err)
	}
	start := testNow.Add(30 * 24 * time.Hour)
	workshop, err := a.events.CreateEvent(ctx, coach.ID, events.EventInput{
		Title: "Burst", Timezone: "Europe/London", Currency: "GBP", Status: events.Published,
		Sessions: []events.SessionInput{{StartsAt: start, EndsAt: start.Add(time.Hour), Capacity: 150}},
	})
	if err != nil {
		t.Fatal(err)
	}

	// Bookers run until the backup is done; the backup starts once some
	// bookings have committed, so it copies a database being written to.
	var booked atomic.Int64
	someBooked := make(chan struct{})
	var once sync.Once
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for worker := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, err := a.booking.Reserve(ctx, booking.Request{SessionID: workshop.Sessions[0].ID,
					Name: "Burst", Email: fmt.Sprintf("b%d-%d@example.com", worker, i), Seats: 1})
				if errors.Is(err, booking.ErrSoldOut) {
					return
				}
				if err != nil {
					t.Errorf("reserve: %v", err)
					return
				}
				if booked.Add(1) >= 10 {
					once.Do(func() { close(someBooked) })
				}
			}
		}()
	}
	select {
	case <-someBooked:
	case <-time.After(30 * time.Second):
		t.Fatal("no bookings within 30s")
	}
	backupFile := filepath.Join(t.TempDir(), "backup.db")
	_, backupErr := run(t, env, "backup", backupFile)
	close(stop)
	wg.Wait()
	if backupErr != nil {
		t.Fatal(backupErr)
	}

	restored := map[string]string{"DATABASE_URL": filepath.Join(t.TempDir(), "restored.db")}
	if out, err := run(t, restored, "restore", backupFile); err != nil || !strings.Contains(out, "restored") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if out, err := run(t, restored, "check"); err != nil || !strings.Contains(out, "ok: all invariants hold") {
		t.Errorf("check on the restored database: %v\n%s", err, out)
	}
	var inBackup int64
	db, err := sqldb.Open(ctx, restored["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.GetContext(ctx, &inBackup, `SELECT COUNT(*) FROM bookings WHERE status = 'confirmed'`); err != nil {
		t.Fatal(err)
	}
	if inBackup < 10 || inBackup > booked.Load() {
		t.Errorf("backup holds %d confirmed bookings; %d were booked, at least 10 before it began", inBackup, booked.Load())
	}
}

func TestBackupRefusals(t *testing.T) {
	t.Run("an existing file is never overwritten", func(t *testing.T) {
		_, env := openSQLiteApp(t)
		dest := filepath.Join(t.TempDir(), "exists.db")
		if err := os.WriteFile(dest, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := run(t, env, "backup", dest)
		if !errors.Is(err, fs.ErrExist) {
			t.Errorf("backup over an existing file: %v, want fs.ErrExist", err)
		}
		if got, _ := os.ReadFile(dest); string(got) != "keep me" {
			t.Errorf("the existing file now holds %q", got)
		}
	})
	t.Run("PostgreSQL is told to use pg_dump", func(t *testing.T) {
		m, _, stderr := newMain(map[string]string{"DATABASE_URL": "postgres://roster@127.0.0.1:1/roster"})
		err := m.Run(context.Background(), []string{"backup", filepath.Join(t.TempDir(), "x")})
		if !errors.Is(err, sqldb.ErrBackupPostgres) || !strings.Contains(stderr.String(), "pg_dump") {
			t.Errorf("backup on PostgreSQL: %v, stderr %q", err, stderr)
		}
	})
}

func TestRestoreRefusals(t *testing.T) {
	ctx := context.Background()
	a, env := openSQLiteApp(t)
	goodBackup := filepath.Join(t.TempDir(), "good.db")
	if err := a.db.Backup(ctx, goodBackup); err != nil {
		t.Fatal(err)
	}
	a.Close()

	// sqliteFile writes a SQLite database made by setup.
	sqliteFile := func(t *testing.T, setup string) string {
		path := filepath.Join(t.TempDir(), "other.db")
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(setup); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name    string
		file    func(t *testing.T) string
		holdBy  bool // a server holds the target's lock
		wantErr string
	}{
		{"while a server runs", func(*testing.T) string { return goodBackup }, true, "stop roster serve"},
		{"a file that is not SQLite", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "junk.db")
			if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}, false, "not a readable SQLite database"},
		{"a SQLite file that is not Roster's", func(t *testing.T) string {
			return sqliteFile(t, `CREATE TABLE notes (body TEXT)`)
		}, false, "no migration table"},
		{"a backup from a newer roster", func(t *testing.T) string {
			return sqliteFile(t, `CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY, version_id INTEGER, is_applied INTEGER, tstamp TEXT);
				INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (99999, 1)`)
		}, false, "newer than this binary's"},
		{"a missing file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope.db") }, false, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.holdBy {
				release, err := lockForServe(env["DATABASE_URL"])
				if err != nil {
					t.Fatal(err)
				}
				defer release()
			}
			before, err := os.ReadFile(env["DATABASE_URL"])
			if err != nil {
				t.Fatal(err)
			}
			_, err = run(t, env, "restore", tt.file(t))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("restore: %v, want an error saying %q", err, tt.wantErr)
			}
			if after, _ := os.ReadFile(env["DATABASE_URL"]); string(after) != string(before) {
				t.Error("the live database changed")
			}
		})
	}
	t.Run("a good backup replaces the database and keeps the old one", func(t *testing.T) {
		if _, err := run(t, env, "restore", goodBackup); err != nil {
			t.Fatal(err)
		}
		kept, _ := filepath.Glob(env["DATABASE_URL"] + ".replaced-*")
		if len(kept) != 1 {
			t.Errorf("kept %v, want the replaced database", kept)
		}
		if _, err := sqldb.VerifySQLiteFile(ctx, env["DATABASE_URL"]); err != nil {
			t.Error(err)
		}
	})
}
