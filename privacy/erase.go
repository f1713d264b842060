package privacy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/notify"
)

// Erasure is what erasing a person did.
type Erasure struct {
	Refs      []string `json:"refs"`      // bookings anonymised (money records kept)
	Cancelled []string `json:"cancelled"` // future bookings cancelled first, refunded by policy
	Waitlist  int      `json:"waitlist"`  // waitlist entries anonymised
	Packages  []string `json:"packages"`  // package purchases anonymised (money records kept)
	Messages  int64    `json:"messages"`  // outbox rows deleted (unsent) or emptied
}

// RequestErasure records the request of a booking's person (holder of its
// manage token) to be erased everywhere in this Roster. The coach who
// controls the booking may confirm it at once; otherwise it is carried out
// after the coach's grace period (coaches.Privacy.EraseAfterDays). A
// second request while one is pending returns the first. Returns
// booking.ErrNotFound for an unknown ref or wrong token.
func (s *Service) RequestErasure(ctx context.Context, ref, token string) (ErasureRequest, error) {
	b, err := s.booking.PersonOf(ctx, ref, booking.Actor{Token: token})
	if err != nil {
		return ErasureRequest{}, err
	}
	var out ErasureRequest
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &out, tx.Rebind(`SELECT id, booking_id, coach_id, status, requested_at, erase_after, done_at
			FROM erasure_requests WHERE booking_id = ? AND status = 'pending'`), b.ID)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("pending erasure request: %w", err)
		}
		p, err := booking.ControllerPrivacy(ctx, tx, b)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		out = ErasureRequest{BookingID: b.ID, CoachID: p.CoachID, Status: "pending", RequestedAt: now,
			EraseAfter: now.Add(time.Duration(p.EraseAfterDays) * 24 * time.Hour)}
		q, args, err := sqlx.Named(`INSERT INTO erasure_requests (booking_id, coach_id, status, requested_at, erase_after)
			VALUES (:booking_id, :coach_id, :status, :requested_at, :erase_after) RETURNING id`, out)
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out.ID, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("record erasure request: %w", err)
		}
		return s.record(ctx, tx, "erasure_requested", "attendee", p.CoachID, []string{b.Ref}, 0)
	})
	return out, err
}

