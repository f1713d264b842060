package booking

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// CoachMessage is a coach's message to the confirmed attendees of one
// date, as MessageAttendees hands it to a CoachMessenger to store.
type CoachMessage struct {
	// ID identifies the message among the coach's: storing it again with
	// the same ID adds nothing.
	ID      string
	Event   events.Event   // with hosts and sessions
	Session events.Session // the date written about
	From    events.Host    // the coach writing; replies go to them
	Subject string
	Body    string // plain text; blank lines separate paragraphs
	To      []Attendee
}

// CoachMessenger stores a coach's message in tx, one email per recipient,
// and returns how many emails are new. The Notifier given to NewService
// implements it when the server can send email (notify's does).
type CoachMessenger interface {
	EnqueueAttendeeMessage(ctx context.Context, tx *sqlx.Tx, m CoachMessage) (int, error)
}

// ErrNoEmail is returned when this server has no way to send email.
var ErrNoEmail = fault.New(fault.Unavailable, "email is not set up on this server")

// MessageAttendees writes a coach's message to every confirmed attendee of
// a date the coach hosts (people holding unpaid seats, or whose booking
// ended, are not written to), through the outbox, in one transaction that
// also reads the attendees, so the message goes to exactly the people
// confirmed when it is stored. Replies go to the coach. messageID makes a
// repeat store nothing more. It returns how many attendees the message
// went to (0, and nothing stored, when there are none); ErrNotFound for
// another coach's date or an unknown one; ErrNoEmail when the server
// cannot send email; and a fault.Invalid error naming the subject, body or
// id when one is missing or too long.
func (s *Service) MessageAttendees(ctx context.Context, coachID, sessionID int64, messageID, subject, body string) (int, error) {
	messenger, ok := s.notifier.(CoachMessenger)
	if !ok {
		return 0, ErrNoEmail
	}
	var sent int
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		sess, e, err := hostedSession(ctx, tx, coachID, sessionID)
		if err != nil {
			return err
		}
		var to []Attendee
		if err := tx.SelectContext(ctx, &to, tx.Rebind(`SELECT `+attendeeColumns+` FROM bookings
			WHERE session_id = ? AND status = ? ORDER BY created_at, id`), sessionID, Confirmed); err != nil {
			return fmt.Errorf("list attendees: %w", err)
		}
		if len(to) == 0 {
			return nil
		}
		msg := CoachMessage{
			// The coach's id keeps one coach's message id from matching another's.
			ID:    strconv.FormatInt(coachID, 10) + "-" + messageID,
			Event: e, Session: sess, Subject: subject, Body: body, To: to,
		}
		for _, h := range e.Hosts {
			if h.CoachID == coachID {
				msg.From = h
			}
		}
		if _, err := messenger.EnqueueAttendeeMessage(ctx, tx, msg); err != nil {
			return err
		}
		sent = len(to)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return sent, nil
}
