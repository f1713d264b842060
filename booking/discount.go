package booking

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/money"
	"github.com/roster-app/roster/sqldb"
)

// DiscountCode takes a percentage or a fixed amount off bookings of a
// coach's events: all of them (AllEvents) or those listed.
type DiscountCode struct {
	ID             int64      `db:"id"`
	CoachID        int64      `db:"coach_id"`
	Code           string     `db:"code"` // upper case, as typed in a form or a ?code= link
	PercentOff     *int       `db:"percent_off"`
	AmountOffCents *int64     `db:"amount_off_cents"` // minor units of Currency
	Currency       string     `db:"currency"`         // ISO 4217 for AmountOffCents; "" for a percentage
	MaxUses        *int       `db:"max_uses"`         // nil: unlimited
	Uses           int        `db:"uses"`             // bookings live or paid that used it; a cancelled one gives its use back
	OncePerEmail   bool       `db:"once_per_email"`
	AllEvents      bool       `db:"all_events"`
	ValidFrom      *time.Time `db:"valid_from"`  // UTC
	ValidUntil     *time.Time `db:"valid_until"` // UTC, exclusive
	CreatedAt      time.Time  `db:"created_at"`
	// EventSlugs are the events the code is for, when not AllEvents.
	EventSlugs []string `db:"-"`
}

func (c DiscountCode) discount() money.Discount {
	if c.PercentOff != nil {
		return money.Discount{PercentOff: *c.PercentOff}
	}
	return money.Discount{AmountOffCents: *c.AmountOffCents}
}

// DiscountCodeInput is a code as a coach creates it: PercentOff or
// AmountOffCents (with Currency, or the listed events' currency); no
// EventSlugs means every event the coach hosts.
type DiscountCodeInput struct {
	Code           string
	PercentOff     *int
	AmountOffCents *int64
	Currency       string
	MaxUses        *int
	OncePerEmail   bool
	EventSlugs     []string
	ValidFrom      *time.Time
	ValidUntil     *time.Time
}

var codePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{2,39}$`)

// NormalizeCode is how a code typed by a person is looked up: trimmed and
// upper-cased.
func NormalizeCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// Errors of discount codes.
var (
	ErrCodeUsedUp = &fault.Error{Code: fault.Invalid, Message: "this discount code has been used up",
		Fields: map[string]string{"discount_code": "has been used up"}}
	ErrCodeUnknown = &fault.Error{Code: fault.Invalid, Message: "this discount code is not valid for this event",
		Fields: map[string]string{"discount_code": "is not valid for this event"}}
	ErrCodeUsedByEmail = &fault.Error{Code: fault.Invalid, Message: "this discount code was already used with this email",
		Fields: map[string]string{"discount_code": "was already used with this email"}}
	ErrCodeNotValidNow = &fault.Error{Code: fault.Invalid, Message: "this discount code is not valid now",
		Fields: map[string]string{"discount_code": "is not valid now"}}
)

const discountColumns = `id, coach_id, code, percent_off, amount_off_cents, currency, max_uses, uses, once_per_email,
	all_events, valid_from, valid_until, created_at`

// CreateDiscountCode creates a code for the coach's events. Returns a
// fault.Invalid error naming bad fields (also for a code the coach already
// has, or a listed event the coach does not host).
func (s *Service) CreateDiscountCode(ctx context.Context, coachID int64, in DiscountCodeInput) (DiscountCode, error) {
	in.Code, in.Currency = NormalizeCode(in.Code), strings.ToUpper(strings.TrimSpace(in.Currency))
	var f fault.Fields
	f.Check(codePattern.MatchString(in.Code), "code", "must be 3 to 40 letters, digits, - or _")
	f.Check((in.PercentOff == nil) != (in.AmountOffCents == nil), "percent_off", "give percent_off or amount_off_cents, not both")
	if in.PercentOff != nil {
		f.Check(*in.PercentOff >= 1 && *in.PercentOff <= 100, "percent_off", "must be between 1 and 100")
	}
	if in.AmountOffCents != nil {
		f.Check(*in.AmountOffCents >= 1 && *in.AmountOffCents <= events.MaxPriceCents, "amount_off_cents", "must be between 1 and 10,000,000")
	}
	if in.MaxUses != nil {
		f.Check(*in.MaxUses >= 1 && *in.MaxUses <= 1_000_000, "max_uses", "must be between 1 and 1,000,000")
	}
	if in.ValidFrom != nil && in.ValidUntil != nil {
		f.Check(in.ValidFrom.Before(*in.ValidUntil), "valid_until", "must be after valid_from")
	}
	f.Check(len(in.EventSlugs) <= 100, "events", "at most 100 events")
	if err := f.Err(); err != nil {
		return DiscountCode{}, err
	}
	c := DiscountCode{CoachID: coachID, Code: in.Code, PercentOff: in.PercentOff, AmountOffCents: in.AmountOffCents,
		MaxUses: in.MaxUses, OncePerEmail: in.OncePerEmail, AllEvents: len(in.EventSlugs) == 0,
		ValidFrom: utcOrNil(in.ValidFrom), ValidUntil: utcOrNil(in.ValidUntil), CreatedAt: s.now().UTC()}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var eventIDs []int64
		for _, slug := range in.EventSlugs {
			e, err := events.HostedEventIn(ctx, tx, coachID, slug)
			if errors.Is(err, events.ErrNotFound) {
				return &fault.Error{Code: fault.Invalid, Message: "a code can only be for your own events",
					Fields: map[string]string{"events": slug + " is not one of your events"}}
			}
			if err != nil {
				return err
			}
			if in.Currency == "" {
				in.Currency = e.Currency
			}
			if in.AmountOffCents != nil && e.Currency != in.Currency {
				return &fault.Error{Code: fault.Invalid, Message: "a fixed amount off needs events in one currency",
					Fields: map[string]string{"events": slug + " is sold in " + e.Currency}}
			}
			eventIDs = append(eventIDs, e.ID)
			c.EventSlugs = append(c.EventSlugs, e.Slug)
		}
		if in.AmountOffCents != nil {
			if money.Chargeable(in.Currency) != nil {
				return &fault.Error{Code: fault.Invalid, Message: "a fixed amount off needs a currency",
					Fields: map[string]string{"currency": "must be an ISO 4217 code such as GBP"}}
			}
			c.Currency = in.Currency
		}
		var taken int
		if err := tx.GetContext(ctx, &taken, tx.Rebind(`SELECT COUNT(*) FROM discount_codes WHERE coach_id = ? AND code = ?`), coachID, c.Code); err != nil {
			return fmt.Errorf("look up discount code: %w", err)
		}
		if taken > 0 {
			return &fault.Error{Code: fault.Invalid, Message: "you already have this code", Fields: map[string]string{"code": "is already one of your codes"}}
		}
		q, args, err := sqlx.Named(`INSERT INTO discount_codes (coach_id, code, percent_off, amount_off_cents, currency, max_uses,
			uses, once_per_email, all_events, valid_from, valid_until, created_at) VALUES (:coach_id, :code, :percent_off,
			:amount_off_cents, :currency, :max_uses, 0, :once_per_email, :all_events, :valid_from, :valid_until, :created_at) RETURNING id`, c)
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &c.ID, tx.Rebind(q), args...); err != nil {
			if sqldb.IsUniqueViolation(err) {
				return &fault.Error{Code: fault.Invalid, Message: "you already have this code", Fields: map[string]string{"code": "is already one of your codes"}}
			}
			return fmt.Errorf("insert discount code: %w", err)
		}
		for _, id := range eventIDs {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO discount_code_events (code_id, event_id) VALUES (?, ?)`), c.ID, id); err != nil {
				return fmt.Errorf("discount code event: %w", err)
			}
		}
		return nil
	})
	return c, err
}