// PendingErasures lists the pending erasure requests coachID may confirm,
// soonest first, with each booking's ref.
func (s *Service) PendingErasures(ctx context.Context, coachID int64) ([]PendingErasure, error) {
	out := []PendingErasure{}
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT r.id, b.ref, r.requested_at, r.erase_after
		FROM erasure_requests r JOIN bookings b ON b.id = r.booking_id
		WHERE r.coach_id = ? AND r.status = 'pending' ORDER BY r.erase_after, r.id`), coachID)
	if err != nil {
		return nil, fmt.Errorf("pending erasures: %w", err)
	}
	return out, nil
}

// PendingErasure is a pending request as a coach sees it. Times are UTC.
type PendingErasure struct {
	ID          int64     `db:"id" json:"id"`
	Ref         string    `db:"ref" json:"ref"`
	RequestedAt time.Time `db:"requested_at" json:"requested_at"`
	EraseAfter  time.Time `db:"erase_after" json:"erase_after"`
}

// ErasePerson erases email from the events and appointments coachID hosts,
// now: future bookings are cancelled (refunded by policy), then bookings,
// waitlist entries and messages are anonymised. Pending requests of those
// bookings are marked done. Returns ErrBadEmail and ErrNoSuchPerson.
func (s *Service) ErasePerson(ctx context.Context, coachID int64, email string) (Erasure, error) {
	email, err := normalEmail(email)
	if err != nil {
		return Erasure{}, err
	}
	var out Erasure
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		out, err = s.erase(ctx, tx, email, booking.PersonScope{CoachID: coachID}, coachActor(coachID), coachID)
		if err == nil && len(out.Refs)+out.Waitlist+len(out.Packages) == 0 {
			return ErrNoSuchPerson // rolls back the record of an erasure that erased nothing
		}
		return err
	})
	return out, err
}

// EraseDue carries out the pending requests whose grace period ended by
// now, each in its own transaction, and returns how many it carried out.
func (s *Service) EraseDue(ctx context.Context) (int, error) {
	var due []ErasureRequest
	if err := s.db.SelectContext(ctx, &due, s.db.Rebind(`SELECT id, booking_id, coach_id, status, requested_at, erase_after, done_at
		FROM erasure_requests WHERE status = 'pending' AND erase_after <= ? ORDER BY id`), s.now().UTC()); err != nil {
		return 0, fmt.Errorf("due erasures: %w", err)
	}
	for i, r := range due {
		if err := s.carryOut(ctx, r.ID, 0); err != nil {
			return i, err
		}
	}
	return len(due), nil
}

// ConfirmErasure carries out a pending request now, for the coach who
// controls its booking; another coach, or a request already done, gets
// booking.ErrNotFound.
func (s *Service) ConfirmErasure(ctx context.Context, coachID, requestID int64) error {
	return s.carryOut(ctx, requestID, coachID)
}

// carryOut erases the person of request id everywhere (the scope the
// attendee asked for). coachID 0 is the worker.
func (s *Service) carryOut(ctx context.Context, id, coachID int64) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var r struct {
			CoachID int64  `db:"coach_id"`
			Email   string `db:"email"`
		}
		err := tx.GetContext(ctx, &r, tx.Rebind(`SELECT r.coach_id, b.email FROM erasure_requests r JOIN bookings b ON b.id = r.booking_id
			WHERE r.id = ? AND r.status = 'pending'`), id)
		if errors.Is(err, sql.ErrNoRows) || err == nil && coachID != 0 && r.CoachID != coachID {
			return booking.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("erasure request %d: %w", id, err)
		}
		actor := "grace period ended"
		if coachID != 0 {
			actor = coachActor(coachID) + " confirmed"
		}
		if !booking.IsErasedEmail(r.Email) {
			if _, err := s.erase(ctx, tx, r.Email, booking.PersonScope{}, actor, r.CoachID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE erasure_requests SET status = 'done', done_at = ? WHERE id = ?`), s.now().UTC(), id); err != nil {
			return fmt.Errorf("close erasure request %d: %w", id, err)
		}
		return nil
	})
}

func (s *Service) erase(ctx context.Context, tx *sqlx.Tx, email string, scope booking.PersonScope, actor string, coachID int64) (Erasure, error) {
	erased, err := s.booking.ErasePerson(ctx, tx, email, scope, "erasure of personal data")
	if err != nil {
		return Erasure{}, err
	}
	out := Erasure{Refs: erased.Refs, Cancelled: erased.Cancelled, Waitlist: len(erased.EntryIDs), Packages: erased.Purchases}
	if out.Messages, err = notify.ForgetPerson(ctx, tx, messagesOf(email, scope, erased.AllRefs(), erased.EntryIDs)); err != nil {
		return Erasure{}, err
	}
	if len(erased.Refs) > 0 {
		q, args, err := sqlx.In(`UPDATE erasure_requests SET status = 'done', done_at = ?
			WHERE status = 'pending' AND booking_id IN (SELECT id FROM bookings WHERE ref IN (?))`, s.now().UTC(), erased.Refs)
		if err != nil {
			return Erasure{}, err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return Erasure{}, fmt.Errorf("close erasure requests: %w", err)
		}
	}
	rows := len(out.Refs) + out.Waitlist + len(out.Packages) + int(out.Messages)
	return out, s.record(ctx, tx, "erased", actor, coachID, erased.AllRefs(), rows)
}

// minRetention guards against a setting below the floor.
var minRetention = time.Duration(coaches.MinRetentionDays) * 24 * time.Hour
