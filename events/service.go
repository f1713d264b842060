package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// Service manages events and their sessions.
type Service struct {
	db    *sqldb.DB
	now   func() time.Time
	hosts HostNotifier // tells coaches made hosts; nil tells nobody
}

// NewService returns a service on db; now is the clock (time.Now in
// production, a fixed clock in tests).
func NewService(db *sqldb.DB, now func() time.Time) *Service {
	return &Service{db: db, now: now}
}

// CreateEvent creates an event hosted by the coach (and any co-hosts named
// in in.HostEmails, who must be coaches already). A missing slug is made
// from the title and made unique; a slug given and in use is ErrSlugTaken
// (a fault.Invalid error suggesting a free slug, the same whether the
// event holding it is published or a draft). Co-hosts are told by email
// (see SetHostNotifier). Returns a fault.Invalid error naming every bad
// field. It does not check the hosts free of appointments: booking's
// CreateEvent does, under the hosts' schedule locks, and is what every
// caller with dates uses.
func (s *Service) CreateEvent(ctx context.Context, coachID int64, in EventInput) (Event, error) {
	var id int64
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		e, err := CreateEventIn(ctx, tx, coachID, in, s.now().UTC(), s.hosts)
		id = e.ID
		return err
	})
	if err != nil {
		return Event{}, err
	}
	return s.EventByID(ctx, id)
}

// CreateEventIn is CreateEvent inside the caller's transaction, at now,
// telling co-hosts through tell (nil tells nobody). It returns the event as
// stored in tx, with its hosts and dates.
func CreateEventIn(ctx context.Context, tx *sqlx.Tx, coachID int64, in EventInput, now time.Time, tell HostNotifier) (Event, error) {
	in.Normalize()
	if err := in.Validate(now); err != nil {
		return Event{}, err
	}
	hosts, err := resolveHosts(ctx, tx, coachID, in.HostEmails)
	if err != nil {
		return Event{}, err
	}
	slug, err := chooseSlug(ctx, tx, in)
	if err != nil {
		return Event{}, err
	}
	if in.Slug != "" {
		if err := checkSlugFree(ctx, tx, "events", in.Slug, ErrSlugTaken); err != nil {
			return Event{}, err
		}
	}
	e := eventFromInput(in)
	e.Slug, e.CreatedAt, e.UpdatedAt = slug, now, now
	var id int64
	err = insertReturningID(ctx, tx, &id, `
		INSERT INTO events (slug, title, summary, description, timezone, location, online_url, price_cents,
			currency, status, reminder_offsets_minutes, registration_cutoff_minutes, refund_cutoff_hours, created_at, updated_at)
		VALUES (:slug, :title, :summary, :description, :timezone, :location, :online_url, :price_cents,
			:currency, :status, :reminder_offsets_minutes, :registration_cutoff_minutes, :refund_cutoff_hours, :created_at, :updated_at)
		RETURNING id`, e)
	if sqldb.IsUniqueViolation(err) {
		// Taken meanwhile by a concurrent create: the failed insert has
		// ended a PostgreSQL transaction, so no free slug can be looked up.
		return Event{}, slugUnavailableNoSuggestion(ErrSlugTaken)
	}
	if err != nil {
		return Event{}, fmt.Errorf("insert event: %w", err)
	}
	if err := replaceHosts(ctx, tx, id, hosts); err != nil {
		return Event{}, err
	}
	for _, si := range in.Sessions {
		if _, err := insertSession(ctx, tx, id, si, now); err != nil {
			return Event{}, err
		}
	}
	created, err := LoadEvent(ctx, tx, id)
	if err != nil {
		return Event{}, err
	}
	if err := TellAddedHosts(ctx, tx, tell, coachID, "event", nil, created.Hosts, created.Title, created.Slug, created.Status); err != nil {
		return Event{}, err
	}
	return created, nil
}

// EventPatch holds the fields a coach changes; nil leaves a field as it is.
type EventPatch struct {
	Title, Summary, Description, Timezone, Location, OnlineURL, Currency *string
	PriceCents                                                           *int64
	Status                                                               *Status
	HostEmails                                                           []string // nil: unchanged
	ReminderOffsetsMinutes                                               Minutes  // nil: unchanged
	RegistrationCutoffMinutes                                            *int
	RefundCutoffHours                                                    *int
}