// codeForBooking returns the code a booking of e by email may use at now:
// one of e's hosts' codes, for all their events or for e. Returns
// ErrCodeUnknown, ErrCodeNotValidNow outside its window, ErrCodeUsedUp and
// ErrCodeUsedByEmail (fast answers: takeCodeUse is the real check).
func codeForBooking(ctx context.Context, ext sqlx.ExtContext, e events.Event, code, email string, now time.Time) (DiscountCode, error) {
	if len(e.Hosts) == 0 {
		return DiscountCode{}, ErrCodeUnknown
	}
	hostIDs := make([]int64, len(e.Hosts))
	for i, h := range e.Hosts {
		hostIDs[i] = h.CoachID
	}
	q, args, err := sqlx.In(`SELECT `+discountColumns+` FROM discount_codes c WHERE code = ? AND coach_id IN (?)
		AND (all_events OR EXISTS (SELECT 1 FROM discount_code_events ce WHERE ce.code_id = c.id AND ce.event_id = ?))
		ORDER BY id`, NormalizeCode(code), hostIDs, e.ID)
	if err != nil {
		return DiscountCode{}, err
	}
	var found []DiscountCode
	if err := sqlx.SelectContext(ctx, ext, &found, ext.Rebind(q), args...); err != nil {
		return DiscountCode{}, fmt.Errorf("look up discount code: %w", err)
	}
	if len(found) == 0 || found[0].AmountOffCents != nil && found[0].Currency != e.Currency {
		return DiscountCode{}, ErrCodeUnknown
	}
	c := found[0]
	switch {
	case c.ValidFrom != nil && now.Before(*c.ValidFrom), c.ValidUntil != nil && !now.Before(*c.ValidUntil):
		return DiscountCode{}, ErrCodeNotValidNow
	case c.MaxUses != nil && c.Uses >= *c.MaxUses:
		return DiscountCode{}, ErrCodeUsedUp
	}
	if c.OncePerEmail {
		var n int
		if err := sqlx.GetContext(ctx, ext, &n, ext.Rebind(`SELECT COUNT(*) FROM discount_uses WHERE once_key = ?`), onceKey(c.ID, email)); err != nil {
			return DiscountCode{}, fmt.Errorf("look up discount use: %w", err)
		}
		if n > 0 {
			return DiscountCode{}, ErrCodeUsedByEmail
		}
	}
	return c, nil
}

