package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/secret"
)

// The helpers here take a sqlx.ExtContext so they run on the pool or inside
// a service method's transaction.

func eventFromInput(in EventInput) Event {
	return Event{
		Slug: in.Slug, Title: in.Title, Summary: in.Summary, Description: in.Description,
		Timezone: in.Timezone, Location: in.Location, OnlineURL: in.OnlineURL,
		PriceCents: in.PriceCents, Currency: in.Currency, Status: in.Status,
		ReminderOffsetsMinutes:    in.ReminderOffsetsMinutes,
		RegistrationCutoffMinutes: in.RegistrationCutoffMinutes,
		RefundCutoffHours:         *in.RefundCutoffHours,
	}
}

func inputFromEvent(e Event) EventInput {
	in := EventInput{
		Slug: e.Slug, Title: e.Title, Summary: e.Summary, Description: e.Description,
		Timezone: e.Timezone, Location: e.Location, OnlineURL: e.OnlineURL,
		PriceCents: e.PriceCents, Currency: e.Currency, Status: e.Status,
		ReminderOffsetsMinutes:    e.ReminderOffsetsMinutes,
		RegistrationCutoffMinutes: e.RegistrationCutoffMinutes,
		RefundCutoffHours:         &e.RefundCutoffHours,
	}
	for _, h := range e.Hosts {
		in.HostEmails = append(in.HostEmails, h.Email)
	}
	return in
}

// resolveHosts turns host emails into coaches, the acting coach first. Every
// email must belong to a coach: hosting is not something one coach can put
// on another's name without an account.
func resolveHosts(ctx context.Context, ext sqlx.ExtContext, coachID int64, emails []string) ([]int64, error) {
	ids := []int64{coachID}
	var f fault.Fields
	for _, email := range emails {
		id, err := coaches.IDByEmail(ctx, ext, email)
		if errors.Is(err, coaches.ErrNotFound) {
			f.Add("hosts", fmt.Sprintf("%s is not a Roster coach (add them with roster coach add)", email))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("resolve host %s: %w", email, err)
		}
		if !containsID(ids, id) {
			ids = append(ids, id)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if len(ids) > MaxHosts {
		return nil, (&fault.Fields{"hosts": fmt.Sprintf("at most %d hosts", MaxHosts)}).Err()
	}
	return ids, nil
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func replaceHosts(ctx context.Context, ext sqlx.ExtContext, eventID int64, coachIDs []int64) error {
	if _, err := ext.ExecContext(ctx, ext.Rebind(`DELETE FROM event_hosts WHERE event_id = ?`), eventID); err != nil {
		return fmt.Errorf("clear hosts: %w", err)
	}
	for i, id := range coachIDs {
		if _, err := ext.ExecContext(ctx, ext.Rebind(
			`INSERT INTO event_hosts (event_id, coach_id, position) VALUES (?, ?, ?)`), eventID, id, i); err != nil {
			return fmt.Errorf("add host: %w", err)
		}
	}
	return nil
}

// chooseSlug returns the slug asked for, or one made from the title with a
// numeric suffix when the plain one is taken.
func chooseSlug(ctx context.Context, ext sqlx.ExtContext, in EventInput) (string, error) {
	if in.Slug != "" {
		return in.Slug, nil // a clash is reported by the unique index
	}
	base := Slugify(in.Title)
	for i := 1; i <= 100; i++ {
		candidate := base
		if i > 1 {
			candidate = fmt.Sprintf("%s-%d", base, i)
		}
		var n int
		if err := sqlx.GetContext(ctx, ext, &n, ext.Rebind(`SELECT COUNT(*) FROM events WHERE slug = ?`), candidate); err != nil {
			return "", fmt.Errorf("check slug: %w", err)
		}
		if n == 0 {
			return candidate, nil
		}
	}
	return base + "-" + secret.RandomString(4), nil
}

func insertSession(ctx context.Context, ext sqlx.ExtContext, eventID int64, in SessionInput, now time.Time) (Session, error) {
	sess := Session{
		EventID: eventID, StartsAt: in.StartsAt.UTC(), EndsAt: in.EndsAt.UTC(), Capacity: in.Capacity,
		Status: Scheduled, CreatedAt: now, UpdatedAt: now,
	}
	err := insertReturningID(ctx, ext, &sess.ID, `
		INSERT INTO sessions (event_id, starts_at, ends_at, capacity, seats_taken, status, sequence, created_at, updated_at)
		VALUES (:event_id, :starts_at, :ends_at, :capacity, 0, :status, 0, :created_at, :updated_at) RETURNING id`, sess)
	if err != nil {
		return Session{}, fmt.Errorf("insert session: %w", err)
	}
	return sess, nil
}

func countSessions(ctx context.Context, ext sqlx.ExtContext, eventID int64) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, ext, &n, ext.Rebind(`SELECT COUNT(*) FROM sessions WHERE event_id = ?`), eventID)
	if err != nil {
		return 0, fmt.Errorf("count sessions: %w", err)
	}
	return n, nil
}

// hostedEvent returns the event row (without details) if the coach hosts
// it, else ErrNotFound, so a coach cannot learn of others' drafts.
func hostedEvent(ctx context.Context, ext sqlx.ExtContext, coachID int64, slug string) (Event, error) {
	if !validSlug(slug) {
		return Event{}, ErrNotFound
	}
	var e Event
	err := sqlx.GetContext(ctx, ext, &e, ext.Rebind(`
		SELECT e.* FROM events e JOIN event_hosts h ON h.event_id = e.id
		WHERE e.slug = ? AND h.coach_id = ?`), slug, coachID)
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, ErrNotFound
	}
	if err != nil {
		return Event{}, fmt.Errorf("hosted event: %w", err)
	}
	return e, nil
}

