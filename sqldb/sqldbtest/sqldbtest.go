// Package sqldbtest opens real, migrated, empty databases for tests: SQLite
// by default, PostgreSQL when ROSTER_TEST_POSTGRES names a database (each
// test then gets a schema of its own, dropped when the test ends).
package sqldbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/sqldb"
)

// PostgresEnv names the environment variable holding the PostgreSQL URL that
// tests run against.
const PostgresEnv = "ROSTER_TEST_POSTGRES"

// MustOpenDB returns a migrated, empty database that is closed (and, on
// PostgreSQL, dropped) when tb ends.
func MustOpenDB(tb testing.TB) *sqldb.DB {
	tb.Helper()
	db, _ := MustOpenURL(tb)
	return db
}

// MustOpenURL is MustOpenDB that also returns the URL it opened, so a test
// can open a second, independent pool on the same database (as a second
// server process would).
func MustOpenURL(tb testing.TB) (*sqldb.DB, string) {
	tb.Helper()
	dsn := URL(tb)
	db, err := sqldb.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate test database: %v", err)
	}
	return db, dsn
}

// URL returns the URL of a new, empty database (not migrated) that lives as
// long as tb.
func URL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		return filepath.Join(tb.TempDir(), "roster.db")
	}
	return postgresSchemaURL(tb, base)
}

// OnPostgres reports whether tests run against PostgreSQL.
func OnPostgres() bool { return os.Getenv(PostgresEnv) != "" }

// SQLitePassEnv, set to "1", says this run is the SQLite pass of a CI run
// whose PostgreSQL pass runs the PostgreSQL-only tests.
const SQLitePassEnv = "ROSTER_TEST_SQLITE_PASS"

// RequirePostgres skips tb when no PostgreSQL is configured, except under
// CI=true, where a missing PostgreSQL fails the test unless this is the
// SQLite pass (the PostgreSQL pass runs it).
func RequirePostgres(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base != "" {
		return base
	}
	if os.Getenv(SQLitePassEnv) == "1" {
		tb.Skipf("PostgreSQL-only: runs in the PostgreSQL pass of .ci/run")
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is not set: CI must run the PostgreSQL tests", PostgresEnv)
	}
	tb.Skipf("%s not set; run bash .ci/run for the PostgreSQL tests", PostgresEnv)
	return ""
}

func postgresSchemaURL(tb testing.TB, base string) string {
	tb.Helper()
	admin, err := sqlx.Open("postgres", base)
	if err != nil {
		tb.Fatalf("open %s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	schema := "t_" + randomHex(8)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("create test schema: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sqlx.Open("postgres", base)
		if err != nil {
			return
		}
		defer admin.Close()
		// Best effort: a schema left behind is dropped with the database.
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
