package booking

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// EditWhenUnlocked has the first of s's batches that runs unlocked call
// edit just after it has read its date and what its bookings share, in
// the batch's transaction: the moment an edit by someone else can come
// between a batch's reads and its seats (see sessionBatch).
func EditWhenUnlocked(s *Service, edit func(ctx context.Context, tx *sqlx.Tx) error) {
	s.batches.sessions = &editingSessions{Service: s, edit: edit}
}

type editingSessions struct {
	*Service
	edit func(ctx context.Context, tx *sqlx.Tx) error
	once sync.Once
}

func (e *editingSessions) openSessionBatch(ctx context.Context, tx *sqlx.Tx, sessionID int64, locked bool) (*sessionBatch, error) {
	d, err := e.Service.openSessionBatch(ctx, tx, sessionID, locked)
	if err == nil && !locked {
		e.once.Do(func() { err = e.edit(ctx, tx) })
	}
	return d, err
}
