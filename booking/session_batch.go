package booking

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// sessionBatch is what every booking of one transaction of Reserve shares
// (a group-commit batch, or a single booking when group commit is off):
// the date, its event, its questions, whether anyone waits for it, and
// the settings of the coach who sells it, read once at the start of the
// transaction, after the date's row is locked (see openSessionBatch); and the
// seats the transaction's bookings have taken so far, added to the date's
// count by one guarded update before it commits.
//
// The lock is what makes reading once enough: on PostgreSQL the date's
// row stays locked (FOR UPDATE) until the transaction ends, so no other
// transaction or process can change its count, capacity or status in
// between, and every edit of the event that refuses a booking through the
// date (cancelling it or its event, moving it, changing its capacity)
// updates that row; on SQLite the transaction holds the database's only
// writer (BEGIN IMMEDIATE) from its start. So the seats left, counted in
// memory, are exact, and a batch of thirty-two bookings runs the reads of
// one.
type sessionBatch struct {
	sessionID int64
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

	sessionKey string // sessionKey(event, sess), once asked for
}

// key is sessionKey(d.event, d.sess), worked out once per batch.
func (d *sessionBatch) key() string {
	if d.sessionKey == "" {
		d.sessionKey = sessionKey(d.event, d.sess)
	}
	return d.sessionKey
}

// openSessionBatch locks sessionID's row first and then reads what its bookings
// share, the date itself among them. Locking first is what makes an edit
// of the date or its event reach the batch: every such edit locks or
// writes the event's date rows before it changes anything (cancelling,
// moving, changing capacity, and UpdateEvent, which locks them first), so
// it either committed before the lock was granted, and the reads below
// see it, or it waits for this transaction, and then sees its bookings.
// On SQLite the transaction holds the only writer from its start. A date
// that cannot be booked is not an error: its refusal is kept for each
// booking to answer with. Errors are the database's.
func (s *Service) openSessionBatch(ctx context.Context, tx *sqlx.Tx, sessionID int64) (*sessionBatch, error) {
	d := &sessionBatch{sessionID: sessionID}
	ext := preparedTx{Tx: tx, stmts: s.stmts}
	sess, err := events.LockedSession(ctx, ext, sessionID, s.db.ForUpdate())
	if errors.Is(err, events.ErrNotFound) {
		d.refusal = fault.New(fault.NotFound, "no such date")
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	e, err := events.LoadEvent(ctx, ext, sess.EventID)
	if err != nil {
		return nil, fmt.Errorf("event of date %d: %w", sessionID, err)
	}
	d.sess, d.event = sess, e
	if err := events.Allows(e, sess, events.ActBook, s.now()); err != nil {
		d.refusal = err
		return d, nil
	}
	if d.questions, err = loadQuestions(ctx, ext, e.ID); err != nil {
		return nil, err
	}
	if d.waiting, err = someoneWaits(ctx, ext, sessionID); err != nil {
		return nil, err
	}
	if _, d.tax, err = sellerOf(ctx, ext, e); err != nil {
		return nil, err
	}
	if d.privacy, err = eventPrivacy(ctx, ext, e); err != nil {
		return nil, err
	}
	return d, nil
}

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
// one guarded update. The row has been locked since openSessionBatch, so the
// update cannot fail its guard; if it does, the whole batch fails rather
// than oversell.
func (d *sessionBatch) flush(ctx context.Context, ext sqlx.ExtContext) error {
	if d == nil || d.taken == 0 {
		return nil
	}
	ok, err := takeSeats(ctx, ext, d.sessionID, d.taken)
	if err != nil {
		return err
	}
	if !ok {
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
