package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/sqldb"
)

// app is the database and the services wired together.
type app struct {
	cfg    Config
	db     *sqldb.DB
	events *events.Service
	log    *slog.Logger
	now    func() time.Time
}

// flags returns a flag set with the configuration flags registered.
func (m *Main) flags(name string, cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("roster "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	registerConfig(fs, cfg, m.Getenv)
	return fs
}

// open connects to the database, applies migrations and builds the services.
func (m *Main) open(ctx context.Context, cfg Config) (*app, error) {
	db, err := sqldb.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return &app{
		cfg: cfg, db: db, log: m.logger(), now: m.Now,
		events: events.NewService(db, m.Now),
	}, nil
}

func (a *app) Close() error {
	if err := a.db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}
