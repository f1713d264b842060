package booking

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// sessionBatch is what every booking of one transaction of Reserve shares
// (a group-commit batch, or a single booking when group commit is off):
// the date, its event, its questions, whether anyone waits for it, and
// the settings of the coach who sells it, read once at the start of the
// transaction (see openSessionBatch); and the seats the transaction's
// bookings have taken so far, added to the date's count by one guarded
// update just before it commits.
//
// A batch runs in one of two ways. Locked, the date's row is locked
// first (FOR NO KEY UPDATE on PostgreSQL; on SQLite the transaction holds
// the database's only writer from BEGIN IMMEDIATE): nothing it read can
// change until it commits, so the seats left, counted in memory, are
// exact. Unlocked, it reads the same things without a lock, decides and
// writes its bookings, and takes their seats last, in an update guarded by
// the count and by the date's revision, which the database raises on
// every change to what the batch read (migration 00038). If the guard
// holds, nothing the batch read changed before its seats were taken, and
// the row stays locked from there to the commit, so the batch is as if it
// had run locked, in that instant. If it fails (an edit, a waitlist entry,
// or another process's bookings took the seats), the transaction is
// rolled back and the batch run again, locked. A date's row is then
// locked only for the update and the commit, not for the batch's reads
// and writes: what lets two processes booking one date overlap. A batch
// runs unlocked only when all its bookings can be deferred (see
// writeDeferred): one that turns out to need more is run again, locked
// (errRunLocked), and one known to need more runs locked from the start
// (groupCommitter.commit).
type sessionBatch struct {
	sessionID int64
	// locked is set when the date's row was locked by openSessionBatch;
	// otherwise the batch runs unlocked and flush checks sess.Revision.
	locked bool
	// refusal is why the date cannot be booked now (not found, closed,
	// started, cancelled), or nil; every booking of the batch but a
	// replay answers with it.
	refusal error

	sess      events.Session
	event     events.Event
	questions []Question
	waiting   bool // someone is in line for the date: newcomers are sold out
	tax       TaxSettings
	privacy   coaches.Privacy // the settings of the event's first host, who controls its attendees' data

	taken    int            // seats taken by the batch's bookings so far, not yet in sess.SeatsTaken's row
	deferred []*reservation // bookings decided but left for writeDeferred
	settled  int            // deferred[:settled] are known not to repeat a live booking (settleRepeats)

	sessionKey string // sessionKey(event, sess), once asked for
}

// key is sessionKey(d.event, d.sess), worked out once per batch.
func (d *sessionBatch) key() string {
	if d.sessionKey == "" {
		d.sessionKey = sessionKey(d.event, d.sess)
	}
	return d.sessionKey
}

// errRunLocked ends a batch running unlocked, to be run again locked:
// one of its bookings must be written under the date's lock, or flush
// found that what the batch read changed, or that its seats no longer
// fit. It never reaches a caller of Reserve.
var errRunLocked = errors.New("booking batch must run with its date locked")

