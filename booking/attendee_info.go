package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/roster-app/roster/fault"
)

// WaitlistPlace returns an entry's place in its date's line, from 1,
// counting the entries still waiting or holding an offer that joined
// before it. It returns 0 for an entry no longer in line (claimed, left,
// expired) and fault.NotFound if there is no such entry.
func (s *Service) WaitlistPlace(ctx context.Context, entryID int64) (int, error) {
	var entry WaitlistEntry
	err := s.db.GetContext(ctx, &entry, s.db.Rebind(`SELECT `+waitlistColumns+` FROM waitlist WHERE id = ?`), entryID)
	if err != nil {
		if isNoRows(err) {
			return 0, fault.New(fault.NotFound, "no such waitlist entry")
		}
		return 0, fmt.Errorf("waitlist entry %d: %w", entryID, err)
	}
	if entry.Status != Waiting && entry.Status != Offered {
		return 0, nil
	}
	var place int
	if err := s.db.GetContext(ctx, &place, s.db.Rebind(`SELECT COUNT(*) FROM waitlist
		WHERE session_id = ? AND status IN ('waiting', 'offered') AND id <= ?`), entry.SessionID, entry.ID); err != nil {
		return 0, fmt.Errorf("place in line: %w", err)
	}
	return place, nil
}

// HoldDuration is how long a paid booking's seats are held while the
// attendee pays (shorter when the date's registration closes sooner).
func (s *Service) HoldDuration() time.Duration { return s.cfg.HoldDuration }
