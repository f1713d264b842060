package notify

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
)

// The notifier stores coaches' messages for booking.Service.MessageAttendees.
var _ booking.CoachMessenger = (*BookingNotifier)(nil)

// EnqueueAttendeeMessage is EnqueueCoachMessage for a message booking has
// addressed to a date's attendees: one email per attendee, in tx. It
// returns how many emails are new.
func (n *BookingNotifier) EnqueueAttendeeMessage(ctx context.Context, tx *sqlx.Tx, m booking.CoachMessage) (int, error) {
	msg := CoachMessage{ID: m.ID, Event: m.Event, Session: m.Session, From: m.From, Subject: m.Subject, Body: m.Body}
	for _, a := range m.To {
		msg.Recipients = append(msg.Recipients, Recipient{Name: a.Name, Email: a.Email, BookingRef: a.Ref})
	}
	return n.EnqueueCoachMessage(ctx, tx, msg)
}
