package events

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// The changes of events and sessions inside a caller's transaction. The
// booking package calls them and, in the same transaction, carries the
// change to the bookings, holds and offers of the event: what changed is
// returned so that it can.

// Change is one thing an attendee's calendar shows that an edit changed.
type Change struct {
	Field  string // "title", "location", "online_url" or "time"
	Before string
	After  string
}

// CalendarChanges returns what an invite shows that differs between before
// and after: the title, the location and the join link. Other fields
// (price, description, reminders) change nothing in a calendar.
func CalendarChanges(before, after Event) []Change {
	var out []Change
	for _, c := range []Change{
		{"title", before.Title, after.Title},
		{"location", before.Location, after.Location},
		{"online_url", before.OnlineURL, after.OnlineURL},
	} {
		if c.Before != c.After {
			out = append(out, c)
		}
	}
	return out
}

// eventAction names what patch does to an event: a status change, or an
// edit.
func eventAction(from Status, patch EventPatch) EventAction {
	if patch.Status == nil || *patch.Status == from {
		return EventEdit
	}
	switch *patch.Status {
	case Published:
		return EventPublish
	case Draft:
		return EventUnpublish
	case Cancelled:
		return EventCancel
	}
	return EventEdit // an unknown status is refused by Validate
}

// ErrCancelThroughBooking refuses cancelling an event by an edit: the
// booking package's CancelEvent cancels it with its children.
var ErrCancelThroughBooking = fault.New(fault.Conflict, "cancel an event with its cancel action, which also cancels its bookings")

// UpdateEventIn applies patch, in tx, to the event with slug, which the
// coach must host. It returns the event (with hosts and sessions) after and
// before the change. New hosts keep the event's creator (its first host)
// first: a co-host cannot remove them. Callers tell the hosts added with
// TellAddedHosts. Errors: ErrNotFound, fault.EventCancelled for a
// cancelled event, ErrCancelThroughBooking for a patch that cancels, and a
// fault.Invalid error naming bad fields.
func UpdateEventIn(ctx context.Context, tx *sqlx.Tx, coachID int64, slug string, patch EventPatch, now time.Time) (after, before Event, err error) {
	row, err := hostedEvent(ctx, tx, coachID, slug)
	if err != nil {
		return Event{}, Event{}, err
	}
	if err := lockDates(ctx, tx, row.ID); err != nil {
		return Event{}, Event{}, err
	}
	if before, err = LoadEvent(ctx, tx, row.ID); err != nil {
		return Event{}, Event{}, err
	}
	action := eventAction(before.Status, patch)
	if action == EventCancel {
		if before.Status == Cancelled {
			return Event{}, Event{}, ErrEventCancelled
		}
		return Event{}, Event{}, ErrCancelThroughBooking
	}
	if _, err := NextEventStatus(before.Status, action); err != nil {
		return Event{}, Event{}, err
	}
	in := inputFromEvent(before)
	patch.apply(&in)
	in.Normalize()
	in.Sessions = nil // dates are validated by their own endpoints
	if err := in.Validate(now); err != nil {
		return Event{}, Event{}, err
	}
	updated := eventFromInput(in)
	updated.ID, updated.Slug, updated.UpdatedAt = before.ID, before.Slug, now
	if _, err := tx.NamedExecContext(ctx, `
		UPDATE events SET title = :title, summary = :summary, description = :description, timezone = :timezone,
			location = :location, online_url = :online_url, price_cents = :price_cents, currency = :currency,
			status = :status, reminder_offsets_minutes = :reminder_offsets_minutes,
			registration_cutoff_minutes = :registration_cutoff_minutes, refund_cutoff_hours = :refund_cutoff_hours,
			updated_at = :updated_at
		WHERE id = :id`, updated); err != nil {
		return Event{}, Event{}, fmt.Errorf("update event: %w", err)
	}
	if patch.HostEmails != nil {
		hosts, err := resolveHosts(ctx, tx, coachID, in.HostEmails)
		if err != nil {
			return Event{}, Event{}, err
		}
		if err := replaceHosts(ctx, tx, before.ID, keepCreator(before.Hosts, coachID, hosts)); err != nil {
			return Event{}, Event{}, err
		}
	}
	if patch.TicketTypes != nil {
		if err := replaceTicketTypes(ctx, tx, before.ID, patch.TicketTypes, now); err != nil {
			return Event{}, Event{}, err
		}
	}
	after, err = LoadEvent(ctx, tx, before.ID)
	return after, before, err
}

