package booking

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// Group commit: concurrent bookings of one date in one process share a
// transaction, so a flash sale pays for one COMMIT (one WAL flush, one
// hand-off of the date's row lock) per batch instead of per booking.
//
// In a batch that runs locked (see sessionBatch), each request is applied
// in turn inside a SAVEPOINT of the batch's transaction, so a request that
// fails (sold out, already booked, a bad answer, a lost race for a unique
// value) rolls back only its own work and gets its own error; the others
// go on. A batch that runs unlocked needs no savepoints: its requests
// write nothing until the batch's end (they are deferred) but a replay's
// new manage token, and a refusal comes before any write; a request that
// fails otherwise has the batch run again, locked. The batch then commits
// once, and only then is any request answered: a booking reported as made
// is durable, and a refusal is never based on work that did not commit.
//
// Nothing outlives the requests: the first request of a date to find no
// batch under way leads (its goroutine runs the batch); when its batch is
// done, the next waiting request, if any, leads the next one. So there is
// no goroutine for shutdown to know about, and a date nobody books costs
// nothing. The batch lives in one process; with several replicas the
// database still arbitrates between their batches as it does between
// single bookings (the guarded seat update, the unique keys).

// GroupCommitConfig tunes how Reserve batches concurrent bookings of one
// date into one transaction.
type GroupCommitConfig struct {
	// Off runs every booking in a transaction of its own.
	Off bool
	// Window is how long the leader of a batch waits for more requests
	// before it starts; 0 (the default) starts at once, and the batch is
	// whatever arrived while the previous batch of the date ran.
	Window time.Duration
	// MaxBatch bounds the requests in one transaction; default 32, which
	// keeps a batch's subtransactions (one per request that wrote) within
	// what PostgreSQL tracks without spilling to pg_subtrans.
	MaxBatch int
}

// batchTimeout bounds one batch's transaction: a batch that takes longer
// rolls back, and every request in it gets the error.
const batchTimeout = 30 * time.Second

// GroupCommitStats counts, since the service started in this process, the
// transactions group commit ran and the booking requests they carried
// (their ratio is the mean batch), and the batches that ran unlocked and
// were run again locked (see sessionBatch). All are 0 when group commit
// is off.
type GroupCommitStats struct {
	Transactions, Requests, Relocked int64
}

func (g *groupCommitter) stats() GroupCommitStats {
	if g == nil {
		return GroupCommitStats{}
	}
	return GroupCommitStats{Transactions: g.batches.Load(), Requests: g.requests.Load(), Relocked: g.relocked.Load()}
}

// reserveFunc is one booking's work in a transaction whose date d is
// shared with the other bookings of the transaction.
type reserveFunc func(ctx context.Context, tx *sqlx.Tx, d *sessionBatch) error

// reserveTx runs one booking's work: in a batch of the date's concurrent
// bookings, or in a transaction of its own when group commit is off.
// Either way the transaction opens the date first (openSessionBatch) and adds the
// seats its bookings took last (sessionBatch.flush).
//
// unlockable says whether the booking could be deferred as far as its
// request tells (see mayDefer); a batch with one that cannot runs locked
// from the start.
func (s *Service) reserveTx(ctx context.Context, sessionID int64, unlockable bool, apply reserveFunc) error {
	if s.batches == nil {
		return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
			d, err := s.openSessionBatch(ctx, tx, sessionID, true)
			if err != nil {
				return err
			}
			if err := apply(ctx, tx, d); err != nil {
				return err
			}
			return s.closeSessionBatch(ctx, tx, d)
		})
	}
	return s.batches.inTxAs(ctx, sessionID, unlockable, apply)
}

// groupCommitter gathers the requests of each date into batches.
type groupCommitter struct {
	db       *sqldb.DB
	cfg      GroupCommitConfig
	sessions batchSessions // the Service: what a batch shares

	mu     sync.Mutex
	queues map[int64][]*commitJob // per date: requests waiting; present while a batch leads
	locked map[int64]bool         // dates whose batches run locked until their queue ends

	batches, requests atomic.Int64 // transactions run, and the requests they carried
	relocked          atomic.Int64 // batches run again locked
}

// commitJob is one request's work and, once its batch is done, its answer.
type commitJob struct {
	ctx        context.Context
	apply      reserveFunc
	unlockable bool // the request may be deferred: see reserveTx
	err        error
	lead       chan struct{} // signalled when this request is to lead the next batch
	done       chan struct{} // closed once err is final
}

