package booking

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
)

// The seat counter (sessions.seats_taken) has one owner: this file. The
// column sits on the events package's table, but what it counts (live
// bookings and open waitlist offers) is booking's, and every change of it
// must come with a change of those rows in the same transaction, so only
// booking moves it. events only reads it (SeatsLeft) and guards capacity
// edits against it.

// takeSeats adds n seats to a scheduled session's count if they fit, in one
// guarded statement: on PostgreSQL the row lock makes concurrent updates
// re-check the guard against the committed count (READ COMMITTED), and on
// SQLite the single writer serialises them, so the count can never pass
// capacity. It reports whether the seats were taken.
func takeSeats(ctx context.Context, ext sqlx.ExtContext, sessionID int64, n int) (bool, error) {
	return takeSeatsWhere(ctx, ext, sessionID, n, "")
}

// takeSeatsAt is takeSeats for a batch that read the session without
// locking it (see sessionBatch): the seats are taken only if the
// session's revision is still revision, so nothing the batch read has
// changed since. The update then holds the row until the commit.
func takeSeatsAt(ctx context.Context, ext sqlx.ExtContext, sessionID int64, n int, revision int64) (bool, error) {
	return takeSeatsWhere(ctx, ext, sessionID, n, " AND revision = ?", revision)
}

// takeSeatsWhere is takeSeats guarded also by cond, whose placeholders
// take args.
func takeSeatsWhere(ctx context.Context, ext sqlx.ExtContext, sessionID int64, n int, cond string, args ...any) (bool, error) {
	res, err := ext.ExecContext(ctx, ext.Rebind(`
		UPDATE sessions SET seats_taken = seats_taken + ?
		WHERE id = ? AND status = 'scheduled' AND seats_taken + ? <= capacity`+cond), append([]any{n, sessionID, n}, args...)...)
	if err != nil {
		return false, fmt.Errorf("take %d seats on session %d: %w", n, sessionID, err)
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("take seats: %w", err)
	}
	return affected == 1, nil
}

// releaseSeats gives n seats back to a session's count. Callers that free
// seats for good use freeSeats, which also serves the waitlist.
func releaseSeats(ctx context.Context, ext sqlx.ExtContext, sessionID int64, n int) error {
	res, err := ext.ExecContext(ctx, ext.Rebind(`
		UPDATE sessions SET seats_taken = seats_taken - ? WHERE id = ? AND seats_taken >= ?`), n, sessionID, n)
	if err != nil {
		return fmt.Errorf("release %d seats on session %d: %w", n, sessionID, err)
	}
	if affected, _ := res.RowsAffected(); affected != 1 {
		return fmt.Errorf("release %d seats on session %d: fewer seats taken than released", n, sessionID)
	}
	return nil
}

// freeSeats releases n seats and offers the session's free seats to the
// waitlist before anyone else can take them. Every way seats become free
// (a cancel, a refund, an expired hold, an expired or declined offer, a
// move out) goes through here; a capacity raise calls offerFreedSeats.
func (s *Service) freeSeats(ctx context.Context, tx *sqlx.Tx, sessionID int64, n int) error {
	if err := releaseSeats(ctx, tx, sessionID, n); err != nil {
		return err
	}
	return s.offerFreedSeats(ctx, tx, sessionID)
}

// offerFreedSeats offers a session's free seats to the people waiting for
// it. The rule, for the docs:
//
//   - People are served in the order they joined. Each waiting person whose
//     seats fit in what is free gets an offer that holds those seats until
//     it is claimed, declined or expires.
//   - A person at the head of the line who needs more seats than are free
//     keeps their place and is skipped for now: the seats go to the next
//     person in order whose request fits (Xena waits for 2, Yuri for 1,
//     one seat frees: Yuri is offered it; when two are free, Xena is first).
//   - While anyone is waiting, a new booking is refused (sold_out) even if
//     seats are free: a newcomer joins the line, which offers them the seats
//     at once if they fit and nobody before them could use them. So nobody
//     who arrives later is ever served before someone already waiting whose
//     request fits.
//   - Nothing is offered on a date whose phase refuses events.ActOffer
//     (registration closed, started, cancelled).
func (s *Service) offerFreedSeats(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	sess, e, err := sessionAndEvent(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	if events.Allows(e, sess, events.ActOffer, s.now()) != nil {
		return nil
	}
	var line []WaitlistEntry
	if err := tx.SelectContext(ctx, &line, tx.Rebind(`SELECT `+waitlistColumns+` FROM waitlist
		WHERE session_id = ? AND status = 'waiting' ORDER BY id`+s.db.ForUpdate()), sessionID); err != nil {
		return fmt.Errorf("waitlist of session %d: %w", sessionID, err)
	}
	free := sess.SeatsLeft()
	for _, next := range line {
		if free == 0 {
			return nil
		}
		if next.Seats > free {
			continue // more than is free: keeps their place for the next seats to free
		}
		if ok, err := takeSeats(ctx, tx, sessionID, next.Seats); err != nil || !ok {
			return err
		}
		free -= next.Seats
		if err := s.offer(ctx, tx, next, e, sess); err != nil {
			return err
		}
	}
	return nil
}

// someoneWaits reports whether anyone is in line for the session.
func someoneWaits(ctx context.Context, ext sqlx.ExtContext, sessionID int64) (bool, error) {
	var n int
	if err := sqlx.GetContext(ctx, ext, &n, ext.Rebind(`SELECT COUNT(*) FROM waitlist WHERE session_id = ? AND status = 'waiting'`), sessionID); err != nil {
		return false, fmt.Errorf("waitlist of session %d: %w", sessionID, err)
	}
	return n > 0, nil
}

// sessionAndEvent reads a session and its event (with hosts and sessions).
func sessionAndEvent(ctx context.Context, ext sqlx.ExtContext, sessionID int64) (events.Session, events.Event, error) {
	sess, err := events.SessionByID(ctx, ext, sessionID)
	if err != nil {
		return events.Session{}, events.Event{}, err
	}
	e, err := events.LoadEvent(ctx, ext, sess.EventID)
	if err != nil {
		return events.Session{}, events.Event{}, err
	}
	return sess, e, nil
}

// hostedSession returns a session and its event if the coach hosts the
// event, else events.ErrNotFound, so a coach cannot tell another coach's
// dates from dates that do not exist.
func hostedSession(ctx context.Context, ext sqlx.ExtContext, coachID, sessionID int64) (events.Session, events.Event, error) {
	sess, e, err := sessionAndEvent(ctx, ext, sessionID)
	if err != nil {
		return events.Session{}, events.Event{}, err
	}
	for _, h := range e.Hosts {
		if h.CoachID == coachID {
			return sess, e, nil
		}
	}
	return events.Session{}, events.Event{}, events.ErrNotFound
}
