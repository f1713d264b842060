package booking

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// appointmentDetails returns an appointment's booking with its type and
// time in the shapes seat bookings use, so that every path that serves a
// booking (manage page, checkout, refund policy, the notifier's emails and
// invites) serves an appointment unchanged: Event carries the type's
// title, place, join link, reminders and refund window, the client's zone
// (and the first attending coach's as HostTimezone, for emails that show
// both), and the attending coaches as hosts (the first is the invite's
// ORGANIZER); Session carries the call's start and end. Neither has an id.
func (s *Service) appointmentDetails(ctx context.Context, ext sqlx.ExtContext, b Booking) (Details, error) {
	a, hostIDs, err := loadAppointment(ctx, ext, b.ID)
	if err != nil {
		return Details{}, err
	}
	t, err := events.LoadAppointmentType(ctx, ext, a.TypeID)
	if err != nil {
		return Details{}, err
	}
	order := t.HostIDs()
	slices.SortStableFunc(hostIDs, func(x, y int64) int { return rank(order, x) - rank(order, y) })
	hosts, err := events.CoachHosts(ctx, ext, hostIDs)
	if err != nil {
		return Details{}, err
	}
	questions, err := loadTypeQuestions(ctx, ext, t.ID)
	if err != nil {
		return Details{}, err
	}
	hostZone := "UTC"
	if len(hosts) > 0 {
		if hostZone, err = coachZone(ctx, ext, hosts[0].CoachID); err != nil {
			return Details{}, err
		}
	}
	sess := appointmentSession(a, b)
	e := events.Event{
		Slug: t.Slug, Title: t.Title, Description: t.Description, Timezone: a.Timezone, HostTimezone: hostZone,
		Location: t.Location, OnlineURL: t.OnlineURL, PriceCents: b.AmountCents, Currency: b.Currency,
		Status: t.Status, ReminderOffsetsMinutes: t.ReminderOffsetsMinutes, RefundCutoffHours: t.RefundCutoffHours,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, Hosts: hosts, Sessions: []events.Session{sess},
	}
	return Details{Booking: b, Event: e, Session: sess, Appointment: &AppointmentDetails{Appointment: a, Type: t, Hosts: hosts,
		Questions: questions, HostTimezone: hostZone}}, nil
}

func appointmentSession(a Appointment, b Booking) events.Session {
	taken := 0
	if b.Status.Live() {
		taken = 1
	}
	return events.Session{StartsAt: a.StartsAt, EndsAt: a.EndsAt, Capacity: 1, SeatsTaken: taken,
		Status: events.Scheduled, Sequence: b.Sequence, CreatedAt: a.CreatedAt, UpdatedAt: b.UpdatedAt}
}

// rank is the place of id in order, or after every place if absent.
func rank(order []int64, id int64) int {
	if i := slices.Index(order, id); i >= 0 {
		return i
	}
	return len(order)
}

// releaseHeld gives back what a booking that stops being live held: its
// tickets to their types' quotas, its discount code's use, and its seats
// (to the waitlist first), in that order (see storeOrder); or its
// appointment's time in its hosts' calendars.
func (s *Service) releaseHeld(ctx context.Context, tx *sqlx.Tx, b Booking) error {
	if b.IsAppointment() {
		s.slots.invalidate()
		return setHostsLive(ctx, tx, b.ID, false)
	}
	if err := releaseOrder(ctx, tx, b.ID, s.now().UTC()); err != nil {
		return err
	}
	return s.freeSeats(ctx, tx, b.SessionID, b.Seats)
}

// retakeHeld takes back what an ended booking held, for a payment that
// arrived after its hold ended; it reports false if that is gone: the seats
// sold, a ticket type's quota or the discount code's last use taken, or the appointment's time (with buffers) taken by another
// appointment, a workshop session or the host's busy feed.
func (s *Service) retakeHeld(ctx context.Context, tx *sqlx.Tx, b Booking) (bool, error) {
	if !b.IsAppointment() {
		if ok, err := retakeOrder(ctx, tx, b); err != nil || !ok {
			return false, err
		}
		ok, err := takeSeats(ctx, tx, b.SessionID, b.Seats)
		if err != nil || ok {
			return ok, err
		}
		return false, releaseOrder(ctx, tx, b.ID, s.now().UTC())
	}
	a, hostIDs, err := loadAppointment(ctx, tx, b.ID)
	if err != nil {
		return false, err
	}
	t, err := events.LoadAppointmentType(ctx, tx, a.TypeID)
	if err != nil {
		return false, err
	}
	if err := s.lockCoaches(ctx, tx, hostIDs); err != nil {
		return false, err
	}
	if !a.StartsAt.After(s.now()) {
		return false, nil
	}
	from := a.StartsAt.Add(-minutes(t.BufferBeforeMinutes))
	to := a.EndsAt.Add(minutes(t.BufferAfterMinutes))
	for _, id := range hostIDs {
		busy, err := hostBusy(ctx, tx, id, from, to)
		if err != nil {
			return false, err
		}
		if len(busy) > 0 {
			return false, nil
		}
	}
	return true, setHostsLive(ctx, tx, b.ID, true)
}

// ErrSeatsNotRescheduled is returned when a workshop booking is sent to
// Reschedule: its seats move to another date (Move) instead.
var ErrSeatsNotRescheduled = fault.New(fault.Conflict,
	"a workshop booking is moved to another date, not rescheduled: use move with the new date's session_id")