func onceKey(codeID int64, email string) string { return fmt.Sprintf("%d:%s", codeID, email) }

// takeCodeUse counts a use of c by booking b in one guarded statement
// (ErrCodeUsedUp if the last use is gone) and records it; a second use by
// a once-per-email code's email fails on once_key's uniqueness, which
// Reserve retries into ErrCodeUsedByEmail.
func takeCodeUse(ctx context.Context, ext sqlx.ExtContext, c DiscountCode, b Booking, amountCents int64, now time.Time) error {
	res, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE discount_codes SET uses = uses + 1
		WHERE id = ? AND (max_uses IS NULL OR uses < max_uses)`), c.ID)
	if err != nil {
		return fmt.Errorf("take a use of code %d: %w", c.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return ErrCodeUsedUp
	}
	var key *string
	if c.OncePerEmail {
		k := onceKey(c.ID, b.Email)
		key = &k
	}
	if _, err := ext.ExecContext(ctx, ext.Rebind(`INSERT INTO discount_uses (code_id, booking_id, once_key, amount_cents, created_at)
		VALUES (?, ?, ?, ?, ?)`), c.ID, b.ID, key, amountCents, now); err != nil {
		return fmt.Errorf("record use of code %d: %w", c.ID, err)
	}
	return nil
}

// releaseCodeUse gives back the use of a code by a booking that stopped
// being live, if it had one that counts.
func releaseCodeUse(ctx context.Context, ext sqlx.ExtContext, bookingID int64, now time.Time) error {
	var codeID int64
	err := sqlx.GetContext(ctx, ext, &codeID, ext.Rebind(`UPDATE discount_uses SET released_at = ?, once_key = NULL
		WHERE booking_id = ? AND released_at IS NULL RETURNING code_id`), now, bookingID)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("release code use of booking %d: %w", bookingID, err)
	}
	if _, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE discount_codes SET uses = uses - 1 WHERE id = ? AND uses > 0`), codeID); err != nil {
		return fmt.Errorf("release a use of code %d: %w", codeID, err)
	}
	return nil
}

// retakeCodeUse counts again the released use of a booking revived by a
// late payment; false if the code's last use, or the email's one use, is
// gone meanwhile. A booking without a code is always fine.
func retakeCodeUse(ctx context.Context, ext sqlx.ExtContext, b Booking) (bool, error) {
	var c DiscountCode
	err := sqlx.GetContext(ctx, ext, &c, ext.Rebind(`SELECT `+discountColumns+` FROM discount_codes WHERE id =
		(SELECT code_id FROM discount_uses WHERE booking_id = ? AND released_at IS NOT NULL)`), b.ID)
	if isNoRows(err) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("code of booking %d: %w", b.ID, err)
	}
	var key *string
	if c.OncePerEmail {
		k := onceKey(c.ID, b.Email)
		var n int
		if err := sqlx.GetContext(ctx, ext, &n, ext.Rebind(`SELECT COUNT(*) FROM discount_uses WHERE once_key = ?`), k); err != nil {
			return false, fmt.Errorf("look up discount use: %w", err)
		}
		if n > 0 {
			return false, nil
		}
		key = &k
	}
	res, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE discount_codes SET uses = uses + 1
		WHERE id = ? AND (max_uses IS NULL OR uses < max_uses)`), c.ID)
	if err != nil {
		return false, fmt.Errorf("take a use of code %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if _, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE discount_uses SET released_at = NULL, once_key = ? WHERE booking_id = ?`), key, b.ID); err != nil {
		return false, fmt.Errorf("retake code use of booking %d: %w", b.ID, err)
	}
	return true, nil
}

func utcOrNil(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// bookingCode returns the code a booking used, or "" for none.
func bookingCode(ctx context.Context, ext sqlx.ExtContext, bookingID int64) (string, error) {
	var code string
	err := sqlx.GetContext(ctx, ext, &code, ext.Rebind(`SELECT c.code FROM discount_uses u JOIN discount_codes c ON c.id = u.code_id
		WHERE u.booking_id = ?`), bookingID)
	if isNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("code of booking %d: %w", bookingID, err)
	}
	return code, nil
}

// DiscountCodes lists the coach's codes, newest first, with the events
// each is for.
func (s *Service) DiscountCodes(ctx context.Context, coachID int64) ([]DiscountCode, error) {
	var list []DiscountCode
	if err := s.db.SelectContext(ctx, &list, s.db.Rebind(`SELECT `+discountColumns+` FROM discount_codes
		WHERE coach_id = ? ORDER BY id DESC`), coachID); err != nil {
		return nil, fmt.Errorf("discount codes of coach %d: %w", coachID, err)
	}
	for i := range list {
		if list[i].AllEvents {
			continue
		}
		if err := s.db.SelectContext(ctx, &list[i].EventSlugs, s.db.Rebind(`SELECT e.slug FROM discount_code_events ce
			JOIN events e ON e.id = ce.event_id WHERE ce.code_id = ? ORDER BY e.slug`), list[i].ID); err != nil {
			return nil, fmt.Errorf("events of discount code %d: %w", list[i].ID, err)
		}
	}
	return list, nil
}
