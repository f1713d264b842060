package booking

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// MaxDatesAtOnce bounds how many dates AddSessions adds in one call (a
// year of weekly dates).
const MaxDatesAtOnce = 53

// AddSessions adds several dates to an event the coach hosts, all or none,
// in one transaction: each as AddSession adds one, so no date may overlap
// a host's live appointment. A weekly series is the usual caller. Returns
// the same errors as AddSession, the first date that fails deciding; the
// error names that date's start. More than MaxDatesAtOnce dates is a
// fault.Invalid error.
func (s *Service) AddSessions(ctx context.Context, coachID int64, slug string, ins []events.SessionInput) ([]events.Session, error) {
	if len(ins) == 0 || len(ins) > MaxDatesAtOnce {
		return nil, invalidDateCount(len(ins))
	}
	var out []events.Session
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		out = out[:0]
		for _, in := range ins {
			sess, _, err := events.AddSessionIn(ctx, tx, coachID, slug, in, s.now().UTC())
			if err != nil {
				return err
			}
			if err := s.checkSessionHostsFree(ctx, tx, sess); err != nil {
				return fmt.Errorf("date at %s: %w", sess.StartsAt.Format("2006-01-02 15:04 MST"), err)
			}
			out = append(out, sess)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func invalidDateCount(n int) error {
	var f fault.Fields
	f.Add("sessions", fmt.Sprintf("must be between 1 and %d dates at once, not %d", MaxDatesAtOnce, n))
	return f.Err()
}