// UpdateEvent applies patch to the event with slug, which the coach must
// host (else ErrNotFound). It does not tell attendees: booking's UpdateEvent
// makes the same change and updates their invites in one transaction, and
// is what the web handlers call. Cancelling is refused here
// (fault.Conflict): only booking's CancelEvent, which cancels the children
// too, may do it. Returns a fault.Invalid error naming bad fields and
// fault.EventCancelled for a cancelled event.
func (s *Service) UpdateEvent(ctx context.Context, coachID int64, slug string, patch EventPatch) (Event, error) {
	var id int64
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		updated, before, err := UpdateEventIn(ctx, tx, coachID, slug, patch, s.now().UTC())
		if err != nil {
			return err
		}
		id = updated.ID
		return TellAddedHosts(ctx, tx, s.hosts, coachID, "event", before.Hosts, updated.Hosts, updated.Title, updated.Slug, updated.Status)
	})
	if err != nil {
		return Event{}, err
	}
	return s.EventByID(ctx, id)
}

func (p EventPatch) apply(in *EventInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Title, p.Title)
	set(&in.Summary, p.Summary)
	set(&in.Description, p.Description)
	set(&in.Timezone, p.Timezone)
	set(&in.Location, p.Location)
	set(&in.OnlineURL, p.OnlineURL)
	set(&in.Currency, p.Currency)
	if p.PriceCents != nil {
		in.PriceCents = *p.PriceCents
	}
	if p.Status != nil {
		in.Status = *p.Status
	}
	if p.HostEmails != nil {
		in.HostEmails = p.HostEmails
	}
	if p.ReminderOffsetsMinutes != nil {
		in.ReminderOffsetsMinutes = p.ReminderOffsetsMinutes
	}
	if p.RegistrationCutoffMinutes != nil {
		in.RegistrationCutoffMinutes = *p.RegistrationCutoffMinutes
	}
	if p.RefundCutoffHours != nil {
		in.RefundCutoffHours = p.RefundCutoffHours
	}
}

// AddSession adds a date to an event the coach hosts. Returns
// ErrNotFound, fault.EventCancelled for a cancelled event, and a
// fault.Invalid error for bad times or capacity. It does not check the
// hosts free of appointments: booking's AddSession does.
func (s *Service) AddSession(ctx context.Context, coachID int64, slug string, in SessionInput) (Session, error) {
	var sess Session
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		sess, _, err = AddSessionIn(ctx, tx, coachID, slug, in, s.now().UTC())
		return err
	})
	return sess, err
}

// AddSessionIn is AddSession inside the caller's transaction, at now. It
// returns the new date and its event.
func AddSessionIn(ctx context.Context, tx *sqlx.Tx, coachID int64, slug string, in SessionInput, now time.Time) (Session, Event, error) {
	var f fault.Fields
	in.validate(&f, "", now)
	if err := f.Err(); err != nil {
		return Session{}, Event{}, err
	}
	e, err := hostedEvent(ctx, tx, coachID, slug)
	if err != nil {
		return Session{}, Event{}, err
	}
	if _, err := NextEventStatus(e.Status, EventEdit); err != nil {
		return Session{}, Event{}, err // a cancelled event takes no new dates
	}
	if count, err := countSessions(ctx, tx, e.ID); err != nil {
		return Session{}, Event{}, err
	} else if count >= MaxSessions {
		return Session{}, Event{}, (&fault.Fields{"sessions": fmt.Sprintf("at most %d dates", MaxSessions)}).Err()
	}
	sess, err := insertSession(ctx, tx, e.ID, in, now)
	return sess, e, err
}

// SessionPatch holds the fields of a date a coach changes.
type SessionPatch struct {
	StartsAt, EndsAt *time.Time
	Capacity         *int
}

// UpdateSession changes a date of an event the coach hosts. Capacity cannot
// drop below the seats already taken; moving a date raises its sequence so
// calendar invites update. Attendees are not told: booking's
// RescheduleSession moves a date and tells them, in one transaction.
func (s *Service) UpdateSession(ctx context.Context, coachID, sessionID int64, patch SessionPatch) (Session, error) {
	var sess Session
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		sess, _, err = UpdateSessionIn(ctx, tx, coachID, sessionID, patch, s.now().UTC())
		return err
	})
	return sess, err
}

