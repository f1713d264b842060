package booking_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// holdDateLock locks a date's row, as a batch of another process that is
// writing and committing does, until the returned release is called.
func holdDateLock(t *testing.T, fx *fixture, sessionID int64) (release func()) {
	t.Helper()
	tx, err := fx.db.Writer().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SELECT id FROM sessions WHERE id = $1 FOR UPDATE`, sessionID); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	released := false
	release = func() {
		if !released {
			released = true
			if err := tx.Commit(); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(release)
	return release
}

// waitForLockWaiters polls, with a deadline, until n transactions of the
// database wait for a lock (the tests of this package run one at a time):
// a booking that waits for its date's lock has read what it reads before.
func waitForLockWaiters(t *testing.T, db *sqlx.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var waiting int
		if err := db.Get(&waiting, `SELECT COUNT(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND datname = current_database()`); err != nil {
			t.Fatal(err)
		}
		if waiting >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d transactions wait for a lock, want %d", waiting, n)
		}
		time.Sleep(5 * time.Millisecond) // polling with a deadline, not synchronisation
	}
}

// A booking waits for its date's row lock (another batch holds it) and an
// edit of the event comes meanwhile. The two must happen one after the
// other, whichever goes first: a booking made after the edit is refused if
// the edit closed the date, and shows the edited event; a booking made
// before it is reached by the edit (its updated invite). The first version
// of this test (by an attacker) caught openSessionBatch reading the event before
// it locked the date, so a booking that waited booked on the event as it
// was; now the date is locked first and UpdateEvent locks the event's
// dates, so the edit queues behind the waiting booking. PostgreSQL only: on
// SQLite every transaction holds the only writer from its start.
func TestEventEditAndABookingOfItsDateHappenOneAfterTheOther(t *testing.T) {
	sqldbtest.RequirePostgres(t)
	ctx := context.Background()
	newURL, cutoff, draft := "https://meet.example.com/new-room", 2*24*60, events.Draft // the cutoff: two days, at a day before the date

	for _, tc := range []struct {
		name  string
		patch events.EventPatch
		// check the booking's answer and its notices against the edited event
		check func(t *testing.T, fx *fixture, res booking.Result, err error)
	}{
		{
			name:  "a new join link reaches the booking",
			patch: events.EventPatch{OnlineURL: &newURL},
			check: func(t *testing.T, fx *fixture, res booking.Result, err error) {
				if err != nil {
					t.Fatalf("reserve: %v", err)
				}
				fx.notices.mu.Lock()
				defer fx.notices.mu.Unlock()
				var latest *booking.Notice
				for i, n := range fx.notices.list {
					if n.Booking.Ref == res.Booking.Ref && (n.Kind == booking.NoticeConfirmed || n.Kind == booking.NoticeChanged) {
						latest = &fx.notices.list[i]
					}
				}
				if latest == nil {
					t.Fatalf("no confirmation for %s", res.Booking.Ref)
				}
				if latest.Event.OnlineURL != newURL {
					t.Errorf("the last invite %s got (%s) shows join link %q, want the edited %q",
						res.Booking.Ref, latest.Kind, latest.Event.OnlineURL, newURL)
				}
			},
		},
		{
			name:  "unpublishing comes before or after the booking",
			patch: events.EventPatch{Status: &draft},
			check: func(t *testing.T, fx *fixture, res booking.Result, err error) {
				if err != nil && fault.CodeOf(err) != fault.RegistrationClosed {
					t.Errorf("reserve racing an unpublish: %v, want a booking made before it or %s", err, fault.RegistrationClosed)
				}
			},
		},
		{
			name:  "closing registration comes before or after the booking",
			patch: events.EventPatch{RegistrationCutoffMinutes: &cutoff},
			check: func(t *testing.T, fx *fixture, res booking.Result, err error) {
				if err != nil && fault.CodeOf(err) != fault.RegistrationClosed {
					t.Errorf("reserve racing a close: %v, want a booking made before it or %s", err, fault.RegistrationClosed)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			date := fx.workshop.Sessions[0].ID
			fx.clock.Advance(fx.workshop.Sessions[0].StartsAt.Add(-24 * time.Hour).Sub(fx.clock.Now()))
			release := holdDateLock(t, fx, date)
			type answer struct {
				res booking.Result
				err error
			}
			done := make(chan answer, 1)
			go func() {
				res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: date, Name: "Ada Lovelace", Email: "ada@example.com", Seats: 1})
				done <- answer{res, err}
			}()
			waitForLockWaiters(t, fx.db.Writer(), 1)
			edited := make(chan error, 1)
			go func() {
				editCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
				defer cancel()
				_, err := fx.svc.UpdateEvent(editCtx, fx.coach.ID, fx.workshop.Slug, tc.patch)
				edited <- err
			}()
			waitForLockWaiters(t, fx.db.Writer(), 2) // the edit waits too, behind the booking
			release()
			got := <-done
			if err := <-edited; err != nil {
				t.Fatalf("edit the event: %v", err)
			}
			tc.check(t, fx, got.res, got.err)
			fx.mustCheck(t)
		})
	}
}

// A person moves their booking to a date that they book at the same
// moment: one of the two wins, and the other is told already booked (a
// 409), not a database error (a 500). PostgreSQL only: on SQLite the two
// transactions cannot interleave.
func TestMoveIntoADateBookedMeanwhile(t *testing.T) {
	sqldbtest.RequirePostgres(t)
	ctx := context.Background()
	fx := newFixture(t)
	from, to := fx.workshop.Sessions[0].ID, fx.workshop.Sessions[1].ID
	held := fx.book(t, from, "ada@example.com", 1)
	release := holdDateLock(t, fx, to)
	booked := make(chan error, 1)
	go func() {
		_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: to, Name: "Ada Lovelace", Email: "ada@example.com", Seats: 1})
		booked <- err
	}()
	waitForLockWaiters(t, fx.db.Writer(), 1)
	moved := make(chan error, 1)
	go func() {
		_, err := fx.svc.Move(ctx, held.Booking.Ref, booking.Actor{Token: held.Token}, to)
		moved <- err
	}()
	waitForLockWaiters(t, fx.db.Writer(), 2)
	release()
	bookErr, moveErr := <-booked, <-moved
	if (bookErr == nil) == (moveErr == nil) {
		t.Errorf("book: %v, move: %v; want exactly one to succeed", bookErr, moveErr)
	}
	for _, err := range []error{bookErr, moveErr} {
		if err != nil && !errors.Is(err, booking.ErrAlreadyBooked) {
			t.Errorf("the loser's answer: %v, want already booked", err)
		}
	}
	fx.mustCheck(t)
}
