package booking

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// Actor says who changes a booking: the attendee with their token, or a
// coach who hosts the booking's event.
type Actor struct {
	Token   string // the attendee's manage token
	CoachID int64  // a coach acting from the dashboard or API
}

func (a Actor) reason(action string) string {
	if a.CoachID != 0 {
		return fmt.Sprintf("%s by coach %d", action, a.CoachID)
	}
	return action + " by attendee"
}

// Details is a booking with its event and session.
type Details struct {
	Booking Booking
	Event   events.Event
	Session events.Session
	// Appointment is set for an appointment's booking, whose Event and
	// Session are then its type and time in those shapes (see
	// appointmentDetails).
	Appointment *AppointmentDetails
}

// Get returns a booking the actor may see, or ErrNotFound (also for a
// wrong token or a coach who does not host it, so neither learns the ref
// exists).
func (s *Service) Get(ctx context.Context, ref string, actor Actor) (Details, error) {
	b, err := s.authorize(ctx, s.db, ref, actor, "")
	if err != nil {
		return Details{}, err
	}
	return s.details(ctx, s.db, b)
}

func (s *Service) details(ctx context.Context, ext sqlx.ExtContext, b Booking) (Details, error) {
	if b.IsAppointment() {
		return s.appointmentDetails(ctx, ext, b)
	}
	e, err := events.LoadEvent(ctx, ext, b.EventID)
	if err != nil {
		return Details{}, err
	}
	for _, sess := range e.Sessions {
		if sess.ID == b.SessionID {
			return Details{Booking: b, Event: e, Session: sess}, nil
		}
	}
	return Details{}, fmt.Errorf("booking %s: session %d not in event %d", b.Ref, b.SessionID, b.EventID)
}

// authorize loads the booking by ref if the actor may act on it.
func (s *Service) authorize(ctx context.Context, ext sqlx.ExtContext, ref string, actor Actor, lock string) (Booking, error) {
	if len(ref) > 20 {
		return Booking{}, ErrNotFound
	}
	b, err := bookingByRef(ctx, ext, ref, lock)
	if err != nil {
		return Booking{}, err
	}
	var ok bool
	switch {
	case actor.CoachID != 0 && b.IsAppointment():
		ok, err = hostsAppointment(ctx, ext, actor.CoachID, b.ID)
	case actor.CoachID != 0:
		ok, err = events.IsHost(ctx, ext, actor.CoachID, b.EventID)
	default:
		ok, err = tokenMatches(ctx, ext, b.ID, actor.Token)
	}
	if err != nil {
		return Booking{}, err
	}
	if !ok {
		return Booking{}, ErrNotFound
	}
	return b, nil
}

// Cancel cancels a live booking, returns its seats at once (offering them
// to the waitlist) and, for a paid booking, queues the refund the event's
// policy gives. Returns ErrNotLive for a booking already ended.
func (s *Service) Cancel(ctx context.Context, ref string, actor Actor) (Booking, error) {
	return s.CancelWithRefund(ctx, ref, actor, RefundByPolicy)
}

// cancel ends a live booking b (locked by the caller): its seats go back
// (to the waitlist first) and, if it was confirmed, the attendee gets the
// cancellation with its METHOD:CANCEL invite. Hosts are told when the
// attendee cancelled, not about their own action.
func (s *Service) cancel(ctx context.Context, tx *sqlx.Tx, b Booking, actor Actor) (Booking, error) {
	from := b.Status
	if err := s.transition(ctx, tx, &b, ActionCancel, actor.reason("cancelled")); err != nil {
		return Booking{}, err
	}
	if from != Confirmed {
		return b, nil
	}
	d, err := s.details(ctx, tx, b)
	if err != nil {
		return Booking{}, err
	}
	kinds := []NoticeKind{NoticeCancelled}
	if actor.CoachID == 0 {
		kinds = append(kinds, NoticeCoachCancellation)
	}
	for _, kind := range kinds {
		if err := s.notifier.Notify(ctx, tx, Notice{Kind: kind, Booking: b, Event: d.Event, Session: d.Session}); err != nil {
			return Booking{}, fmt.Errorf("notify %s: %w", kind, err)
		}
	}
	return b, nil
}

// Move moves a live booking to another date of the same event, atomically:
// the new date's seats are taken and the old ones released (and offered to
// the old date's waitlist) in one transaction, or nothing changes. State
// that belongs to the old date (a check-in) is cleared. Returns
// ErrNotLive for an ended booking; fault.SessionStarted when the booking's
// date has begun; the new date's refusal (registration_closed,
// session_started, session_cancelled, event_cancelled); ErrSoldOut when
// its seats do not fit or people wait for it; ErrAlreadyBooked.
func (s *Service) Move(ctx context.Context, ref string, actor Actor, toSessionID int64) (Booking, error) {
	var out Booking
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		b, err := s.authorize(ctx, tx, ref, actor, s.db.ForUpdate())
		if err != nil {
			return err
		}
		out, err = s.move(ctx, tx, b, toSessionID, actor.reason("moved"), actor.CoachID == 0)
		return err
	})
	return out, err
}