// lockDates locks the event's dates' rows until tx ends, in id order as a
// cancel or a move takes them. A booking's transaction locks its date
// before it reads the event (booking's openSessionBatch), so an edit of the event
// and the bookings of its dates happen one after the other: the edit
// sees, and tells, every booking made before it, and every booking made
// after it reads the edited event. On SQLite the transaction holds the
// only writer, and the clause is empty.
func lockDates(ctx context.Context, tx *sqlx.Tx, eventID int64) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, tx.Rebind(`SELECT id FROM sessions WHERE event_id = ? ORDER BY id`+sqldb.ForUpdateOf(tx)), eventID); err != nil {
		return fmt.Errorf("lock the dates of event %d: %w", eventID, err)
	}
	return nil
}

// CancelEventIn cancels, in tx, the event with slug, which the coach must
// host, and every session of it that is still scheduled and has not
// started. It returns the event after the change (with hosts and sessions)
// and the sessions it cancelled. Errors: ErrNotFound, and
// fault.EventCancelled for an event already cancelled.
func CancelEventIn(ctx context.Context, tx *sqlx.Tx, coachID int64, slug string, now time.Time) (Event, []Session, error) {
	row, err := hostedEvent(ctx, tx, coachID, slug)
	if err != nil {
		return Event{}, nil, err
	}
	to, err := NextEventStatus(row.Status, EventCancel)
	if err != nil {
		return Event{}, nil, err
	}
	before, err := LoadEvent(ctx, tx, row.ID)
	if err != nil {
		return Event{}, nil, err
	}
	// Lock the session rows in id order, as a move does, so the two cannot
	// deadlock on PostgreSQL.
	ordered := slices.Clone(before.Sessions)
	slices.SortFunc(ordered, func(a, b Session) int { return cmp.Compare(a.ID, b.ID) })
	var cancelled []Session
	for _, sess := range ordered {
		if Allows(before, sess, ActCancel, now) != nil {
			continue // already cancelled, or already begun: history stays as it was
		}
		if sess, err = setSessionCancelled(ctx, tx, sess, now); err != nil {
			return Event{}, nil, err
		}
		cancelled = append(cancelled, sess)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE events SET status = ?, updated_at = ? WHERE id = ?`), to, now, row.ID); err != nil {
		return Event{}, nil, fmt.Errorf("cancel event: %w", err)
	}
	after, err := LoadEvent(ctx, tx, row.ID)
	return after, cancelled, err
}

// CancelSessionIn cancels, in tx, a date of an event the coach hosts. It
// returns the session after the change, its event, and whether this call
// cancelled it (false: it already was). Errors: ErrNotFound,
// fault.SessionStarted for a date that has begun, fault.EventCancelled.
func CancelSessionIn(ctx context.Context, tx *sqlx.Tx, coachID, sessionID int64, now time.Time) (Session, Event, bool, error) {
	sess, err := hostedSession(ctx, tx, coachID, sessionID)
	if err != nil {
		return Session{}, Event{}, false, err
	}
	e, err := LoadEvent(ctx, tx, sess.EventID)
	if err != nil {
		return Session{}, Event{}, false, err
	}
	if sess.Status == SessionCancelled {
		return sess, e, false, nil
	}
	if err := Allows(e, sess, ActCancel, now); err != nil {
		return Session{}, Event{}, false, err
	}
	if sess, err = setSessionCancelled(ctx, tx, sess, now); err != nil {
		return Session{}, Event{}, false, err
	}
	for i := range e.Sessions {
		if e.Sessions[i].ID == sess.ID {
			e.Sessions[i] = sess
		}
	}
	return sess, e, true, nil
}

// setSessionCancelled is the one write of a session's status. Its sequence
// rises, so a published calendar drops it.
func setSessionCancelled(ctx context.Context, ext sqlx.ExtContext, sess Session, now time.Time) (Session, error) {
	sess.Status, sess.UpdatedAt = SessionCancelled, now
	sess.Sequence++
	if _, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE sessions SET status = ?, sequence = ?, updated_at = ? WHERE id = ?`),
		sess.Status, sess.Sequence, sess.UpdatedAt, sess.ID); err != nil {
		return Session{}, fmt.Errorf("cancel session %d: %w", sess.ID, err)
	}
	return sess, nil
}
