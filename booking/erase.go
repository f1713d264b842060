package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// PersonScope says whose records an export or erasure of a person reaches:
// one coach's (every booking of the events and appointment types they
// host, as any host, whichever coach an appointment is assigned to, and
// the purchases of those types' packages) or, with CoachID 0, everything
// in this Roster.
type PersonScope struct {
	CoachID int64
}

// ErasedName is the name an anonymised booking or waitlist entry keeps.
const ErasedName = "(erased)"

// erasedDomain ends every anonymised address: .invalid never resolves
// (RFC 2606), so no mail can reach one.
const erasedDomain = "@erased.invalid"

// ErasedEmail is the address an anonymised row with this id keeps, unique
// per row so that live keys stay unique.
func ErasedEmail(kind string, id int64) string {
	return fmt.Sprintf("%s-%d%s", kind, id, erasedDomain)
}

// IsErasedEmail reports whether addr is an anonymised address.
func IsErasedEmail(addr string) bool { return strings.HasSuffix(addr, erasedDomain) }

// scopeSQL narrows a bookings query (column prefix p, e.g. "" or "b.") to
// the scope; its arguments follow.
func (sc PersonScope) bookings(p string) (string, []any) {
	if sc.CoachID == 0 {
		return "", nil
	}
	return ` AND (` + p + `event_id IN (SELECT event_id FROM event_hosts WHERE coach_id = ?)
		OR ` + p + `id IN (SELECT a.booking_id FROM appointments a JOIN appointment_type_hosts th
			ON th.appointment_type_id = a.appointment_type_id WHERE th.coach_id = ?)
		OR ` + p + `id IN (SELECT booking_id FROM appointment_hosts WHERE coach_id = ?))`, []any{sc.CoachID, sc.CoachID, sc.CoachID}
}

func (sc PersonScope) waitlist() (string, []any) {
	if sc.CoachID == 0 {
		return "", nil
	}
	return ` AND event_id IN (SELECT event_id FROM event_hosts WHERE coach_id = ?)`, []any{sc.CoachID}
}

