package privacy

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/notify"
)

// Retained is what one retention run changed.
type Retained struct {
	Bookings    int   // bookings anonymised, past their coach's retention
	Waitlist    int   // waitlist entries anonymised
	Purchases   int   // package purchases anonymised, over before the coach's retention
	Bodies      int64 // sent messages whose bodies were emptied
	LoginAgents int64 // ended logins whose user agent was forgotten
}

// Retain applies the retention rules as of now: each coach's attendees'
// data is anonymised RetentionDays after their date or appointment ended
// (a package purchase's, after it expired or was abandoned or refunded)
// (never sooner than coaches.MinRetentionDays); bodies of messages sent
// more than notify.SentBodyDays ago are emptied; the user agents of
// logins that ended more than coaches.LoginAgentDays ago are forgotten.
// Each coach's rows are one transaction, so a failure loses no other
// coach's run; the first error is returned.
func (s *Service) Retain(ctx context.Context) (Retained, error) {
	var out Retained
	settings, err := coaches.AllPrivacy(ctx, s.db)
	if err != nil {
		return out, err
	}
	now := s.now().UTC()
	for _, p := range settings {
		keep := max(time.Duration(p.RetentionDays)*24*time.Hour, minRetention)
		err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
			done, err := s.booking.AnonymiseEnded(ctx, tx, p.CoachID, now.Add(-keep))
			if err != nil || done.Empty() {
				return err
			}
			if _, err := notify.ForgetPerson(ctx, tx, notify.Person{Refs: done.AllRefs(), WaitlistIDs: done.EntryIDs}); err != nil {
				return err
			}
			out.Bookings += len(done.Refs)
			out.Waitlist += len(done.EntryIDs)
			out.Purchases += len(done.Purchases)
			return s.record(ctx, tx, "retention", "retention", p.CoachID, done.AllRefs(), len(done.Refs)+len(done.EntryIDs)+len(done.Purchases))
		})
		if err != nil {
			return out, err
		}
	}
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if out.Bodies, err = notify.EmptySentBodies(ctx, tx, now.Add(-notify.SentBodyDays*24*time.Hour)); err != nil {
			return err
		}
		if out.LoginAgents, err = coaches.ForgetLoginAgents(ctx, tx, now.Add(-coaches.LoginAgentDays*24*time.Hour)); err != nil {
			return err
		}
		if out.Bodies+out.LoginAgents == 0 {
			return nil
		}
		return s.record(ctx, tx, "bodies_and_login_agents_cleared", "retention", 0, nil, int(out.Bodies+out.LoginAgents))
	})
	return out, err
}
