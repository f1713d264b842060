// Package sqldb opens Roster's database (PostgreSQL or the embedded SQLite
// default), applies migrations, and runs transactions. Every difference
// between the two dialects that code outside this package must know about is
// named here.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect is the SQL dialect of an open database.
type Dialect string

// The two dialects Roster runs on.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DB is an open database. Reads go through the embedded pool; writes go
// through InTx, which on SQLite uses a single writer connection so that
// transactions queue instead of failing with SQLITE_BUSY.
type DB struct {
	*sqlx.DB
	Dialect Dialect
	writer  *sqlx.DB
}

// Open connects to the database named by url: a postgres:// or
// postgresql:// URL, or else a SQLite file path or file: URL.
func Open(ctx context.Context, url string) (*DB, error) {
	var (
		db  *DB
		err error
	)
	if IsPostgresURL(url) {
		db, err = openPostgres(url)
	} else {
		db, err = openSQLite(url)
	}
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return db, nil
}

// IsPostgresURL reports whether url names a PostgreSQL database.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

func openPostgres(dsn string) (*DB, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	q := u.Query()
	if q.Get("timezone") == "" {
		q.Set("timezone", "UTC")
	}
	u.RawQuery = q.Encode()
	db, err := sqlx.Open("postgres", u.String())
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{DB: db, Dialect: Postgres, writer: db}, nil
}

// sqliteParams make SQLite behave as Roster needs: WAL so readers never block
// the writer, foreign keys enforced, a busy timeout, BEGIN IMMEDIATE so a
// transaction takes the write lock up front, and times written in UTC in a
// format whose text order is time order (all times are UTC, so the trailing
// "+00:00" is constant and fractional seconds compare correctly).
var sqliteParams = []string{
	"_pragma=journal_mode(WAL)",
	"_pragma=foreign_keys(1)",
	"_pragma=busy_timeout(10000)",
	"_pragma=synchronous(NORMAL)",
	"_txlock=immediate",
	"_time_format=sqlite",
	"_timezone=UTC",
}

func openSQLite(path string) (*DB, error) {
	dsn := path
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	dsn += sep + strings.Join(sqliteParams, "&")

	// sqlx picks its placeholder style from the driver name; "sqlite3" is the
	// name it knows for '?' placeholders.
	open := func() (*sqlx.DB, error) {
		raw, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		return sqlx.NewDb(raw, "sqlite3"), nil
	}
	writer, err := open()
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxIdleTime(0)
	writer.SetConnMaxLifetime(0)
	// Create the file and switch it to WAL before the readers open it.
	if _, err := writer.Exec("SELECT 1"); err != nil {
		writer.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	reader, err := open()
	if err != nil {
		writer.Close()
		return nil, err
	}
	reader.SetMaxOpenConns(8)
	reader.SetMaxIdleConns(8)
	return &DB{DB: reader, Dialect: SQLite, writer: writer}, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.DB.Close()
	if db.writer != db.DB {
		err = errors.Join(err, db.writer.Close())
	}
	return err
}

// Writer returns the pool that writes go through. Tests and migrations use
// it; services use InTx.
func (db *DB) Writer() *sqlx.DB { return db.writer }

// InTx runs fn in a transaction on the writer, committing if fn returns nil
// and rolling back otherwise. A transaction PostgreSQL aborted as a deadlock
// victim is run again (up to three times), so fn must keep its effects
// inside the transaction. fn must not start another transaction: on SQLite
// there is one writer connection and a nested InTx would wait forever.
func (db *DB) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = db.inTxOnce(ctx, fn); !isRetryable(err) {
			return err
		}
	}
	return err
}

func (db *DB) inTxOnce(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.writer.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either dialect.
func IsUniqueViolation(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return pqErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE ||
			liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsExclusionViolation reports whether err is PostgreSQL refusing a row
// that overlaps another under an exclusion constraint (SQLite has none).
func IsExclusionViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23P01"
}

// SkipLocked is the clause that lets several workers claim different rows
// of a queue at once. On SQLite the single writer already serialises
// claimers, so it is empty there.
func (db *DB) SkipLocked() string {
	if db.Dialect == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// ForUpdateOf is ForUpdate for the database ext (a pool or a
// transaction of one) belongs to, for code that holds only a transaction.
func ForUpdateOf(ext sqlx.ExtContext) string {
	if ext.DriverName() == string(Postgres) {
		return " FOR UPDATE"
	}
	return ""
}

// ForUpdate is the clause that locks the rows a SELECT reads until the
// transaction ends. SQLite has none and needs none: its one writer holds the
// database for the whole transaction.
func (db *DB) ForUpdate() string {
	if db.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// ForNoKeyUpdate is ForUpdate for a row that will be updated but whose
// key will not change (PostgreSQL's FOR NO KEY UPDATE, the lock an UPDATE
// of such columns takes): it still excludes every other writer of the
// row, but not the inserts of rows that refer to it, whose foreign-key
// checks take FOR KEY SHARE. "" on SQLite, as ForUpdate.
func (db *DB) ForNoKeyUpdate() string {
	if db.Dialect == Postgres {
		return " FOR NO KEY UPDATE"
	}
	return ""
}

// IsRetryable reports whether a transaction failed only because it lost a
// race the database detected (a deadlock or serialization failure), so
// running it again is safe. InTx retries such failures itself; code that
// runs its own transactions (booking's group commit) asks here.
func IsRetryable(err error) bool { return isRetryable(err) }

func isRetryable(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return pqErr.Code == "40P01" || pqErr.Code == "40001"
	}
	return false
}

// IsUnavailable reports whether err says the database cannot serve at the
// moment (shutting down, starting up, out of connections or resources)
// rather than that the request was wrong: PostgreSQL error classes 08
// (connection), 53 (insufficient resources) and 57 (operator intervention).
func IsUnavailable(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code.Class() {
		case "08", "53", "57":
			return true
		}
	}
	return false
}
