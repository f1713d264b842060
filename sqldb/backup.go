package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/pressly/goose/v3"

	"github.com/roster-app/roster/migrations"
)

// ErrBackupPostgres is returned by Backup on PostgreSQL, whose own tools
// (pg_dump, or the provider's snapshots) make consistent copies.
var ErrBackupPostgres = errors.New("roster backup copies SQLite databases only: back up PostgreSQL with pg_dump (pg_dump -Fc -f roster.dump \"$DATABASE_URL\") or your provider's snapshots")

// Backup writes a consistent copy of a SQLite database to dest with VACUUM
// INTO: a snapshot of one read transaction, taken while the server keeps
// writing. It refuses (with an error wrapping fs.ErrExist) to overwrite a
// file that exists, and returns ErrBackupPostgres on PostgreSQL.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if db.Dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("backup to %s: %w: choose a new file name", dest, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	// VACUUM INTO itself also refuses a file that appeared meanwhile.
	if _, err := db.DB.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}

// ErrInUse is returned by LockSQLite when another process holds the lock
// in a way that conflicts: a restore while a server runs, or the reverse.
var ErrInUse = errors.New("the database is in use by another roster process")

// SQLitePath returns the file a SQLite DATABASE_URL names: a path, or a
// file: URL with its query removed.
func SQLitePath(url string) string {
	path := strings.TrimPrefix(url, "file:")
	path, _, _ = strings.Cut(path, "?")
	return path
}

// BackupInfo describes a SQLite file that VerifySQLiteFile accepted.
type BackupInfo struct {
	SchemaVersion int64 // the newest migration applied to the file
	BinaryVersion int64 // the newest migration this binary carries
}

// VerifySQLiteFile opens the SQLite file at path read-only and checks that
// it is a whole, uncorrupted Roster database this binary can run: PRAGMA
// integrity_check passes, goose's version table is present, and no
// migration newer than this binary's has been applied. It changes nothing.
// The error says which check failed.
func VerifySQLiteFile(ctx context.Context, path string) (BackupInfo, error) {
	var info BackupInfo
	if _, err := os.Stat(path); err != nil {
		return info, fmt.Errorf("%s: %w", path, err)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return info, fmt.Errorf("open %s: %w", path, err)
	}
	defer raw.Close()
	var result string
	if err := raw.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return info, fmt.Errorf("%s is not a readable SQLite database: %w", path, err)
	}
	if result != "ok" {
		return info, fmt.Errorf("%s fails SQLite's integrity check: %s", path, result)
	}
	var applied sql.NullInt64
	err = raw.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&applied)
	if err != nil {
		return info, fmt.Errorf("%s has no migration table (goose_db_version): not a Roster database? %w", path, err)
	}
	info.SchemaVersion = applied.Int64
	if info.BinaryVersion, err = newestMigration(SQLite); err != nil {
		return info, err
	}
	if info.SchemaVersion > info.BinaryVersion {
		return info, fmt.Errorf("%s has migration %d applied, newer than this binary's %d: restore it with a newer roster", path, info.SchemaVersion, info.BinaryVersion)
	}
	return info, nil
}

// newestMigration returns the highest migration version embedded for d.
func newestMigration(d Dialect) (int64, error) {
	dir := "sqlite"
	if d == Postgres {
		dir = "postgres"
	}
	names, err := fs.Glob(migrations.FS, dir+"/*.sql")
	if err != nil {
		return 0, err
	}
	var newest int64
	for _, name := range names {
		v, err := goose.NumericComponent(strings.TrimPrefix(name, dir+"/"))
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", name, err)
		}
		newest = max(newest, v)
	}
	return newest, nil
}

// CloseForCopy switches a SQLite database out of WAL mode, folding the
// write-ahead log into the main file, and closes it, so that the one file
// is the whole database and can be moved. It is for files no server has
// open (a restore's staging copy); the next Open switches WAL back on.
func (db *DB) CloseForCopy(ctx context.Context) error {
	if db.Dialect != SQLite {
		return db.Close()
	}
	// Leaving WAL mode needs the only connection: close the readers first.
	err := db.DB.Close()
	_, walErr := db.writer.ExecContext(ctx, `PRAGMA journal_mode=DELETE`)
	return errors.Join(err, walErr, db.writer.Close())
}