func hostedSession(ctx context.Context, ext sqlx.ExtContext, coachID, sessionID int64) (Session, error) {
	sess, err := SessionByID(ctx, ext, sessionID)
	if err != nil {
		return Session{}, err
	}
	ok, err := IsHost(ctx, ext, coachID, sess.EventID)
	if err != nil {
		return Session{}, err
	}
	if !ok {
		return Session{}, ErrNotFound
	}
	return sess, nil
}

// SessionByID returns a session, or ErrNotFound.
func SessionByID(ctx context.Context, ext sqlx.ExtContext, id int64) (Session, error) {
	var sess Session
	err := sqlx.GetContext(ctx, ext, &sess, ext.Rebind(`SELECT * FROM sessions WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("session %d: %w", id, err)
	}
	return sess, nil
}

// LockedSession is SessionByID with the session's row locked until the
// transaction ext belongs to ends; lock is one of sqldb's locking clauses
// (ForUpdate, ForNoKeyUpdate: "" on SQLite, whose transaction holds the
// only writer), or "" to read the row without locking it.
func LockedSession(ctx context.Context, ext sqlx.ExtContext, id int64, lock string) (Session, error) {
	var sess Session
	err := sqlx.GetContext(ctx, ext, &sess, ext.Rebind(`SELECT * FROM sessions WHERE id = ?`+lock), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("lock session %d: %w", id, err)
	}
	return sess, nil
}

// IsHost reports whether the coach hosts the event, read through ext.
func IsHost(ctx context.Context, ext sqlx.ExtContext, coachID, eventID int64) (bool, error) {
	var n int
	err := sqlx.GetContext(ctx, ext, &n, ext.Rebind(
		`SELECT COUNT(*) FROM event_hosts WHERE event_id = ? AND coach_id = ?`), eventID, coachID)
	if err != nil {
		return false, fmt.Errorf("check host: %w", err)
	}
	return n > 0, nil
}

// attachDetails loads the hosts and sessions of all events in two queries,
// whatever the number of events.
func attachDetails(ctx context.Context, ext sqlx.ExtContext, list []Event) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	index := make(map[int64]int, len(list))
	for i, e := range list {
		ids[i], index[e.ID] = e.ID, i
	}
	var hosts []struct {
		EventID int64 `db:"event_id"`
		CoachID int64 `db:"coach_id"`
	}
	q, args, err := sqlx.In(`SELECT event_id, coach_id FROM event_hosts WHERE event_id IN (?) ORDER BY event_id, position`, ids)
	if err != nil {
		return err
	}
	if err := sqlx.SelectContext(ctx, ext, &hosts, ext.Rebind(q), args...); err != nil {
		return fmt.Errorf("load hosts: %w", err)
	}
	coachIDs := make([]int64, 0, len(hosts))
	for _, h := range hosts {
		coachIDs = append(coachIDs, h.CoachID)
	}
	people, err := coaches.ByIDs(ctx, ext, coachIDs)
	if err != nil {
		return fmt.Errorf("load hosts: %w", err)
	}
	for _, h := range hosts {
		c := people[h.CoachID]
		list[index[h.EventID]].Hosts = append(list[index[h.EventID]].Hosts,
			Host{CoachID: c.ID, Email: c.Email, Name: c.Name, NotifyBookings: c.NotifyBookings})
	}
	var sessions []Session
	q, args, err = sqlx.In(`SELECT * FROM sessions WHERE event_id IN (?) ORDER BY starts_at, id`, ids)
	if err != nil {
		return err
	}
	if err := sqlx.SelectContext(ctx, ext, &sessions, ext.Rebind(q), args...); err != nil {
		return fmt.Errorf("load sessions: %w", err)
	}
	for _, sess := range sessions {
		i := index[sess.EventID]
		list[i].Sessions = append(list[i].Sessions, sess)
	}
	var types []TicketType
	q, args, err = sqlx.In(`SELECT `+ticketTypeColumns+` FROM ticket_types WHERE event_id IN (?) AND NOT archived ORDER BY position, id`, ids)
	if err != nil {
		return err
	}
	if err := sqlx.SelectContext(ctx, ext, &types, ext.Rebind(q), args...); err != nil {
		return fmt.Errorf("load ticket types: %w", err)
	}
	for _, t := range types {
		i := index[t.EventID]
		list[i].TicketTypes = append(list[i].TicketTypes, t)
	}
	return nil
}

// HostedEventIDs returns the ids of every event the coach hosts, for
// packages that filter their own rows by them.
func HostedEventIDs(ctx context.Context, ext sqlx.ExtContext, coachID int64) ([]int64, error) {
	ids := []int64{}
	if err := sqlx.SelectContext(ctx, ext, &ids, ext.Rebind(`SELECT event_id FROM event_hosts WHERE coach_id = ? ORDER BY event_id`), coachID); err != nil {
		return nil, fmt.Errorf("hosted events: %w", err)
	}
	return ids, nil
}

// insertReturningID runs a named INSERT … RETURNING id and stores the id.
func insertReturningID(ctx context.Context, ext sqlx.ExtContext, id *int64, query string, arg any) error {
	q, args, err := sqlx.Named(query, arg)
	if err != nil {
		return err
	}
	return sqlx.GetContext(ctx, ext, id, ext.Rebind(q), args...)
}

// HostedEventIn returns the event with slug (without hosts or dates) if
// the coach hosts it, else ErrNotFound.
func HostedEventIn(ctx context.Context, ext sqlx.ExtContext, coachID int64, slug string) (Event, error) {
	return hostedEvent(ctx, ext, coachID, slug)
}