// personBookings returns the bookings of email in scope, by id; lock is
// sqldb's ForUpdate clause or "".
func personBookings(ctx context.Context, ext sqlx.ExtContext, email string, scope PersonScope, lock string) ([]Booking, error) {
	clause, args := scope.bookings("")
	out := []Booking{}
	err := sqlx.SelectContext(ctx, ext, &out, ext.Rebind(`SELECT `+bookingColumns+` FROM bookings WHERE email = ?`+clause+` ORDER BY id`+lock),
		append([]any{normalEmail(email)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("bookings of a person: %w", err)
	}
	return out, nil
}

func personEntries(ctx context.Context, ext sqlx.ExtContext, email string, scope PersonScope, lock string) ([]WaitlistEntry, error) {
	clause, args := scope.waitlist()
	out := []WaitlistEntry{}
	err := sqlx.SelectContext(ctx, ext, &out, ext.Rebind(`SELECT `+waitlistColumns+` FROM waitlist WHERE email = ?`+clause+` ORDER BY id`+lock),
		append([]any{normalEmail(email)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("waitlist entries of a person: %w", err)
	}
	return out, nil
}

func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Erased is what erasing a person changed.
type Erased struct {
	Refs      []string // bookings anonymised; their amounts, dates and payment records are kept
	Cancelled []string // live bookings on dates still to come, cancelled first
	EntryIDs  []int64  // waitlist entries anonymised
	Purchases []string // package purchases anonymised, their credit codes forgotten; money records kept
}

// Empty reports whether nothing was changed.
func (e Erased) Empty() bool { return len(e.Refs)+len(e.EntryIDs)+len(e.Purchases) == 0 }

// AllRefs returns the refs of the bookings and purchases changed: the refs
// the messages about them carry.
func (e Erased) AllRefs() []string { return append(append([]string{}, e.Refs...), e.Purchases...) }

// ErasePerson erases email within scope, in the caller's transaction: each
// live booking whose date is still to come is cancelled first through the
// booking table (refunded by the event's policy, no email sent: there is
// nobody left to tell), live waitlist entries leave the line through the
// offer table, then every booking, entry and package purchase is
// anonymised (a purchase's unspent credits can no longer be spent). What the law
// requires to keep stays: refs, amounts, currencies, dates, statuses,
// payment and refund records, history. reason is recorded in the history.
func (s *Service) ErasePerson(ctx context.Context, tx *sqlx.Tx, email string, scope PersonScope, reason string) (Erased, error) {
	out := Erased{Refs: []string{}, Cancelled: []string{}, EntryIDs: []int64{}, Purchases: []string{}}
	list, err := personBookings(ctx, tx, email, scope, s.db.ForUpdate())
	if err != nil {
		return out, err
	}
	now := s.now().UTC()
	for _, b := range list {
		if b.Status.Live() {
			d, err := s.details(ctx, tx, b)
			if err != nil {
				return out, err
			}
			if d.Session.StartsAt.After(now) || b.Status == PendingPayment {
				if b, err = s.cancelForErasure(ctx, tx, b, reason); err != nil {
					return out, err
				}
				out.Cancelled = append(out.Cancelled, b.Ref)
			}
		}
		if err := s.anonymiseBooking(ctx, tx, b); err != nil {
			return out, err
		}
		out.Refs = append(out.Refs, b.Ref)
	}
	entries, err := personEntries(ctx, tx, email, scope, s.db.ForUpdate())
	if err != nil {
		return out, err
	}
	for _, entry := range entries {
		if entry.Status == Waiting || entry.Status == Offered {
			if err := s.setEntryStatus(ctx, tx, &entry, EntryErase, nil); err != nil {
				return out, err
			}
		}
		if err := anonymiseEntry(ctx, tx, entry); err != nil {
			return out, err
		}
		out.EntryIDs = append(out.EntryIDs, entry.ID)
	}
	out.Purchases, err = s.erasePurchases(ctx, tx, email, scope)
	return out, err
}

// cancelForErasure cancels a live booking b (locked) with the refund the
// event's policy gives.
func (s *Service) cancelForErasure(ctx context.Context, tx *sqlx.Tx, b Booking, reason string) (Booking, error) {
	amount, err := s.refundFor(ctx, tx, b, RefundByPolicy)
	if err != nil {
		return Booking{}, err
	}
	if err := s.transition(ctx, tx, &b, ActionCancel, "cancelled: "+reason); err != nil {
		return Booking{}, err
	}
	if amount > 0 {
		if err := s.queueOwnRefund(ctx, tx, b, amount, "cancelled: "+reason); err != nil {
			return Booking{}, err
		}
	}
	return b, nil
}

// anonymiseBooking replaces the personal data of b (locked) and forgets
// what would identify the person: manage tokens, idempotency keys (their
// hash covers name and email), the form nonce, answers and the client's
// time zone of an appointment.
func (s *Service) anonymiseBooking(ctx context.Context, tx *sqlx.Tx, b Booking) error {
	b.Name, b.Email = ErasedName, ErasedEmail("booking", b.ID)
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE bookings SET name = ?, email = ?, answers = '{}', form_nonce = NULL,
		live_key = ?, updated_at = ? WHERE id = ?`), b.Name, b.Email, b.liveKey(), s.now().UTC(), b.ID)
	if err != nil {
		return fmt.Errorf("anonymise booking %s: %w", b.Ref, err)
	}
	for _, q := range []string{
		`DELETE FROM booking_tokens WHERE booking_id = ?`,
		`DELETE FROM idempotency_keys WHERE booking_id = ?`,
		`UPDATE appointments SET timezone = 'UTC' WHERE booking_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), b.ID); err != nil {
			return fmt.Errorf("anonymise booking %s: %w", b.Ref, err)
		}
	}
	return anonymiseDocuments(ctx, tx, b)
}

// anonymiseDocuments replaces the person in what pricing kept of b: the
// buyer on its receipts and credit notes (which are kept, numbers and
// amounts, as tax records must be) and the email in a code's
// once-per-email key (so the erased person could use the code again).
func anonymiseDocuments(ctx context.Context, tx *sqlx.Tx, b Booking) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE receipts SET buyer_name = ?, buyer_email = ? WHERE booking_id = ?`),
		b.Name, b.Email, b.ID); err != nil {
		return fmt.Errorf("anonymise receipts of booking %s: %w", b.Ref, err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE discount_uses SET once_key = CAST(code_id AS TEXT) || ':' || ?
		WHERE booking_id = ? AND once_key IS NOT NULL`), b.Email, b.ID); err != nil {
		return fmt.Errorf("anonymise code use of booking %s: %w", b.Ref, err)
	}
	return nil
}

