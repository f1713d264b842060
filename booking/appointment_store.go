package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// The SQL of appointments and appointment_hosts, and of the busy time
// availability is asked about. Helpers take the caller's transaction.

// lockCoaches serialises, per coach, everything that decides whether the
// coach is free: booking, rescheduling or re-taking an appointment, and
// (through LockCoachSchedule) creating or moving a workshop session the
// coach hosts. On PostgreSQL it takes each coach's row lock in id order (so
// two transactions locking the same coaches cannot deadlock) with FOR NO
// KEY UPDATE, which does not block rows that merely reference the coach
// (sign-ins, tokens). On SQLite the single writer already serialises every
// write transaction, so there is nothing to take.
func (s *Service) lockCoaches(ctx context.Context, ext sqlx.ExtContext, coachIDs []int64) error {
	// Whoever takes the lock is about to change what the coaches' slots
	// are; the cached listings go (and again after commit where the
	// change is an appointment's: see slotCache).
	s.slots.invalidate()
	if s.db.Dialect != sqldb.Postgres {
		return nil
	}
	return coaches.LockSchedules(ctx, ext, coachIDs)
}

// LockCoachSchedule takes the coaches' schedule locks in tx. Whatever
// creates or moves a workshop session must call it for the session's hosts
// before it checks them free (see CheckHostsFree), so that a session and an
// appointment of the same coach are decided one after the other.
func (s *Service) LockCoachSchedule(ctx context.Context, tx *sqlx.Tx, coachIDs []int64) error {
	return s.lockCoaches(ctx, tx, coachIDs)
}

// CheckHostsFree reports, inside tx after LockCoachSchedule, whether any of
// the coaches has a live appointment (with its buffers) overlapping
// [from, to): a workshop session there would put the coach in two places.
// It returns an ErrHostBusy error naming the coach and the busy time (UTC)
// of the first such appointment.
func CheckHostsFree(ctx context.Context, tx sqlx.ExtContext, coachIDs []int64, from, to time.Time) error {
	if len(coachIDs) == 0 {
		return nil
	}
	q, args, err := sqlx.In(`SELECT h.coach_id, h.busy_from, h.busy_to FROM appointment_hosts h
		WHERE h.live AND h.coach_id IN (?) AND h.busy_from < ? AND h.busy_to > ? ORDER BY h.busy_from LIMIT 1`,
		coachIDs, to.UTC(), from.UTC())
	if err != nil {
		return err
	}
	var clash []struct {
		CoachID  int64     `db:"coach_id"`
		BusyFrom time.Time `db:"busy_from"`
		BusyTo   time.Time `db:"busy_to"`
	}
	if err := sqlx.SelectContext(ctx, tx, &clash, tx.Rebind(q), args...); err != nil {
		return fmt.Errorf("check hosts free: %w", err)
	}
	if len(clash) > 0 {
		c := clash[0]
		// The coach's name comes from coaches, which owns that table.
		people, err := coaches.ByIDs(ctx, tx, []int64{c.CoachID})
		if err != nil {
			return fmt.Errorf("check hosts free: %w", err)
		}
		who := people[c.CoachID].Name
		if who == "" {
			who = people[c.CoachID].Email
		}
		return fault.New(fault.HostBusy, "%s has an appointment from %s to %s UTC (with buffers); pick another time",
			who, c.BusyFrom.UTC().Format("2006-01-02 15:04"), c.BusyTo.UTC().Format("15:04"))
	}
	return nil
}

func insertAppointment(ctx context.Context, ext sqlx.ExtContext, a Appointment) error {
	_, err := ext.ExecContext(ctx, ext.Rebind(`INSERT INTO appointments (booking_id, appointment_type_id, starts_at, ends_at, timezone, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`), a.BookingID, a.TypeID, a.StartsAt.UTC(), a.EndsAt.UTC(), a.Timezone, a.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert appointment: %w", err)
	}
	return nil
}

