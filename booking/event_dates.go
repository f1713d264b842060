package booking

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
)

// Creating an event with dates and adding a date are decided here rather
// than in events, which must not know appointments: each is events' own
// transaction helper followed, in the same transaction and under the
// hosts' schedule locks, by the check that no host has a live appointment
// then (invariant 8). RescheduleSession does the same for a moved date.

// CreateEvent creates an event hosted by the coach with its dates (see
// events.Service.CreateEvent) and refuses it if any host has a live
// appointment, with its buffers, overlapping one of the dates. Returns a
// fault.HostBusy error naming the host and the appointment's time,
// events.ErrSlugTaken, and a fault.Invalid error naming every bad field.
func (s *Service) CreateEvent(ctx context.Context, coachID int64, in events.EventInput) (events.Event, error) {
	var out events.Event
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		e, err := events.CreateEventIn(ctx, tx, coachID, in, s.now().UTC(), s.cfg.HostNotifier)
		if err != nil {
			return err
		}
		if err := s.lockCoaches(ctx, tx, hostIDsOf(e)); err != nil {
			return err
		}
		for _, sess := range e.Sessions {
			if err := CheckHostsFree(ctx, tx, hostIDsOf(e), sess.StartsAt, sess.EndsAt); err != nil {
				return fmt.Errorf("date %d: %w", sess.ID, err)
			}
		}
		out = e
		return nil
	})
	return out, err
}

// AddSession adds a date to an event the coach hosts (see
// events.Service.AddSession) unless a host has a live appointment, with
// its buffers, overlapping it. Returns a fault.HostBusy error naming the
// host and the appointment's time, events.ErrNotFound, fault.EventCancelled
// for a cancelled event, and a fault.Invalid error for bad times or capacity.
func (s *Service) AddSession(ctx context.Context, coachID int64, slug string, in events.SessionInput) (events.Session, error) {
	var out events.Session
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		sess, _, err := events.AddSessionIn(ctx, tx, coachID, slug, in, s.now().UTC())
		if err != nil {
			return err
		}
		out = sess
		return s.checkSessionHostsFree(ctx, tx, sess)
	})
	return out, err
}

// checkAddedHostsFree refuses, under their schedule locks, hosts that
// after gives the event and before did not when one of them has a live
// appointment overlapping a date of the event that is scheduled and not
// yet over: co-hosting a date is being there. Returns a fault.HostBusy
// error naming the host and the appointment's time.
func (s *Service) checkAddedHostsFree(ctx context.Context, tx *sqlx.Tx, before, after events.Event) error {
	hosted := make(map[int64]bool, len(before.Hosts))
	for _, h := range before.Hosts {
		hosted[h.CoachID] = true
	}
	var added []int64
	for _, id := range hostIDsOf(after) {
		if !hosted[id] {
			added = append(added, id)
		}
	}
	if len(added) == 0 {
		return nil
	}
	if err := s.lockCoaches(ctx, tx, added); err != nil {
		return err
	}
	now := s.now()
	for _, sess := range after.Sessions {
		if sess.Status != events.Scheduled || !now.Before(sess.EndsAt) {
			continue
		}
		if err := CheckHostsFree(ctx, tx, added, sess.StartsAt, sess.EndsAt); err != nil {
			return fmt.Errorf("date %d: %w", sess.ID, err)
		}
	}
	return nil
}

func hostIDsOf(e events.Event) []int64 {
	ids := make([]int64, len(e.Hosts))
	for i, h := range e.Hosts {
		ids[i] = h.CoachID
	}
	return ids
}
