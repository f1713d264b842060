package booking_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

// messenger is a Notifier that also stores coaches' messages.
type messenger struct {
	notices
	mu       sync.Mutex
	messages []booking.CoachMessage
}

func (m *messenger) EnqueueAttendeeMessage(_ context.Context, _ *sqlx.Tx, msg booking.CoachMessage) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.messages = append(m.messages, msg)
	return len(msg.To), nil
}

func TestMessageAttendees(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	mail := &messenger{}
	svc := booking.NewService(fx.db, mail, booking.Config{BaseURL: "http://roster.test"}, fx.clock.Now)
	free, paid := fx.workshop.Sessions[0].ID, fx.lab.Sessions[0].ID
	fx.book(t, free, "ada@example.com", 1)
	fx.book(t, free, "grace@example.com", 2)
	fx.book(t, paid, "hold@example.com", 1) // a hold awaiting payment

	t.Run("goes to the confirmed attendees, from the coach", func(t *testing.T) {
		sent, err := svc.MessageAttendees(ctx, fx.coach.ID, free, "m1", "Room change", "We meet in room 2.")
		if err != nil {
			t.Fatal(err)
		}
		if sent != 2 {
			t.Errorf("sent to %d, want 2", sent)
		}
		got := mail.messages[len(mail.messages)-1]
		if got.From.Email != fx.coach.Email || got.Session.ID != free || got.Event.ID != fx.workshop.ID {
			t.Errorf("message from %q about date %d of event %d", got.From.Email, got.Session.ID, got.Event.ID)
		}
		if got.ID == "m1" {
			t.Errorf("message id %q is not scoped to the coach", got.ID)
		}
	})
	t.Run("holds are not written to", func(t *testing.T) {
		before := len(mail.messages)
		sent, err := svc.MessageAttendees(ctx, fx.coach.ID, paid, "m2", "Hello", "Hi.")
		if err != nil || sent != 0 {
			t.Fatalf("got %d, %v; want 0, nil", sent, err)
		}
		if len(mail.messages) != before {
			t.Errorf("a message with no recipients was stored")
		}
	})
	t.Run("another coach's date is not found", func(t *testing.T) {
		other, err := fx.coaches.Add(ctx, "mallory@example.com", "Mallory", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.MessageAttendees(ctx, other.ID, free, "m3", "Hello", "Hi."); !errors.Is(err, events.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("a server without email says so", func(t *testing.T) {
		if _, err := fx.svc.MessageAttendees(ctx, fx.coach.ID, free, "m4", "Hello", "Hi."); !errors.Is(err, booking.ErrNoEmail) {
			t.Errorf("got %v, want ErrNoEmail", err)
		}
	})
}
