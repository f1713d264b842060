package booking

import (
	"context"
	"fmt"
)

// checkPricing verifies what issue #20 promises: each ticket type's sold
// count is its live bookings' tickets and within its quota; each discount
// code's uses are its uses not given back and within its limit; a
// booking's amount is its lines' total; and each coach's receipts and
// credit notes are numbered 1 to n with no gap or repeat.
func (s *Service) checkPricing(ctx context.Context) ([]string, error) {
	checks := []struct{ what, query string }{
		{"sold count differs from its live bookings' tickets, or passes its quota", `
			SELECT 'ticket type ' || CAST(t.id AS TEXT) FROM ticket_types t
			WHERE t.sold <> COALESCE((SELECT SUM(l.quantity) FROM booking_lines l JOIN bookings b ON b.id = l.booking_id
				WHERE l.ticket_type_id = t.id AND b.status IN ('pending_payment', 'confirmed')), 0)
			OR (t.quota IS NOT NULL AND t.sold > t.quota)
			ORDER BY t.id`},
		{"uses differ from the uses not given back, or pass the limit", `
			SELECT 'discount code ' || c.code FROM discount_codes c
			WHERE c.uses <> (SELECT COUNT(*) FROM discount_uses u WHERE u.code_id = c.id AND u.released_at IS NULL)
			OR (c.max_uses IS NOT NULL AND c.uses > c.max_uses)
			ORDER BY c.id`},
		{"amount differs from its lines' total", `
			SELECT 'booking ' || b.ref FROM bookings b
			WHERE EXISTS (SELECT 1 FROM booking_lines l WHERE l.booking_id = b.id)
			AND b.amount_cents <> (SELECT SUM(l.gross_cents) FROM booking_lines l WHERE l.booking_id = b.id)
			ORDER BY b.ref`},
		{"numbers are not 1 to n without gaps", `
			SELECT 'coach ' || CAST(coach_id AS TEXT) || ' ' || kind FROM receipts
			GROUP BY coach_id, kind HAVING COUNT(DISTINCT number) <> COUNT(*) OR MIN(number) <> 1 OR MAX(number) <> COUNT(*)
			ORDER BY coach_id, kind`},
	}
	var out []string
	for _, c := range checks {
		var found []string
		if err := s.db.SelectContext(ctx, &found, c.query); err != nil {
			return nil, fmt.Errorf("check %s: %w", c.what, err)
		}
		for _, f := range found {
			out = append(out, fmt.Sprintf("%s: %s", f, c.what))
		}
	}
	return out, nil
}