func (s *Service) move(ctx context.Context, tx *sqlx.Tx, b Booking, toSessionID int64, reason string, tellHosts bool) (Booking, error) {
	if b.IsAppointment() {
		return Booking{}, ErrMoveAppointment
	}
	if _, err := NextStatus(b.Status, ActionMove); err != nil {
		return Booking{}, err
	}
	previous, event, err := sessionAndEvent(ctx, tx, b.SessionID)
	if err != nil {
		return Booking{}, err
	}
	if err := guard(event, previous, ActionMove, s.now()); err != nil {
		return Booking{}, err
	}
	if toSessionID == b.SessionID {
		return Booking{}, (&fault.Fields{"session_id": "is the date already booked"}).Err()
	}
	to, _, err := sessionAndEvent(ctx, tx, toSessionID)
	if err != nil {
		return Booking{}, notFoundAs(err, fault.New(fault.NotFound, "no such date"))
	}
	if to.EventID != b.EventID {
		return Booking{}, (&fault.Fields{"session_id": "must be a date of the same event"}).Err()
	}
	if err := events.Allows(event, to, events.ActMoveIn, s.now()); err != nil {
		return Booking{}, err
	}
	if ref, err := liveRef(ctx, tx, liveKey(to.ID, b.Email)); err != nil {
		return Booking{}, err
	} else if ref != "" {
		return Booking{}, ErrAlreadyBooked
	}
	if waiting, err := someoneWaits(ctx, tx, to.ID); err != nil {
		return Booking{}, err
	} else if waiting {
		return Booking{}, ErrSoldOut // the new date's free seats are offered to its line first
	}
	// Touch the two session rows in id order so two opposite moves cannot
	// deadlock on PostgreSQL.
	if err := s.swapSeats(ctx, tx, b.SessionID, to.ID, b.Seats); err != nil {
		return Booking{}, err
	}
	b.SessionID = to.ID
	if err := s.transition(ctx, tx, &b, ActionMove, fmt.Sprintf("%s from session %d", reason, previous.ID)); err != nil {
		if sqldb.IsUniqueViolation(err) {
			// The live_key: the person booked the new date after liveRef
			// looked, and that booking committed while the seats waited
			// for the date's row.
			return Booking{}, ErrAlreadyBooked
		}
		return Booking{}, err
	}
	// A check-in belongs to the date it was made on.
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE bookings SET checked_in_at = NULL WHERE id = ?`), b.ID); err != nil {
		return Booking{}, fmt.Errorf("clear check-in of %s: %w", b.Ref, err)
	}
	if b.Status == Confirmed {
		token, err := s.mintToken(ctx, tx, b.ID)
		if err != nil {
			return Booking{}, err
		}
		n := Notice{Kind: NoticeMoved, Booking: b, Event: event, Session: to, Previous: &previous, ManageURL: s.ManageURL(b.Ref, token)}
		if err := s.notifier.Notify(ctx, tx, n); err != nil {
			return Booking{}, fmt.Errorf("notify moved: %w", err)
		}
		if tellHosts {
			if err := s.notifier.Notify(ctx, tx, Notice{Kind: NoticeCoachMoved, Booking: b, Event: event, Session: to, Previous: &previous}); err != nil {
				return Booking{}, fmt.Errorf("notify hosts of a move: %w", err)
			}
		}
	}
	if err := s.offerFreedSeats(ctx, tx, previous.ID); err != nil {
		return Booking{}, err
	}
	return b, nil
}

func (s *Service) swapSeats(ctx context.Context, tx *sqlx.Tx, from, to int64, seats int) error {
	take := func() error {
		ok, err := takeSeats(ctx, tx, to, seats)
		if err != nil {
			return err
		}
		if !ok {
			return ErrSoldOut
		}
		return nil
	}
	release := func() error { return releaseSeats(ctx, tx, from, seats) }
	first, second := take, release
	if from < to {
		first, second = release, take
	}
	if err := first(); err != nil {
		return err
	}
	return second()
}

// SessionBookings lists a date's bookings for a coach who hosts its event,
// oldest first; another coach gets ErrNotFound.
func (s *Service) SessionBookings(ctx context.Context, coachID, sessionID int64) ([]Booking, error) {
	if _, _, err := hostedSession(ctx, s.db, coachID, sessionID); err != nil {
		return nil, err
	}
	var list []Booking
	err := s.db.SelectContext(ctx, &list, s.db.Rebind(`SELECT `+bookingColumns+` FROM bookings WHERE session_id = ? ORDER BY created_at, id`), sessionID)
	if err != nil {
		return nil, fmt.Errorf("list bookings: %w", err)
	}
	return list, nil
}

// CoachBookingRefs returns the refs of every booking on events the coach
// hosts, newest first, at most 5000.
func (s *Service) CoachBookingRefs(ctx context.Context, coachID int64) ([]string, error) {
	refs := []string{}
	hosted, err := events.HostedEventIDs(ctx, s.db, coachID)
	if err != nil || len(hosted) == 0 {
		return refs, err
	}
	q, args, err := sqlx.In(`SELECT ref FROM bookings WHERE event_id IN (?) ORDER BY id DESC LIMIT 5000`, hosted)
	if err != nil {
		return nil, err
	}
	if err := s.db.SelectContext(ctx, &refs, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("coach booking refs: %w", err)
	}
	return refs, nil
}
