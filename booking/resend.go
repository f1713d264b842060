package booking

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// LinkResendInterval is how often a booking's manage link may be sent again
// to its email when someone tries to book the same date with it.
const LinkResendInterval = 10 * time.Minute

// resendLink emails the holder of the live booking for sessionID and email
// their manage link again (NoticeBookingLink), at most once per
// LinkResendInterval per booking, so that whoever tries to book again
// learns nothing and the address's owner, who can act on it, is told. It
// does nothing when there is no such booking or its link was sent again
// recently.
func (s *Service) resendLink(ctx context.Context, sessionID int64, email string) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ref, err := liveRef(ctx, tx, liveKey(sessionID, email))
		if err != nil || ref == "" {
			return err
		}
		b, err := bookingByRef(ctx, tx, ref, "")
		if err != nil {
			return err
		}
		now := s.now().UTC()
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE bookings SET link_resent_at = ?
			WHERE id = ? AND (link_resent_at IS NULL OR link_resent_at <= ?)`), now, b.ID, now.Add(-LinkResendInterval))
		if err != nil {
			return fmt.Errorf("mark link resent: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		d, err := s.details(ctx, tx, b)
		if err != nil {
			return err
		}
		token, err := s.mintToken(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		n := Notice{Kind: NoticeBookingLink, Booking: b, Event: d.Event, Session: d.Session, ManageURL: s.ManageURL(b.Ref, token)}
		if err := s.notifier.Notify(ctx, tx, n); err != nil {
			return fmt.Errorf("notify %s: %w", n.Kind, err)
		}
		return nil
	})
}

// alreadyBooked is ErrAlreadyBooked after sending the existing booking's
// link again to its email (see resendLink). The answer names nothing of
// the booking: anyone may know an address. A failure to send is joined to
// the error, which stays an ErrAlreadyBooked.
func (s *Service) alreadyBooked(ctx context.Context, sessionID int64, email string) error {
	if err := s.resendLink(ctx, sessionID, email); err != nil {
		return errors.Join(ErrAlreadyBooked, err)
	}
	return ErrAlreadyBooked
}