// occupy makes the appointment's hosts busy for the call and its buffers:
// it replaces the appointment's host rows with live ones. On PostgreSQL an
// overlap with another live appointment of a host violates the exclusion
// constraint, reported as ErrSlotUnavailable (the caller's transaction is
// then aborted and must roll back).
func (s *Service) occupy(ctx context.Context, ext sqlx.ExtContext, a Appointment, t events.AppointmentType, coachIDs []int64) error {
	if _, err := ext.ExecContext(ctx, ext.Rebind(`DELETE FROM appointment_hosts WHERE booking_id = ?`), a.BookingID); err != nil {
		return fmt.Errorf("clear appointment hosts: %w", err)
	}
	span := availability.Buffered(a.StartsAt, a.EndsAt, t.BufferBeforeMinutes, t.BufferAfterMinutes)
	for _, id := range coachIDs {
		_, err := ext.ExecContext(ctx, ext.Rebind(`INSERT INTO appointment_hosts (booking_id, coach_id, busy_from, busy_to, live)
			VALUES (?, ?, ?, ?, ?)`), a.BookingID, id, span.From.UTC(), span.To.UTC(), true)
		if sqldb.IsExclusionViolation(err) {
			return fmt.Errorf("%w: coach %d is busy then", ErrSlotUnavailable, id)
		}
		if err != nil {
			return fmt.Errorf("add appointment host: %w", err)
		}
	}
	return nil
}

// setHostsLive marks the appointment's hosts busy (live) or free again.
func setHostsLive(ctx context.Context, ext sqlx.ExtContext, bookingID int64, live bool) error {
	_, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE appointment_hosts SET live = ? WHERE booking_id = ?`), live, bookingID)
	if sqldb.IsExclusionViolation(err) {
		return ErrSlotUnavailable
	}
	if err != nil {
		return fmt.Errorf("appointment hosts of booking %d: %w", bookingID, err)
	}
	return nil
}

func loadAppointment(ctx context.Context, ext sqlx.ExtContext, bookingID int64) (Appointment, []int64, error) {
	var a Appointment
	err := sqlx.GetContext(ctx, ext, &a, ext.Rebind(`SELECT booking_id, appointment_type_id, starts_at, ends_at, timezone, created_at
		FROM appointments WHERE booking_id = ?`), bookingID)
	if isNoRows(err) {
		return Appointment{}, nil, fmt.Errorf("booking %d has no appointment", bookingID)
	}
	if err != nil {
		return Appointment{}, nil, fmt.Errorf("load appointment %d: %w", bookingID, err)
	}
	var hosts []int64
	if err := sqlx.SelectContext(ctx, ext, &hosts, ext.Rebind(`SELECT coach_id FROM appointment_hosts WHERE booking_id = ? ORDER BY coach_id`), bookingID); err != nil {
		return Appointment{}, nil, fmt.Errorf("hosts of appointment %d: %w", bookingID, err)
	}
	return a, hosts, nil
}

// hostsAppointment reports whether the coach attends the appointment or
// hosts its type (so a round-robin team sees each other's appointments).
func hostsAppointment(ctx context.Context, ext sqlx.ExtContext, coachID, bookingID int64) (bool, error) {
	var n int
	err := sqlx.GetContext(ctx, ext, &n, ext.Rebind(`SELECT COUNT(*) FROM appointments a WHERE a.booking_id = ? AND (
		EXISTS (SELECT 1 FROM appointment_hosts h WHERE h.booking_id = a.booking_id AND h.coach_id = ?)
		OR EXISTS (SELECT 1 FROM appointment_type_hosts th WHERE th.appointment_type_id = a.appointment_type_id AND th.coach_id = ?))`),
		bookingID, coachID, coachID)
	if err != nil {
		return false, fmt.Errorf("check appointment host: %w", err)
	}
	return n == 1, nil
}

// checkSessionHostsFree refuses a workshop session's new time if one of its
// hosts has a live appointment then (invariant 8), under the hosts'
// schedule locks.
func (s *Service) checkSessionHostsFree(ctx context.Context, tx *sqlx.Tx, sess events.Session) error {
	e, err := events.LoadEvent(ctx, tx, sess.EventID)
	if err != nil {
		return err
	}
	hosts := hostIDsOf(e)
	if err := s.lockCoaches(ctx, tx, hosts); err != nil {
		return err
	}
	return CheckHostsFree(ctx, tx, hosts, sess.StartsAt, sess.EndsAt)
}