// Reschedule moves a live appointment to newStart in one transaction: the
// new time is taken (with the same coach if they are free then, else as a
// new booking would be assigned) and the old released, or nothing
// changes. The booking's sequence rises and a confirmed client gets the
// updated invite. A client (actor with a token) may reschedule until the
// type's refund window closes, a coach until the start. Returns
// ErrSlotUnavailable if newStart is not a slot, ErrRescheduleClosed,
// ErrNotLive, ErrNotFound, ErrSeatsNotRescheduled for a workshop booking
// (after its token is checked) and a fault.Invalid
// error for a missing or unchanged start.
func (s *Service) Reschedule(ctx context.Context, ref string, actor Actor, newStart time.Time) (Details, error) {
	if newStart.IsZero() {
		return Details{}, (&fault.Fields{"start": "is required"}).Err()
	}
	newStart = newStart.UTC()
	defer s.slots.invalidate() // after the commit, too: see slotCache
	var out Details
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		b, err := s.authorize(ctx, tx, ref, actor, s.db.ForUpdate())
		if err != nil {
			return err
		}
		if !b.IsAppointment() {
			return ErrSeatsNotRescheduled
		}
		if !b.Status.Live() {
			return ErrNotLive
		}
		before, err := s.appointmentDetails(ctx, tx, b)
		if err != nil {
			return err
		}
		a, t := before.Appointment.Appointment, before.Appointment.Type
		if err := s.checkReschedulable(actor, a, t, newStart); err != nil {
			return err
		}
		keep := make([]int64, len(before.Appointment.Hosts))
		for i, h := range before.Appointment.Hosts {
			keep[i] = h.CoachID
		}
		if err := s.lockCoaches(ctx, tx, append(t.HostIDs(), keep...)); err != nil {
			return err
		}
		// Release the old time first, so the appointment does not stand in
		// its own way when moved by less than its length.
		if err := setHostsLive(ctx, tx, b.ID, false); err != nil {
			return err
		}
		hostIDs, err := s.assignHosts(ctx, tx, t, newStart, keep)
		if err != nil {
			return err
		}
		a.StartsAt, a.EndsAt = newStart, newStart.Add(minutes(t.DurationMinutes))
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE appointments SET starts_at = ?, ends_at = ? WHERE booking_id = ?`),
			a.StartsAt, a.EndsAt, b.ID); err != nil {
			return fmt.Errorf("reschedule appointment: %w", err)
		}
		if err := s.occupy(ctx, tx, a, t, hostIDs); err != nil {
			return err
		}
		reason := fmt.Sprintf("%s from %s", actor.reason("rescheduled"), before.Session.StartsAt.Format(time.RFC3339))
		if err := s.transition(ctx, tx, &b, ActionMove, reason); err != nil {
			return err
		}
		if out, err = s.appointmentDetails(ctx, tx, b); err != nil {
			return err
		}
		if b.Status != Confirmed {
			return nil
		}
		token, err := s.mintToken(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		n := Notice{Kind: NoticeMoved, Booking: b, Event: out.Event, Session: out.Session, Previous: &before.Session, ManageURL: s.ManageURL(b.Ref, token)}
		if err := s.notifier.Notify(ctx, tx, n); err != nil {
			return fmt.Errorf("notify rescheduled: %w", err)
		}
		if actor.CoachID != 0 {
			return nil // the coach knows what they did
		}
		hosts := Notice{Kind: NoticeCoachMoved, Booking: b, Event: out.Event, Session: out.Session, Previous: &before.Session}
		if err := s.notifier.Notify(ctx, tx, hosts); err != nil {
			return fmt.Errorf("notify hosts of a reschedule: %w", err)
		}
		return nil
	})
	return out, err
}

func (s *Service) checkReschedulable(actor Actor, a Appointment, t events.AppointmentType, newStart time.Time) error {
	now := s.now()
	closes := a.StartsAt
	if actor.CoachID == 0 {
		closes = a.StartsAt.Add(-time.Duration(t.RefundCutoffHours) * time.Hour)
	}
	if !now.Before(closes) || t.Status != events.Published && actor.CoachID == 0 {
		return ErrRescheduleClosed
	}
	if newStart.Equal(a.StartsAt) {
		return (&fault.Fields{"start": "is the time already booked"}).Err()
	}
	return nil
}

// CoachAppointments lists the appointments starting in [from, to) that the
// coach attends or whose type the coach hosts, soonest first, at most 500,
// in every status (a cancelled one shows as cancelled).
func (s *Service) CoachAppointments(ctx context.Context, coachID int64, from, to time.Time) ([]Details, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, s.db.Rebind(`SELECT a.booking_id FROM appointments a
		WHERE a.starts_at >= ? AND a.starts_at < ? AND (
			EXISTS (SELECT 1 FROM appointment_hosts h WHERE h.booking_id = a.booking_id AND h.coach_id = ?)
			OR EXISTS (SELECT 1 FROM appointment_type_hosts th WHERE th.appointment_type_id = a.appointment_type_id AND th.coach_id = ?))
		ORDER BY a.starts_at, a.booking_id LIMIT 500`), from.UTC(), to.UTC(), coachID, coachID)
	if err != nil {
		return nil, fmt.Errorf("list appointments: %w", err)
	}
	out := make([]Details, 0, len(ids))
	for _, id := range ids {
		b, err := bookingByID(ctx, s.db, id, "")
		if err != nil {
			return nil, err
		}
		d, err := s.appointmentDetails(ctx, s.db, b)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
