package booking

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// sweepBatch bounds the work of one sweep.
const sweepBatch = 100

// ExpireHolds releases the seats of holds whose time ran out and offers them
// to the waitlist. Each hold is expired in its own transaction with a
// guarded update, so several sweepers (several server processes) can run
// at once and each hold is released exactly once. Returns how many this
// call expired.
func (s *Service) ExpireHolds(ctx context.Context) (int, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, s.db.Rebind(`SELECT id FROM bookings
		WHERE status = 'pending_payment' AND hold_expires_at <= ? ORDER BY hold_expires_at LIMIT ?`), s.now().UTC(), sweepBatch)
	if err != nil {
		return 0, fmt.Errorf("find expired holds: %w", err)
	}
	expired := 0
	for _, id := range ids {
		err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
			b, err := bookingByID(ctx, tx, id, s.db.ForUpdate())
			if err != nil {
				return err
			}
			if b.Status != PendingPayment || b.HoldExpiresAt == nil || b.HoldExpiresAt.After(s.now()) {
				return nil // paid, cancelled or swept by another process meanwhile
			}
			if err := s.expireHold(ctx, tx, b); err != nil {
				return err
			}
			expired++
			return nil
		})
		if err != nil {
			return expired, fmt.Errorf("expire hold %d: %w", id, err)
		}
	}
	return expired, nil
}

func (s *Service) expireHold(ctx context.Context, tx *sqlx.Tx, b Booking) error {
	_, err := s.expireHoldWithReason(ctx, tx, b, "hold expired")
	return err
}

// expireHoldWithReason ends a hold (locked by the caller); its seats go
// back, to the waitlist first.
func (s *Service) expireHoldWithReason(ctx context.Context, tx *sqlx.Tx, b Booking, reason string) (Booking, error) {
	err := s.transition(ctx, tx, &b, ActionExpire, reason)
	return b, err
}

// ExpireOffers ends waitlist offers nobody claimed in time (an offer ends
// at the latest when its date's registration closes), releasing their
// seats to the next in line. Safe to run in several processes at once.
func (s *Service) ExpireOffers(ctx context.Context) (int, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, s.db.Rebind(`SELECT id FROM waitlist
		WHERE status = 'offered' AND offer_expires_at <= ? ORDER BY offer_expires_at LIMIT ?`), s.now().UTC(), sweepBatch)
	if err != nil {
		return 0, fmt.Errorf("find expired offers: %w", err)
	}
	expired := 0
	for _, id := range ids {
		err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
			var entry WaitlistEntry
			if err := tx.GetContext(ctx, &entry, tx.Rebind(`SELECT `+waitlistColumns+` FROM waitlist WHERE id = ?`+s.db.ForUpdate()), id); err != nil {
				return fmt.Errorf("load offer: %w", err)
			}
			if entry.Status != Offered || entry.OfferExpiresAt == nil || entry.OfferExpiresAt.After(s.now()) {
				return nil
			}
			expired++
			return s.setEntryStatus(ctx, tx, &entry, EntryExpire, nil)
		})
		if err != nil {
			return expired, fmt.Errorf("expire offer %d: %w", id, err)
		}
	}
	return expired, nil
}

// Sweep runs every sweep once: holds, offers, unpaid package checkouts,
// and package expiry with its reminders.
func (s *Service) Sweep(ctx context.Context) error {
	if _, err := s.ExpireHolds(ctx); err != nil {
		return err
	}
	if _, err := s.ExpireOffers(ctx); err != nil {
		return err
	}
	if _, err := s.AbandonUnpaidPackages(ctx); err != nil {
		return err
	}
	_, err := s.ExpirePackages(ctx)
	return err
}