// UpdateSessionIn is UpdateSession inside the caller's transaction. It
// returns the date as it was and as it is now.
func UpdateSessionIn(ctx context.Context, tx *sqlx.Tx, coachID, sessionID int64, patch SessionPatch, now time.Time) (updated, before Session, err error) {
	current, err := hostedSession(ctx, tx, coachID, sessionID)
	if err != nil {
		return Session{}, Session{}, err
	}
	e, err := LoadEvent(ctx, tx, current.EventID)
	if err != nil {
		return Session{}, Session{}, err
	}
	if err := Allows(e, current, ActReschedule, now); err != nil {
		return Session{}, Session{}, err
	}
	in := SessionInput{StartsAt: current.StartsAt, EndsAt: current.EndsAt, Capacity: current.Capacity}
	if patch.StartsAt != nil {
		in.StartsAt = patch.StartsAt.UTC()
	}
	if patch.EndsAt != nil {
		in.EndsAt = patch.EndsAt.UTC()
	}
	if patch.Capacity != nil {
		in.Capacity = *patch.Capacity
	}
	var f fault.Fields
	in.validate(&f, "", now)
	f.Check(in.Capacity >= current.SeatsTaken, "capacity", "must be at least the "+strconv.Itoa(current.SeatsTaken)+" seats already booked")
	if err := f.Err(); err != nil {
		return Session{}, Session{}, err
	}
	sess := current
	sess.StartsAt, sess.EndsAt, sess.Capacity, sess.UpdatedAt = in.StartsAt, in.EndsAt, in.Capacity, now
	if sess.Moved(current) {
		sess.Sequence++
	}
	// The guard on seats_taken keeps a booking that lands between the read
	// and this write from being squeezed out.
	res, err := tx.NamedExecContext(ctx, `
		UPDATE sessions SET starts_at = :starts_at, ends_at = :ends_at, capacity = :capacity,
			sequence = :sequence, updated_at = :updated_at
		WHERE id = :id AND seats_taken <= :capacity`, sess)
	if err != nil {
		return Session{}, Session{}, fmt.Errorf("update session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Session{}, Session{}, (&fault.Fields{"capacity": "must be at least the seats already booked"}).Err()
	}
	return sess, current, nil
}

// CancelSession marks a date cancelled; it can no longer be booked. It
// leaves the date's bookings as they are: booking's CancelSession cancels
// the date and everything on it in one transaction, and is what the web
// handlers call. Returns ErrNotFound for a date the coach does not host and
// a fault.SessionStarted error for one that has begun.
func (s *Service) CancelSession(ctx context.Context, coachID, sessionID int64) (Session, error) {
	var sess Session
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		sess, _, _, err = CancelSessionIn(ctx, tx, coachID, sessionID, s.now().UTC())
		return err
	})
	return sess, err
}

// EventByID returns an event of any status with its hosts and sessions.
func (s *Service) EventByID(ctx context.Context, id int64) (Event, error) {
	return s.loadOne(ctx, `SELECT * FROM events WHERE id = ?`, id)
}

// EventBySlug returns an event of any status with its hosts and sessions,
// or ErrNotFound.
func (s *Service) EventBySlug(ctx context.Context, slug string) (Event, error) {
	return s.loadOne(ctx, `SELECT * FROM events WHERE slug = ?`, slug)
}

// PublicEvent returns a published event, or ErrNotFound for an unknown,
// draft or cancelled one.
func (s *Service) PublicEvent(ctx context.Context, slug string) (Event, error) {
	return s.loadOne(ctx, `SELECT * FROM events WHERE slug = ? AND status = 'published'`, slug)
}

// HostedEvent returns an event the coach hosts, or ErrNotFound.
func (s *Service) HostedEvent(ctx context.Context, coachID int64, slug string) (Event, error) {
	e, err := hostedEvent(ctx, s.db, coachID, slug)
	if err != nil {
		return Event{}, err
	}
	return s.EventByID(ctx, e.ID)
}