// batchSessions opens a batch's session before its jobs and closes it after them,
// in the batch's transaction (Service.openSessionBatch and Service.closeSessionBatch),
// and tells which dates' batches had better run locked from the start
// (Service.prefersLock).
type batchSessions interface {
	openSessionBatch(ctx context.Context, tx *sqlx.Tx, sessionID int64, locked bool) (*sessionBatch, error)
	closeSessionBatch(ctx context.Context, tx *sqlx.Tx, d *sessionBatch) error
	prefersLock(sessionID int64) bool
}

func newGroupCommitter(db *sqldb.DB, cfg GroupCommitConfig, ds batchSessions) *groupCommitter {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 32
	}
	return &groupCommitter{db: db, cfg: cfg, sessions: ds, queues: map[int64][]*commitJob{}, locked: map[int64]bool{}}
}

// inTx runs apply in a transaction shared with the other requests of
// sessionID that arrive meanwhile, inside a savepoint of its own, and
// returns apply's error, or the batch's if the batch failed to commit.
// apply's statements must use the context it is given: it carries the
// request's values but not its cancellation, since cancelling a statement
// would end the connection, and the batch with it. Like sqldb.InTx, it
// runs apply again (up to three times in all) when the database aborted
// it to break a deadlock.
func (g *groupCommitter) inTx(ctx context.Context, sessionID int64, apply reserveFunc) error {
	return g.inTxAs(ctx, sessionID, true, apply)
}

// inTxAs is inTx for a request that may (unlockable) or may not be
// written by a batch that runs unlocked.
func (g *groupCommitter) inTxAs(ctx context.Context, sessionID int64, unlockable bool, apply reserveFunc) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = g.submit(ctx, sessionID, unlockable, apply); !sqldb.IsRetryable(err) {
			return err
		}
	}
	return err
}

func (g *groupCommitter) submit(ctx context.Context, sessionID int64, unlockable bool, apply reserveFunc) error {
	job := &commitJob{ctx: ctx, apply: apply, unlockable: unlockable, lead: make(chan struct{}, 1), done: make(chan struct{})}
	g.mu.Lock()
	queue, running := g.queues[sessionID]
	g.queues[sessionID] = append(queue, job)
	g.mu.Unlock()
	if !running {
		g.lead(sessionID)
	}
	select {
	case <-job.done:
	case <-job.lead:
		g.lead(sessionID)
		<-job.done
	}
	return job.err
}

// lead runs one batch of sessionID's queue (the leader's own request is
// first in it), hands the lead to the next request waiting, or ends the
// date's queue if there is none, and then answers the batch.
func (g *groupCommitter) lead(sessionID int64) {
	if g.cfg.Window > 0 {
		// Not synchronisation: the batch is worth a little latency.
		time.Sleep(g.cfg.Window)
	}
	g.mu.Lock()
	queue := g.queues[sessionID]
	n := min(len(queue), g.cfg.MaxBatch)
	batch := queue[:n:n]
	g.queues[sessionID] = queue[n:]
	g.mu.Unlock()

	defer func() {
		// Whatever happened, the others are answered and the lead moves
		// on: a panic here (not in a request's own work, which
		// applySafely contains) fails the batch, then goes on up.
		p := recover()
		if p != nil {
			for _, job := range batch {
				if job.err == nil {
					job.err = fmt.Errorf("booking batch failed: %v", p)
				}
			}
		}
		g.handOff(sessionID, batch)
		if p != nil {
			panic(p)
		}
	}()
	g.commit(sessionID, batch)
	g.batches.Add(1)
	g.requests.Add(int64(len(batch)))
}

// handOff gives the lead to the next request of the date waiting (or
// forgets the date if none is), then answers batch. The lead moves first,
// so the next batch starts at once and a date with nobody waiting is
// forgotten by the time anyone hears.
func (g *groupCommitter) handOff(sessionID int64, batch []*commitJob) {
	g.mu.Lock()
	if rest := g.queues[sessionID]; len(rest) > 0 {
		rest[0].lead <- struct{}{}
	} else {
		delete(g.queues, sessionID)
		delete(g.locked, sessionID)
	}
	g.mu.Unlock()
	for _, job := range batch {
		close(job.done)
	}
}

