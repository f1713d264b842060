package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/roster-app/roster/events"
)

// Check verifies the booking invariants and returns one line per violation:
// every session's counter equals the seats of its live bookings plus its
// open waitlist offers and never exceeds capacity; no booking or offer is
// in an impossible state; no live booking is on a cancelled session or
// event; no open offer is on a cancelled session or event or outlives its
// session's registration (so none stands on a closed or started date).
// Refunds are checked against the booking's amount, which is in one
// currency (money per currency is not modelled further yet).
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
	if err != nil {
		return nil, err
	}
	out = append(out, states...)
	offers, err := s.offersPastClose(ctx)
	return append(out, offers...), err
}

// offersPastClose finds open offers that stand (or would stand) after
// their date's registration closed: an offer's expiry is capped at the
// close, so one past it was made wrongly.
func (s *Service) offersPastClose(ctx context.Context) ([]string, error) {
	var rows []struct {
		ID        int64     `db:"id"`
		Expires   time.Time `db:"offer_expires_at"`
		StartsAt  time.Time `db:"starts_at"`
		CutoffMin int       `db:"registration_cutoff_minutes"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT w.id, w.offer_expires_at, s.starts_at, e.registration_cutoff_minutes
		FROM waitlist w JOIN sessions s ON s.id = w.session_id JOIN events e ON e.id = s.event_id
		WHERE w.status = 'offered' AND w.offer_expires_at IS NOT NULL ORDER BY w.id`)
	if err != nil {
		return nil, fmt.Errorf("check open offers: %w", err)
	}
	var out []string
	for _, r := range rows {
		closes := r.StartsAt.Add(-time.Duration(r.CutoffMin) * time.Minute)
		if r.Expires.After(closes) {
			out = append(out, fmt.Sprintf("waitlist entry %d: open offer outlives its date's registration", r.ID))
		}
	}
	return out, nil
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
		{"live booking on a cancelled session", `SELECT b.ref FROM bookings b JOIN sessions s ON s.id = b.session_id
			WHERE b.status IN ('pending_payment', 'confirmed') AND s.status = 'cancelled'`},
		{"live booking on a cancelled event", `SELECT b.ref FROM bookings b JOIN events e ON e.id = b.event_id
			JOIN sessions s ON s.id = b.session_id
			WHERE b.status IN ('pending_payment', 'confirmed') AND e.status = 'cancelled' AND s.starts_at > e.updated_at`},
		{"open waitlist offer on a cancelled session or event", `SELECT CAST(w.id AS TEXT) FROM waitlist w
			JOIN sessions s ON s.id = w.session_id JOIN events e ON e.id = w.event_id
			WHERE w.status = 'offered' AND (s.status = 'cancelled' OR e.status = 'cancelled')`},
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
