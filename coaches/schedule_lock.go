package coaches

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
)

// LockSchedules takes, in ext's PostgreSQL transaction, the row lock of each
// coach in coachIDs, in id order so that two transactions locking the same
// coaches cannot deadlock. booking takes it before deciding whether a coach
// is free (booking, rescheduling or re-taking an appointment, creating or
// moving a workshop session the coach hosts), so those decisions are made
// one after the other per coach. FOR NO KEY UPDATE does not block rows that
// merely reference the coach (logins, tokens). Call it on PostgreSQL only:
// SQLite's single writer already serialises every write transaction, and
// has no row locks. It returns an error if a coach does not exist.
func LockSchedules(ctx context.Context, ext sqlx.ExtContext, coachIDs []int64) error {
	ids := slices.Clone(coachIDs)
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		var got int64
		if err := sqlx.GetContext(ctx, ext, &got, `SELECT id FROM coaches WHERE id = $1 FOR NO KEY UPDATE`, id); err != nil {
			return fmt.Errorf("lock coach %d: %w", id, err)
		}
	}
	return nil
}
