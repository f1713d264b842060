package booking

import (
	"context"
	"fmt"

	"github.com/roster-app/roster/events"
)

// Check verifies the booking invariants and returns one line per violation:
// every session's counter equals the seats of its live bookings plus its
// open waitlist offers and never exceeds capacity, and no booking or offer
// is in an impossible state.
func (s *Service) Check(ctx context.Context) ([]string, error) {
	seats, err := events.AllSessionSeats(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var held []struct {
		SessionID int64 `db:"session_id"`
		Seats     int   `db:"seats"`
	}
	err = s.db.SelectContext(ctx, &held, `
		SELECT session_id, SUM(seats) AS seats FROM (
			SELECT session_id, seats FROM bookings WHERE status IN ('pending_payment', 'confirmed')
			UNION ALL
			SELECT session_id, seats FROM waitlist WHERE status = 'offered'
		) live GROUP BY session_id`)
	if err != nil {
		return nil, fmt.Errorf("sum live seats: %w", err)
	}
	live := map[int64]int{}
	for _, h := range held {
		live[h.SessionID] = h.Seats
	}
	var out []string
	for _, sess := range seats {
		if sess.SeatsTaken > sess.Capacity {
			out = append(out, fmt.Sprintf("session %d: %d seats taken, capacity %d (oversold)", sess.ID, sess.SeatsTaken, sess.Capacity))
		}
		if sess.SeatsTaken != live[sess.ID] {
			out = append(out, fmt.Sprintf("session %d: counter says %d seats taken, live bookings and offers hold %d", sess.ID, sess.SeatsTaken, live[sess.ID]))
		}
	}
	states, err := s.impossibleStates(ctx)
	return append(out, states...), err
}

// impossibleStates finds rows whose fields contradict their status.
func (s *Service) impossibleStates(ctx context.Context) ([]string, error) {
	checks := []struct{ what, query string }{
		{"pending payment without a hold expiry", `SELECT ref FROM bookings WHERE status = 'pending_payment' AND hold_expires_at IS NULL`},
		{"live booking on another event's session", `SELECT b.ref FROM bookings b JOIN sessions s ON s.id = b.session_id WHERE s.event_id <> b.event_id`},
		{"refunded more than paid", `SELECT ref FROM bookings WHERE refunded_cents > amount_cents`},
		{"paid booking confirmed without a verified payment", `SELECT ref FROM bookings WHERE status = 'confirmed' AND amount_cents > 0 AND payment_intent = ''`},
		{"live booking without its live key", `SELECT ref FROM bookings WHERE status IN ('pending_payment', 'confirmed') AND live_key IS NULL`},
		{"waitlist offer without expiry", `SELECT CAST(id AS TEXT) FROM waitlist WHERE status = 'offered' AND offer_expires_at IS NULL`},
	}
	var out []string
	for _, c := range checks {
		var refs []string
		if err := s.db.SelectContext(ctx, &refs, c.query); err != nil {
			return nil, fmt.Errorf("check %s: %w", c.what, err)
		}
		for _, ref := range refs {
			out = append(out, fmt.Sprintf("booking %s: %s", ref, c.what))
		}
	}
	return out, nil
}
