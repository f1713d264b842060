package booking

import (
	"context"
	"fmt"
)

// checkMoney verifies invariant 10, money counted per currency: for each
// booking and currency, what was refunded never exceeds what was paid; no
// payment has more queued or made refunds than its amount; and a
// booking's refunded amount is backed by its own payments in its
// currency (a refund of a wrong payment never counts for the booking).
func (s *Service) checkMoney(ctx context.Context) ([]string, error) {
	checks := []struct{ what, query string }{
		{"refunded more than paid in a currency", `
			SELECT b.ref || ' (' || r.currency || ')' FROM (
				SELECT booking_id, currency, SUM(amount_cents) AS refunded FROM refunds
				WHERE status = 'succeeded' GROUP BY booking_id, currency
			) r JOIN bookings b ON b.id = r.booking_id
			WHERE r.refunded > COALESCE((SELECT SUM(p.amount_cents) FROM payments p
				WHERE p.booking_id = r.booking_id AND p.currency = r.currency), 0)
			ORDER BY b.ref`},
		{"a payment refunded beyond its amount", `
			SELECT b.ref || ' (payment ' || p.provider_ref || ')' FROM payments p JOIN bookings b ON b.id = p.booking_id
			WHERE p.amount_cents < (SELECT COALESCE(SUM(r.amount_cents), 0) FROM refunds r
				WHERE r.payment_id = p.id AND r.status IN ('pending', 'succeeded'))
			ORDER BY b.ref`},
		{"refund in another currency than the payment it returns", `
			SELECT b.ref || ' (refund ' || CAST(r.id AS TEXT) || ')' FROM refunds r
			JOIN payments p ON p.id = r.payment_id JOIN bookings b ON b.id = r.booking_id
			WHERE r.currency <> p.currency ORDER BY r.id`},
		{"refunded amount not backed by the booking's own payments in its currency", `
			SELECT b.ref FROM bookings b WHERE b.refunded_cents > COALESCE((SELECT SUM(p.amount_cents) FROM payments p
				WHERE p.booking_id = b.id AND p.currency = b.currency AND p.status IN ('applied', 'returned')), 0)
			ORDER BY b.ref`},
		{"payment applied in another currency or amount than the booking's", `
			SELECT b.ref || ' (payment ' || p.provider_ref || ')' FROM payments p JOIN bookings b ON b.id = p.booking_id
			WHERE p.status IN ('applied', 'returned') AND (p.currency <> b.currency OR p.amount_cents <> b.amount_cents)
			ORDER BY b.ref`},
	}
	var out []string
	for _, c := range checks {
		var found []string
		if err := s.db.SelectContext(ctx, &found, c.query); err != nil {
			return nil, fmt.Errorf("check %s: %w", c.what, err)
		}
		for _, f := range found {
			out = append(out, fmt.Sprintf("booking %s: %s", f, c.what))
		}
	}
	return out, nil
}

// Unpaid is what holds capacity without payment right now.
type Unpaid struct {
	Holds      int // bookings awaiting payment
	HoldSeats  int // their seats
	Offers     int // open waitlist offers
	OfferSeats int // their seats
}

// Unpaid counts the live holds and open waitlist offers and the seats
// they hold, for roster check's report.
func (s *Service) Unpaid(ctx context.Context) (Unpaid, error) {
	var u Unpaid
	err := s.db.QueryRowxContext(ctx, `SELECT
		(SELECT COUNT(*) FROM bookings WHERE status = 'pending_payment'),
		(SELECT COALESCE(SUM(seats), 0) FROM bookings WHERE status = 'pending_payment'),
		(SELECT COUNT(*) FROM waitlist WHERE status = 'offered'),
		(SELECT COALESCE(SUM(seats), 0) FROM waitlist WHERE status = 'offered')`).Scan(&u.Holds, &u.HoldSeats, &u.Offers, &u.OfferSeats)
	if err != nil {
		return Unpaid{}, fmt.Errorf("count unpaid holds and offers: %w", err)
	}
	return u, nil
}
