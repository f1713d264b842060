// Package privacy answers for the personal data Roster holds about
// attendees and clients, as UK and EU data protection law expects: a
// person's export (access), their erasure (on request, confirmed by a
// coach or carried out after the coach's grace period), retention (data
// anonymised a set time after the date, sent email bodies emptied) and a
// record of every export and erasure that holds no personal data itself.
//
// The tables holding personal data belong to other packages (booking,
// notify, coaches); privacy calls their helpers inside one transaction per
// method and owns only erasure_requests and privacy_log. What is kept
// after an erasure, and why, is in docs/privacy.md.
package privacy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/contact"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb"
)

// Service exports and erases people's data.
type Service struct {
	db      *sqldb.DB
	booking *booking.Service
	now     func() time.Time
}

// NewService returns a service on db; now is the clock.
func NewService(db *sqldb.DB, bookings *booking.Service, now func() time.Time) *Service {
	return &Service{db: db, booking: bookings, now: now}
}

// Export is everything Roster holds about one person (one email), within
// the scope it was asked for. Times are UTC; amounts are minor units.
type Export struct {
	Email       string    `json:"email"`
	GeneratedAt time.Time `json:"generated_at"`
	// Scope is "all" (the person's own request: every event and
	// appointment) or "coach" (a coach's events and appointments).
	Scope string `json:"scope"`
	booking.PersonData
	Messages        []notify.PersonMessage `json:"messages"`
	ErasureRequests []ErasureRequest       `json:"erasure_requests"`
}

// ErasureRequest is an attendee's request to be erased. Times are UTC.
type ErasureRequest struct {
	ID          int64      `db:"id" json:"-"`
	BookingID   int64      `db:"booking_id" json:"-"`
	CoachID     int64      `db:"coach_id" json:"-"`
	Status      string     `db:"status" json:"status"` // pending or done
	RequestedAt time.Time  `db:"requested_at" json:"requested_at"`
	EraseAfter  time.Time  `db:"erase_after" json:"erase_after"`
	DoneAt      *time.Time `db:"done_at" json:"done_at,omitempty"`
}

// ErrBadEmail is returned for an email that is not one.
var ErrBadEmail = &fault.Error{Code: fault.Invalid, Message: "an email address is required",
	Fields: map[string]string{"email": "must be an email address"}}

// ErrNoSuchPerson is returned when a coach asks about an email that has
// nothing on their events, appointments and packages (so a coach learns nothing about
// other coaches' people).
var ErrNoSuchPerson = fault.New(fault.NotFound, "no booking, waitlist entry or package purchase with that email on your events")

func normalEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !contact.ValidEmail(email) {
		return "", ErrBadEmail
	}
	return email, nil
}

// ExportBooking returns everything held about the person of a booking,
// for the holder of its manage token, across every event and appointment
// (the token proves the address). Returns booking.ErrNotFound for an
// unknown ref or wrong token.
func (s *Service) ExportBooking(ctx context.Context, ref, token string) (Export, error) {
	b, err := s.booking.PersonOf(ctx, ref, booking.Actor{Token: token})
	if err != nil {
		return Export{}, err
	}
	var out Export
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if out, err = s.export(ctx, tx, b.Email, booking.PersonScope{}); err != nil {
			return err
		}
		return s.record(ctx, tx, "export", "attendee", 0, out.Refs(), out.rows())
	})
	return out, err
}

// ExportPerson returns everything held about email on the events and
// appointments coachID hosts. Returns ErrBadEmail, and ErrNoSuchPerson when
// the email has no booking or waitlist entry there.
func (s *Service) ExportPerson(ctx context.Context, coachID int64, email string) (Export, error) {
	email, err := normalEmail(email)
	if err != nil {
		return Export{}, err
	}
	var out Export
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if out, err = s.export(ctx, tx, email, booking.PersonScope{CoachID: coachID}); err != nil {
			return err
		}
		if out.Empty() {
			return ErrNoSuchPerson
		}
		return s.record(ctx, tx, "export", coachActor(coachID), coachID, out.Refs(), out.rows())
	})
	return out, err
}