// Upcoming returns the published events that have a scheduled date ahead,
// soonest first, each with all its hosts and sessions.
func (s *Service) Upcoming(ctx context.Context) ([]Event, error) {
	return s.loadMany(ctx, `
		SELECT e.* FROM events e WHERE e.status = 'published' AND EXISTS (
			SELECT 1 FROM sessions s WHERE s.event_id = e.id AND s.status = 'scheduled' AND s.starts_at > ?)
		ORDER BY (SELECT MIN(s.starts_at) FROM sessions s WHERE s.event_id = e.id AND s.starts_at > ?), e.id`,
		s.now().UTC(), s.now().UTC())
}

// UpcomingAfter is a place in the list Upcoming returns: the next start
// (UTC) and id of the last event of a page.
type UpcomingAfter struct {
	NextStart time.Time
	ID        int64
}

// NextStart returns when e next starts after now (its earliest session
// starting after now), the key Upcoming sorts by; false if none does.
func (e Event) NextStart(now time.Time) (time.Time, bool) {
	var next time.Time
	for _, s := range e.Sessions {
		if s.StartsAt.After(now) && (next.IsZero() || s.StartsAt.Before(next)) {
			next = s.StartsAt
		}
	}
	return next.UTC(), !next.IsZero()
}

// UpcomingPage returns at most limit events of the list Upcoming returns,
// those after the place after (nil: from the start), in the same order.
func (s *Service) UpcomingPage(ctx context.Context, after *UpcomingAfter, limit int) ([]Event, error) {
	now := s.now().UTC()
	const nextStart = `(SELECT MIN(s.starts_at) FROM sessions s WHERE s.event_id = e.id AND s.starts_at > ?)`
	query := `SELECT e.* FROM events e WHERE e.status = 'published' AND EXISTS (
			SELECT 1 FROM sessions s WHERE s.event_id = e.id AND s.status = 'scheduled' AND s.starts_at > ?)`
	args := []any{now}
	if after != nil {
		query += ` AND (` + nextStart + ` > ? OR (` + nextStart + ` = ? AND e.id > ?))`
		args = append(args, now, after.NextStart.UTC(), now, after.NextStart.UTC(), after.ID)
	}
	query += ` ORDER BY ` + nextStart + `, e.id LIMIT ?`
	args = append(args, now, limit)
	return s.loadMany(ctx, query, args...)
}

// CoachEvents returns every event the coach hosts, newest first.
func (s *Service) CoachEvents(ctx context.Context, coachID int64) ([]Event, error) {
	return s.loadMany(ctx, `
		SELECT e.* FROM events e JOIN event_hosts h ON h.event_id = e.id
		WHERE h.coach_id = ? ORDER BY e.created_at DESC, e.id DESC`, coachID)
}

// CountEvents returns how many events exist, of any status.
func (s *Service) CountEvents(ctx context.Context) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM events`); err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	return n, nil
}

// Session returns a date and its event, or ErrNotFound.
func (s *Service) Session(ctx context.Context, id int64) (Session, Event, error) {
	sess, err := SessionByID(ctx, s.db, id)
	if err != nil {
		return Session{}, Event{}, err
	}
	e, err := s.EventByID(ctx, sess.EventID)
	return sess, e, err
}

// IsHost reports whether the coach hosts the event.
func (s *Service) IsHost(ctx context.Context, coachID, eventID int64) (bool, error) {
	return IsHost(ctx, s.db, coachID, eventID)
}

func (s *Service) loadOne(ctx context.Context, query string, arg any) (Event, error) {
	if slug, ok := arg.(string); ok && !validSlug(slug) {
		return Event{}, ErrNotFound
	}
	var e Event
	err := s.db.GetContext(ctx, &e, s.db.Rebind(query), arg)
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, ErrNotFound
	}
	if err != nil {
		return Event{}, fmt.Errorf("load event: %w", err)
	}
	list := []Event{e}
	if err := attachDetails(ctx, s.db, list); err != nil {
		return Event{}, err
	}
	return list[0], nil
}

func (s *Service) loadMany(ctx context.Context, query string, args ...any) ([]Event, error) {
	var list []Event
	if err := s.db.SelectContext(ctx, &list, s.db.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	if err := attachDetails(ctx, s.db, list); err != nil {
		return nil, err
	}
	return list, nil
}
