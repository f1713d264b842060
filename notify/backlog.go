package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Backlog is the outbox's unsent mail at one moment.
type Backlog struct {
	Unsent       int64         // emails pending or being sent
	Failed       int64         // emails given up on after every retry
	OldestUnsent time.Duration // age of the oldest unsent email; 0 when none
}

// Backlog counts unsent and failed emails and the age of the oldest unsent
// one, by the outbox's clock. It returns the database's error, wrapped.
func (o *Outbox) Backlog(ctx context.Context) (Backlog, error) {
	var b Backlog
	err := o.db.GetContext(ctx, &b.Unsent, `SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')`)
	if err != nil {
		return b, fmt.Errorf("count unsent email: %w", err)
	}
	if err := o.db.GetContext(ctx, &b.Failed, `SELECT COUNT(*) FROM outbox WHERE status = 'failed'`); err != nil {
		return b, fmt.Errorf("count failed email: %w", err)
	}
	// ORDER BY ... LIMIT 1 rather than MIN(): SQLite forgets a column's
	// TIMESTAMP type in an aggregate and would return text.
	var oldest time.Time
	err = o.db.GetContext(ctx, &oldest, `SELECT created_at FROM outbox WHERE status IN ('pending', 'sending') ORDER BY created_at LIMIT 1`)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return b, fmt.Errorf("oldest unsent email: %w", err)
	default:
		b.OldestUnsent = max(o.now().Sub(oldest), 0)
	}
	return b, nil
}
