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
// Money is checked per currency (see checkMoney).
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
			SELECT session_id, seats FROM bookings WHERE status IN ('pending_payment', 'confirmed') AND session_id IS NOT NULL
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
	if err != nil {
		return nil, err
	}
	out = append(out, offers...)
	money, err := s.checkMoney(ctx)
	if err != nil {
		return nil, err
	}
	out = append(out, money...)
	overlaps, err := s.checkCoachesInOnePlace(ctx)
	if err != nil {
		return nil, err
	}
	out = append(out, overlaps...)
	credits, err := s.checkCredits(ctx)
	return append(out, credits...), err
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

// checkCoachesInOnePlace verifies invariant 8: no two live appointments of
// a coach overlap (each with its buffers), no live appointment overlaps a
// workshop session the coach hosts, and an appointment's hosts are busy
// exactly while its booking is live.
func (s *Service) checkCoachesInOnePlace(ctx context.Context) ([]string, error) {
	checks := []struct{ what, query string }{
		{"overlaps another live appointment of the same coach", `
			SELECT b1.ref || ' and ' || b2.ref || ' (coach ' || CAST(h1.coach_id AS TEXT) || ')'
			FROM appointment_hosts h1 JOIN appointment_hosts h2
				ON h1.coach_id = h2.coach_id AND h1.booking_id < h2.booking_id
				AND h1.busy_from < h2.busy_to AND h2.busy_from < h1.busy_to
			JOIN bookings b1 ON b1.id = h1.booking_id JOIN bookings b2 ON b2.id = h2.booking_id
			WHERE h1.live AND h2.live`},
		{"overlaps a workshop session its coach hosts", `
			SELECT b.ref || ' and session ' || CAST(s.id AS TEXT) || ' (coach ' || CAST(h.coach_id AS TEXT) || ')'
			FROM appointment_hosts h JOIN bookings b ON b.id = h.booking_id
			JOIN event_hosts eh ON eh.coach_id = h.coach_id
			JOIN sessions s ON s.event_id = eh.event_id JOIN events e ON e.id = s.event_id
			WHERE h.live AND s.status = 'scheduled' AND e.status <> 'cancelled'
				AND h.busy_from < s.ends_at AND s.starts_at < h.busy_to`},
		{"appointment hosts busy while the booking is not live, or free while it is", `
			SELECT b.ref FROM appointment_hosts h JOIN bookings b ON b.id = h.booking_id
			WHERE h.live <> (b.status IN ('pending_payment', 'confirmed'))`},
		{"live appointment booking without a time or a host", `
			SELECT b.ref FROM bookings b WHERE b.session_id IS NULL AND b.status IN ('pending_payment', 'confirmed')
				AND NOT EXISTS (SELECT 1 FROM appointment_hosts h WHERE h.booking_id = b.id AND h.live)`},
	}
	var out []string
	for _, c := range checks {
		var found []string
		if err := s.db.SelectContext(ctx, &found, c.query); err != nil {
			return nil, fmt.Errorf("check %s: %w", c.what, err)
		}
		for _, f := range found {
			out = append(out, fmt.Sprintf("appointment %s: %s", f, c.what))
		}
	}
	return out, nil
}