// openSessionBatch reads what sessionID's bookings share, the date itself
// first. With locked, it locks the date's row before it reads anything:
// every edit of the date or its event that refuses a booking through the
// date (cancelling it or its event, moving it, changing its capacity)
// locks or writes the event's date rows before it changes anything, so it
// either committed before the lock was granted, and the reads below see
// it, or it waits for this transaction, and then sees its bookings.
// Without, it reads the date's revision first and flush checks it (see
// sessionBatch). A date that cannot be booked is not an error: its
// refusal is kept for each booking to answer with. Errors are the
// database's.
func (s *Service) openSessionBatch(ctx context.Context, tx *sqlx.Tx, sessionID int64, locked bool) (*sessionBatch, error) {
	d := &sessionBatch{sessionID: sessionID, locked: locked}
	ext := preparedTx{Tx: tx, stmts: s.stmts}
	lock := ""
	if locked {
		lock = s.db.ForNoKeyUpdate()
	}
	sess, err := events.LockedSession(ctx, ext, sessionID, lock)
	if errors.Is(err, events.ErrNotFound) {
		d.refusal = fault.New(fault.NotFound, "no such date")
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	d.sess = sess
	in, ok := s.reads.get(sess)
	if !ok {
		if in, err = readSessionInputs(ctx, ext, sess); err != nil {
			return nil, err
		}
		s.reads.remember(in)
	}
	d.event, d.questions, d.waiting, d.tax, d.privacy, d.sessionKey = in.event, in.questions, in.waiting, in.tax, in.privacy, in.key
	if err := events.Allows(d.event, sess, events.ActBook, s.now()); err != nil {
		d.refusal = err
	}
	return d, nil
}

// sessionInputs is what a batch of a date reads besides the date's row:
// its event, questions, whether anyone waits, the seller's tax and the
// controller's privacy settings, and the sessionKey of the event and the
// date, all as of the date's revision.
type sessionInputs struct {
	sessionID, revision int64
	event               events.Event
	questions           []Question
	waiting             bool
	tax                 TaxSettings
	privacy             coaches.Privacy
	key                 string
}

// readSessionInputs reads sess's inputs through ext, after sess.
func readSessionInputs(ctx context.Context, ext sqlx.ExtContext, sess events.Session) (sessionInputs, error) {
	in := sessionInputs{sessionID: sess.ID, revision: sess.Revision}
	e, err := events.LoadEvent(ctx, ext, sess.EventID)
	if err != nil {
		return in, fmt.Errorf("event of date %d: %w", sess.ID, err)
	}
	in.event = e
	if in.questions, err = loadQuestions(ctx, ext, e.ID); err != nil {
		return in, err
	}
	if in.waiting, err = someoneWaits(ctx, ext, sess.ID); err != nil {
		return in, err
	}
	if _, in.tax, err = sellerOf(ctx, ext, e); err != nil {
		return in, err
	}
	if in.privacy, err = eventPrivacy(ctx, ext, e); err != nil {
		return in, err
	}
	in.key = sessionKey(e, sess)
	return in, nil
}

// inputsMemo remembers, per date, the inputs its last batch read, for at
// most maxRemembered dates (then it starts afresh). An entry is used only
// by a batch that finds the date at the revision it was read at: since
// the database raises the revision on every change to what the inputs
// hold (migration 00038), they are then what the batch would read. (An
// entry may hold inputs newer than its revision, read after an edit
// committed; the revision it is found at then can no longer be current,
// and the batch's guard or lock refuses it.) A flash sale's batches then
// read only the date's row. An event with ticket types is remembered
// only for prefersLock: their counts sold move with the bookings of every
// date of the event, and raise no revision.
type inputsMemo struct {
	mu    sync.Mutex
	dates map[int64]sessionInputs
}

func (m *inputsMemo) get(sess events.Session) (sessionInputs, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	in, ok := m.dates[sess.ID]
	return in, ok && in.revision == sess.Revision && len(in.event.TicketTypes) == 0
}

// prefersLock reports whether the date's event, as last read, sells
// holds (it is paid) or ticket types: its bookings are not deferred, so
// its batches had better run locked. Only a hint: a date not remembered,
// or an event changed since, costs at most an attempt rolled back.
func (m *inputsMemo) prefersLock(sessionID int64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	in, ok := m.dates[sessionID]
	return ok && (!in.event.Free() || len(in.event.TicketTypes) > 0)
}

func (m *inputsMemo) remember(in sessionInputs) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dates == nil || len(m.dates) >= maxRemembered {
		m.dates = map[int64]sessionInputs{}
	}
	m.dates[in.sessionID] = in
}

// prefersLock reports whether sessionID's batches had better run locked
// from the start (see inputsMemo.prefersLock).
func (s *Service) prefersLock(sessionID int64) bool { return s.reads.prefersLock(sessionID) }

// closeSessionBatch ends d's transaction's work: it writes the deferred bookings
// and adds the seats the batch took to the date's count.
func (s *Service) closeSessionBatch(ctx context.Context, tx *sqlx.Tx, d *sessionBatch) error {
	if err := s.writeDeferred(ctx, tx, d); err != nil {
		return err
	}
	return d.flush(ctx, tx)
}

// seatsLeft is how many seats are free for the batch's next booking.
func (d *sessionBatch) seatsLeft() int { return d.sess.SeatsLeft() - d.taken }

// take counts n seats for a booking of the batch, if they fit. It must be
// the last step of a booking that succeeds: the count lives in memory and
// is not undone by the booking's savepoint.
func (d *sessionBatch) take(n int) bool {
	if n > d.seatsLeft() {
		return false
	}
	d.taken += n
	return true
}

// flush adds the seats the batch's bookings took to the date's count, in
// one guarded update. A locked batch's update cannot fail its guard (the
// row has been locked since openSessionBatch); if it does, the batch fails
// rather than oversell. An unlocked batch's update is also guarded by the
// revision it read, and errRunLocked is returned when the guard fails.
func (d *sessionBatch) flush(ctx context.Context, ext sqlx.ExtContext) error {
	if d == nil || d.taken == 0 {
		return nil
	}
	var (
		ok  bool
		err error
	)
	if d.locked {
		ok, err = takeSeats(ctx, ext, d.sessionID, d.taken)
	} else {
		ok, err = takeSeatsAt(ctx, ext, d.sessionID, d.taken, d.sess.Revision)
	}
	switch {
	case err != nil:
		return err
	case !ok && !d.locked:
		return errRunLocked
	case !ok:
		return fmt.Errorf("take %d seats on session %d: the locked count no longer has room", d.taken, d.sessionID)
	}
	d.taken = 0
	return nil
}

// eventPrivacy returns the privacy settings of the event's first host,
// who controls its attendees' data (as controllerOf finds for a booking
// of the event).
func eventPrivacy(ctx context.Context, ext sqlx.ExtContext, e events.Event) (coaches.Privacy, error) {
	var coachID int64
	if len(e.Hosts) > 0 {
		coachID = e.Hosts[0].CoachID
	}
	return coaches.PrivacyOf(ctx, ext, coachID)
}