// anonymiseEntry replaces the personal data of a waitlist entry, keeping
// its live key (one place per person and date) in step.
func anonymiseEntry(ctx context.Context, ext sqlx.ExtContext, entry WaitlistEntry) error {
	email := ErasedEmail("waitlist", entry.ID)
	var key *string
	if entry.Status == Waiting || entry.Status == Offered {
		k := liveKey(entry.SessionID, email)
		key = &k
	}
	_, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE waitlist SET name = ?, email = ?, live_key = ? WHERE id = ?`),
		ErasedName, email, key, entry.ID)
	if err != nil {
		return fmt.Errorf("anonymise waitlist entry %d: %w", entry.ID, err)
	}
	return nil
}

// AnonymiseEnded anonymises, in the caller's transaction, the bookings and
// waitlist entries that coach controls (first host of the event or
// appointment type) whose date or appointment ended before cutoff (UTC),
// and the package purchases of their types that were over by then.
// Bookings stay in their status: nothing is cancelled.
func (s *Service) AnonymiseEnded(ctx context.Context, tx *sqlx.Tx, coachID int64, cutoff time.Time) (Erased, error) {
	out := Erased{Refs: []string{}, Cancelled: []string{}, EntryIDs: []int64{}, Purchases: []string{}}
	var list []Booking
	err := tx.SelectContext(ctx, &list, tx.Rebind(`SELECT `+bookingColumns+` FROM bookings
		WHERE email NOT LIKE '%`+erasedDomain+`' AND (session_id IN (`+controlledSessionsEnded+`)
			OR id IN (`+controlledAppointmentsEnded+`)) ORDER BY id`+s.db.ForUpdate()), coachID, cutoff, coachID, cutoff)
	if err != nil {
		return out, fmt.Errorf("bookings past retention: %w", err)
	}
	for _, b := range list {
		if err := s.anonymiseBooking(ctx, tx, b); err != nil {
			return out, err
		}
		out.Refs = append(out.Refs, b.Ref)
	}
	var entries []WaitlistEntry
	err = tx.SelectContext(ctx, &entries, tx.Rebind(`SELECT `+waitlistColumns+` FROM waitlist
		WHERE email NOT LIKE '%`+erasedDomain+`' AND session_id IN (`+controlledSessionsEnded+`) ORDER BY id`+s.db.ForUpdate()), coachID, cutoff)
	if err != nil {
		return out, fmt.Errorf("waitlist entries past retention: %w", err)
	}
	for _, entry := range entries {
		if err := anonymiseEntry(ctx, tx, entry); err != nil {
			return out, err
		}
		out.EntryIDs = append(out.EntryIDs, entry.ID)
	}
	out.Purchases, err = s.anonymiseEndedPurchases(ctx, tx, coachID, cutoff)
	return out, err
}

// The sessions and appointments a coach controls (as first host) that
// ended before a time; arguments: coach id, time.
const (
	controlledSessionsEnded = `SELECT s.id FROM sessions s JOIN event_hosts h ON h.event_id = s.event_id
		WHERE h.coach_id = ? AND s.ends_at < ?
			AND h.position = (SELECT MIN(h2.position) FROM event_hosts h2 WHERE h2.event_id = s.event_id)`
	controlledAppointmentsEnded = `SELECT a.booking_id FROM appointments a
		JOIN appointment_type_hosts th ON th.appointment_type_id = a.appointment_type_id
		WHERE th.coach_id = ? AND a.ends_at < ?
			AND th.position = (SELECT MIN(t2.position) FROM appointment_type_hosts t2 WHERE t2.appointment_type_id = a.appointment_type_id)`
)