// commit applies batch in one transaction, adds the seats the jobs took,
// and commits, leaving each job's answer in its err. It runs the batch unlocked first (see sessionBatch)
// and, if that attempt ends in errRunLocked, rolls it back and runs the
// batch again, locked; once a job of the date needed the lock, the
// date's batches run locked until nobody waits for it. A batch runs
// locked from the start when a job's request cannot be deferred, or when
// the date's event is known to sell holds or ticket types (prefersLock):
// an unlocked attempt would only be rolled back.
func (g *groupCommitter) commit(sessionID int64, batch []*commitJob) {
	g.mu.Lock()
	locked := g.locked[sessionID]
	g.mu.Unlock()
	for _, job := range batch {
		locked = locked || !job.unlockable
	}
	if !locked && !g.sessions.prefersLock(sessionID) {
		err := g.run(sessionID, batch, false)
		if !errors.Is(err, errRunLocked) {
			return
		}
		for _, job := range batch {
			job.err = nil
		}
		g.relocked.Add(1)
	}
	_ = g.run(sessionID, batch, true) // a locked batch never asks to be run locked
}

// run is one attempt of commit: it opens sessionID's date (locked or
// not) before any savepoint, so a row lock is the transaction's and
// outlives a job that rolls back, applies batch, closes the date and
// commits. It returns errRunLocked, with nothing committed, when an
// unlocked attempt is to be run again locked; every other outcome is in
// the jobs' errs.
func (g *groupCommitter) run(sessionID int64, batch []*commitJob, locked bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	fail := func(err error) error {
		for _, job := range batch {
			if job.err == nil {
				job.err = err
			}
		}
		return nil
	}
	tx, err := g.db.Writer().BeginTxx(ctx, nil)
	if err != nil {
		return fail(fmt.Errorf("begin transaction: %w", err))
	}
	defer tx.Rollback()
	d, err := g.sessions.openSessionBatch(ctx, tx, sessionID, locked)
	if err != nil {
		return fail(err)
	}
	sp := savepoints{tx: tx}
	for _, job := range batch {
		if err := job.ctx.Err(); err != nil {
			job.err = err // the caller gave up before its turn: nothing done
			continue
		}
		if locked {
			if err := sp.open(ctx); err != nil {
				return fail(err) // the transaction is in an unknown state: nothing commits
			}
		}
		job.err = applySafely(context.WithoutCancel(job.ctx), tx, d, job.apply)
		if !locked && job.err != nil && fault.CodeOf(job.err) == "" {
			// Not a refusal: the database's error, which may have
			// aborted the transaction, with no savepoint to go back to.
			job.err = errRunLocked
		}
		if errors.Is(job.err, errRunLocked) {
			g.mu.Lock()
			g.locked[sessionID] = true
			g.mu.Unlock()
			return errRunLocked
		}
		if job.err != nil && locked {
			if err := sp.rollBack(ctx); err != nil {
				return fail(err)
			}
		}
	}
	if err := g.sessions.closeSessionBatch(ctx, tx, d); err != nil {
		if !locked {
			return errRunLocked // the locked attempt writes one by one if it must
		}
		return fail(err)
	}
	if err := tx.Commit(); err != nil {
		return fail(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// savepoints gives each job of a batch a savepoint of its own, in one
// round trip per job: a job's savepoint is released (its work kept) in
// the statement that opens the next one's, and a job that failed leaves
// the savepoint rolled back to and open, ready for the next job as it is.
// Only one level is ever open, so PostgreSQL's cache of a transaction's
// subtransactions (64) is not outgrown by nesting.
type savepoints struct {
	tx     *sqlx.Tx
	isOpen bool // a savepoint named reserve exists
	dirty  bool // and work was done since it was set
}

func (s *savepoints) open(ctx context.Context) error {
	var stmt string
	switch {
	case !s.isOpen:
		stmt = `SAVEPOINT reserve`
	case s.dirty:
		stmt = `RELEASE SAVEPOINT reserve; SAVEPOINT reserve`
	default:
		s.dirty = true
		return nil
	}
	if _, err := s.tx.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	s.isOpen, s.dirty = true, true
	return nil
}

func (s *savepoints) rollBack(ctx context.Context) error {
	if _, err := s.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT reserve`); err != nil {
		return fmt.Errorf("roll back to savepoint: %w", err)
	}
	s.dirty = false
	return nil
}

// applySafely runs apply, turning a panic into the request's error: the
// leader is a request's goroutine, and another request's bug must not take
// the others' answers with it.
func applySafely(ctx context.Context, tx *sqlx.Tx, d *sessionBatch, apply reserveFunc) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("booking panicked: %v", p)
		}
	}()
	return apply(ctx, tx, d)
}
