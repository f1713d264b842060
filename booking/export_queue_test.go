package booking

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// PauseFirstBatch has the first batch of s (group commit on) wait, once
// its requests are taken from the queue, until release is called:
// requests made meanwhile queue for the next batch in the order they
// were made (see Queued). entered is closed when the first batch waits.
func PauseFirstBatch(s *Service) (entered <-chan struct{}, release func()) {
	in, out := make(chan struct{}), make(chan struct{})
	s.batches.sessions = &pausingSessions{Service: s, entered: in, release: out}
	var once sync.Once
	return in, func() { once.Do(func() { close(out) }) }
}

// Queued is how many requests of sessionID wait for a batch of s.
func Queued(s *Service, sessionID int64) int {
	s.batches.mu.Lock()
	defer s.batches.mu.Unlock()
	return len(s.batches.queues[sessionID])
}

type pausingSessions struct {
	*Service
	entered, release chan struct{}
	once             sync.Once
}

func (p *pausingSessions) openSessionBatch(ctx context.Context, tx *sqlx.Tx, sessionID int64, locked bool) (*sessionBatch, error) {
	p.once.Do(func() {
		close(p.entered)
		<-p.release
	})
	return p.Service.openSessionBatch(ctx, tx, sessionID, locked)
}
