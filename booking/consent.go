package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/fault"
)

// Consent is what an attendee ticked on the booking form: the coach's
// terms (required when the coach asks for consent) and, separately,
// marketing (never ticked for them).
type Consent struct {
	Terms     bool
	Marketing bool
}

// ConsentRecord is a consent given or declined, with the exact text and
// its version. Times are UTC.
type ConsentRecord struct {
	BookingID   int64     `db:"booking_id" json:"-"`
	Kind        string    `db:"kind" json:"kind"` // "terms" or "marketing"
	Granted     bool      `db:"granted" json:"granted"`
	CoachID     int64     `db:"coach_id" json:"-"`
	TextVersion int       `db:"text_version" json:"text_version"`
	Text        string    `db:"text" json:"text"`
	NoticeURL   string    `db:"notice_url" json:"notice_url"`
	At          time.Time `db:"at" json:"at"`
}

// ErrConsentRequired is returned when a coach requires consent to their
// terms and the box was not ticked.
var ErrConsentRequired = &fault.Error{Code: fault.Invalid, Message: "please agree to the terms to book",
	Fields: map[string]string{"consent.terms": "must be ticked to book"}}

// Controller returns the coach whose privacy settings govern a booking:
// the first host of its event, or of its appointment type.
func controllerOf(ctx context.Context, ext sqlx.ExtContext, b Booking) (int64, error) {
	var ids []int64
	var err error
	if b.IsAppointment() {
		err = sqlx.SelectContext(ctx, ext, &ids, ext.Rebind(`SELECT th.coach_id FROM appointments a
			JOIN appointment_type_hosts th ON th.appointment_type_id = a.appointment_type_id
			WHERE a.booking_id = ? ORDER BY th.position LIMIT 1`), b.ID)
	} else {
		err = sqlx.SelectContext(ctx, ext, &ids, ext.Rebind(`SELECT coach_id FROM event_hosts WHERE event_id = ? ORDER BY position LIMIT 1`), b.EventID)
	}
	if err != nil {
		return 0, fmt.Errorf("controller of %s: %w", b.Ref, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

// ControllerPrivacy returns the privacy settings that govern booking b.
func ControllerPrivacy(ctx context.Context, ext sqlx.ExtContext, b Booking) (coaches.Privacy, error) {
	coachID, err := controllerOf(ctx, ext, b)
	if err != nil {
		return coaches.Privacy{}, err
	}
	return coaches.PrivacyOf(ctx, ext, coachID)
}

// recordConsents checks the consent the controller requires and records
// what the attendee agreed to (terms when asked for, marketing when
// offered, ticked or not). Returns ErrConsentRequired.
func recordConsents(ctx context.Context, ext sqlx.ExtContext, b Booking, c Consent, now time.Time) error {
	p, err := ControllerPrivacy(ctx, ext, b)
	if err != nil {
		return err
	}
	return recordConsentsWith(ctx, ext, b, c, p, now)
}

// recordConsentsWith is recordConsents with the controller's settings p
// already read.
func recordConsentsWith(ctx context.Context, ext sqlx.ExtContext, b Booking, c Consent, p coaches.Privacy, now time.Time) error {
	if p.RequireConsent && !c.Terms {
		return ErrConsentRequired
	}
	for _, r := range consentRecords(c, p) {
		r.BookingID, r.CoachID, r.TextVersion, r.NoticeURL, r.At = b.ID, p.CoachID, p.TextVersion, p.NoticeURL, now
		q, args, err := sqlx.Named(`INSERT INTO booking_consents (booking_id, kind, granted, coach_id, text_version, text, notice_url, at)
			VALUES (:booking_id, :kind, :granted, :coach_id, :text_version, :text, :notice_url, :at)`, r)
		if err != nil {
			return err
		}
		if _, err := ext.ExecContext(ctx, ext.Rebind(q), args...); err != nil {
			return fmt.Errorf("record %s consent of %s: %w", r.Kind, b.Ref, err)
		}
	}
	return nil
}

// consentRecords are the records of what an attendee agreed to under the
// controller's settings p: terms when asked for, marketing when offered
// (ticked or not). Their booking, coach, version and time are left for
// the caller.
func consentRecords(c Consent, p coaches.Privacy) []ConsentRecord {
	var records []ConsentRecord
	if p.Terms != "" && (p.RequireConsent || c.Terms) {
		records = append(records, ConsentRecord{Kind: "terms", Granted: c.Terms, Text: p.Terms})
	}
	if p.MarketingText != "" {
		records = append(records, ConsentRecord{Kind: "marketing", Granted: c.Marketing, Text: p.MarketingText})
	}
	return records
}

// consentsOf returns the consents recorded for a booking, oldest first.
func consentsOf(ctx context.Context, ext sqlx.ExtContext, bookingID int64) ([]ConsentRecord, error) {
	out := []ConsentRecord{}
	err := sqlx.SelectContext(ctx, ext, &out, ext.Rebind(`SELECT booking_id, kind, granted, coach_id, text_version, text, notice_url, at
		FROM booking_consents WHERE booking_id = ? ORDER BY id`), bookingID)
	if err != nil {
		return nil, fmt.Errorf("consents of booking %d: %w", bookingID, err)
	}
	return out, nil
}

// Consents returns the consents recorded with a booking the actor may see.
func (s *Service) Consents(ctx context.Context, ref string, actor Actor) ([]ConsentRecord, error) {
	b, err := s.authorize(ctx, s.db, ref, actor, "")
	if err != nil {
		return nil, err
	}
	return consentsOf(ctx, s.db, b.ID)
}
