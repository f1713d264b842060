package sqldb

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"text/tabwriter"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/roster-app/roster/migrations"
)

// Migrate applies every pending migration. On PostgreSQL it holds goose's
// session advisory lock, so several servers starting at once on one database
// apply each migration exactly once. The lock is the schema's (see
// migrationLockID), and is tried every second.
func (db *DB) Migrate(ctx context.Context) error {
	provider, err := db.migrations(ctx)
	if err != nil {
		return err
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// MigrationStatus writes one line per migration: version, state, when applied.
func (db *DB) MigrationStatus(ctx context.Context, w io.Writer) error {
	provider, err := db.migrations(ctx)
	if err != nil {
		return err
	}
	statuses, err := provider.Status(ctx)
	if err != nil {
		return fmt.Errorf("migration status: %w", err)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tFILE\tSTATE\tAPPLIED AT")
	for _, s := range statuses {
		applied := "-"
		if !s.AppliedAt.IsZero() {
			applied = s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.Source.Version, s.Source.Path, s.State, applied)
	}
	return tw.Flush()
}

func (db *DB) migrations(ctx context.Context) (*goose.Provider, error) {
	dir, dialect := "sqlite", goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.Dialect == Postgres {
		dir, dialect = "postgres", goose.DialectPostgres
		id, err := db.migrationLockID(ctx)
		if err != nil {
			return nil, err
		}
		// Tried every second (goose's default is every 5 s) for 5 minutes.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	files, err := fs.Sub(migrations.FS, dir)
	if err != nil {
		return nil, fmt.Errorf("migrations %s: %w", dir, err)
	}
	provider, err := goose.NewProvider(dialect, db.writer.DB, files, opts...)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return provider, nil
}

// migrationLockID is the advisory lock that orders migrations of the
// schema the connection migrates (its current_schema): servers of one
// database and schema share it, so each migration is applied once, while
// two schemas of one database (the tests' PostgreSQL pass gives each test
// one) migrate at once instead of waiting on goose's one lock per
// database. It is the first 8 bytes of the SHA-256 of "roster migrate "
// and the schema's name.
func (db *DB) migrationLockID(ctx context.Context) (int64, error) {
	var schema string
	if err := db.writer.GetContext(ctx, &schema, `SELECT current_schema()`); err != nil {
		return 0, fmt.Errorf("schema to migrate: %w", err)
	}
	sum := sha256.Sum256([]byte("roster migrate " + schema))
	return int64(binary.BigEndian.Uint64(sum[:8])), nil
}