func (s *Service) export(ctx context.Context, tx *sqlx.Tx, email string, scope booking.PersonScope) (Export, error) {
	out := Export{Email: email, GeneratedAt: s.now().UTC(), Scope: "all", ErasureRequests: []ErasureRequest{}}
	if scope.CoachID != 0 {
		out.Scope = "coach"
	}
	data, err := s.booking.PersonData(ctx, tx, email, scope)
	if err != nil {
		return Export{}, err
	}
	out.PersonData = data
	ids := make([]int64, len(data.Waitlist))
	for i, e := range data.Waitlist {
		ids[i] = e.ID
	}
	refs := append(data.Refs(), data.PurchaseRefs()...) // package emails carry the purchase's ref
	if out.Messages, err = notify.MessagesAbout(ctx, tx, messagesOf(email, scope, refs, ids)); err != nil {
		return Export{}, err
	}
	if refs := data.Refs(); len(refs) > 0 {
		q, args, err := sqlx.In(`SELECT r.id, r.booking_id, r.coach_id, r.status, r.requested_at, r.erase_after, r.done_at
			FROM erasure_requests r JOIN bookings b ON b.id = r.booking_id WHERE b.ref IN (?) ORDER BY r.id`, refs)
		if err != nil {
			return Export{}, err
		}
		if err := tx.SelectContext(ctx, &out.ErasureRequests, tx.Rebind(q), args...); err != nil {
			return Export{}, fmt.Errorf("erasure requests of a person: %w", err)
		}
	}
	return out, nil
}

// messagesOf names the messages about a person: by address only when the
// scope is everything, since mail sent to the address may be about
// another coach's events.
func messagesOf(email string, scope booking.PersonScope, refs []string, waitlistIDs []int64) notify.Person {
	p := notify.Person{Refs: refs, WaitlistIDs: waitlistIDs}
	if scope.CoachID == 0 {
		p.Email = email
	}
	return p
}

// rows counts the bookings, entries and purchases exported.
func (e Export) rows() int { return len(e.Bookings) + len(e.Waitlist) + len(e.Purchases) }

func coachActor(coachID int64) string { return fmt.Sprintf("coach %d", coachID) }

// record writes one line of the record of exports and erasures: the
// action, who, when and which bookings, never the data itself.
func (s *Service) record(ctx context.Context, ext sqlx.ExtContext, action, actor string, coachID int64, refs []string, rows int) error {
	var coach *int64
	if coachID != 0 {
		coach = &coachID
	}
	_, err := ext.ExecContext(ctx, ext.Rebind(`INSERT INTO privacy_log (action, actor, coach_id, booking_refs, rows_changed, at)
		VALUES (?, ?, ?, ?, ?, ?)`), action, actor, coach, strings.Join(refs, ","), rows, s.now().UTC())
	if err != nil {
		return fmt.Errorf("record %s: %w", action, err)
	}
	return nil
}

// LogEntry is one line of the record of exports and erasures.
type LogEntry struct {
	Action      string    `db:"action" json:"action"`
	Actor       string    `db:"actor" json:"actor"`
	BookingRefs string    `db:"booking_refs" json:"booking_refs"`
	RowsChanged int       `db:"rows_changed" json:"rows_changed"`
	At          time.Time `db:"at" json:"at"`
}

// Log returns the newest limit (at most 500) lines of the record that
// concern coachID's people, or the whole record when coachID is 0.
func (s *Service) Log(ctx context.Context, coachID int64, limit int) ([]LogEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	out := []LogEntry{}
	q, args := `SELECT action, actor, booking_refs, rows_changed, at FROM privacy_log`, []any{}
	if coachID != 0 {
		q, args = q+` WHERE coach_id = ?`, append(args, coachID)
	}
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit)
	if err := s.db.SelectContext(ctx, &out, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("privacy log: %w", err)
	}
	return out, nil
}
