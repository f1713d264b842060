package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/roster-app/roster/sqldb"
)

// backup copies the running SQLite database to a new file (see
// sqldb.DB.Backup); on PostgreSQL it prints pg_dump advice and fails.
func (m *Main) backup(ctx context.Context, args []string) error {
	var cfg Config
	fs := m.flags("backup", &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: roster backup FILE (a file that does not exist yet)")
	}
	dest := fs.Arg(0)
	if sqldb.IsPostgresURL(cfg.DatabaseURL) {
		fmt.Fprintln(m.Stderr, sqldb.ErrBackupPostgres)
		return sqldb.ErrBackupPostgres
	}
	// Open without migrating: a backup must not change what it copies.
	db, err := sqldb.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, dest); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backed up %s to %s\n", sqldb.SQLitePath(cfg.DatabaseURL), dest)
	return nil
}

// restore puts a backup in place of the configured SQLite database, after
// checking it: SQLite's integrity check, a schema no newer than this binary,
// and the invariants of roster check (on a staging copy, migrated to this
// binary's schema). It refuses while a roster server or worker has the
// database open (they hold its lock file), and keeps the database it
// replaces beside it, named *.replaced-<UTC time>.
func (m *Main) restore(ctx context.Context, args []string) error {
	var cfg Config
	fs := m.flags("restore", &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: roster restore FILE (a file made by roster backup)")
	}
	src := fs.Arg(0)
	if sqldb.IsPostgresURL(cfg.DatabaseURL) {
		return errors.New("roster restore replaces SQLite databases only: restore PostgreSQL with pg_restore (pg_restore --clean --if-exists -d \"$DATABASE_URL\" roster.dump)")
	}
	target := sqldb.SQLitePath(cfg.DatabaseURL)
	release, err := sqldb.LockSQLite(target, true)
	if err != nil {
		return fmt.Errorf("restore: %w: stop roster serve and roster worker first", err)
	}
	defer release()

	info, err := sqldb.VerifySQLiteFile(ctx, src)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	staging := target + ".restoring"
	if err := copyNewFile(src, staging); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(staging) // a no-op once it has been renamed into place
	if err := m.checkStaged(ctx, cfg, staging); err != nil {
		return err
	}
	if err := replaceDatabase(target, staging, m.Now().UTC().Format("20060102T150405Z")); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(m.Stdout, "restored %s (schema %d, binary %d) to %s\n", src, info.SchemaVersion, info.BinaryVersion, target)
	return nil
}

// checkStaged migrates the staging copy and runs the invariant checks on it.
func (m *Main) checkStaged(ctx context.Context, cfg Config, staging string) error {
	cfg.DatabaseURL = staging
	a, err := m.open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("restore: open %s: %w", staging, err)
	}
	violations, err := checkInvariants(ctx, a)
	if closeErr := a.db.CloseForCopy(ctx); err == nil && closeErr != nil {
		err = fmt.Errorf("restore: %w", closeErr)
	}
	if err != nil {
		return err
	}
	if len(violations) > 0 {
		for _, v := range violations {
			fmt.Fprintln(m.Stdout, v)
		}
		return fmt.Errorf("restore: the backup violates %d invariant(s); nothing was replaced", len(violations))
	}
	return nil
}

// replaceDatabase moves the current database (with its WAL files) aside
// and the staged file into its place. The rename is atomic on one file
// system, so the target is at every moment either the old or the new one.
func replaceDatabase(target, staged, stamp string) error {
	if _, err := os.Stat(target); err == nil {
		kept := target + ".replaced-" + stamp
		if err := os.Rename(target, kept); err != nil {
			return err
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Rename(target+suffix, kept+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return os.Rename(staged, target)
}

// copyNewFile copies src to dest, which must not exist, and syncs it.
func copyNewFile(src, dest string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return err
	}
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// lockForServe takes the shared lock on a SQLite database that serve and
// worker hold while they run, so roster restore refuses to replace it under
// them. PostgreSQL needs none.
func lockForServe(databaseURL string) (release func(), err error) {
	if sqldb.IsPostgresURL(databaseURL) {
		return func() {}, nil
	}
	return sqldb.LockSQLite(sqldb.SQLitePath(databaseURL), false)
}
