package booking

import (
	"context"
	"fmt"
)

// TypePackages returns the published packages of an appointment type,
// cheapest per credit first, for the type's public page to offer.
func (s *Service) TypePackages(ctx context.Context, typeID int64) ([]Package, error) {
	var out []Package
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT * FROM packages WHERE appointment_type_id = ? AND status = 'published'
		ORDER BY price_cents * 1.0 / credits, id`), typeID)
	if err != nil {
		return nil, fmt.Errorf("list packages of type %d: %w", typeID, err)
	}
	return out, nil
}
