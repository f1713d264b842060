package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// PersonBooking is one booking as a person's export shows it. Amounts are
// minor units of Currency; times are UTC.
type PersonBooking struct {
	Ref           string          `json:"ref"`
	Status        Status          `json:"status"`
	Name          string          `json:"name"`
	Email         string          `json:"email"`
	Seats         int             `json:"seats"`
	AmountCents   int64           `json:"amount_cents"`
	RefundedCents int64           `json:"refunded_cents"`
	Currency      string          `json:"currency"`
	Answers       Answers         `json:"answers"`
	What          string          `json:"what"` // the event's or appointment type's title
	StartsAt      time.Time       `json:"starts_at"`
	EndsAt        time.Time       `json:"ends_at"`
	Timezone      string          `json:"timezone,omitempty"` // the client's zone, for an appointment
	CheckedInAt   *time.Time      `json:"checked_in_at,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
	Consents      []ConsentRecord `json:"consents"`
	History       []HistoryLine   `json:"history"`
	Refunds       []PersonRefund  `json:"refunds"`
	// ManageLinks counts the manage links issued (only their hashes are
	// stored); IdempotencyKeys are the keys an API client sent with it.
	ManageLinks     int      `json:"manage_links"`
	IdempotencyKeys []string `json:"idempotency_keys"`
}

// HistoryLine is one status change of a booking.
type HistoryLine struct {
	From   string    `db:"from_status" json:"from"`
	To     string    `db:"to_status" json:"to"`
	Reason string    `db:"reason" json:"reason"`
	At     time.Time `db:"at" json:"at"`
}

// PersonRefund is a refund of a booking, in minor units of Currency.
type PersonRefund struct {
	AmountCents int64     `db:"amount_cents" json:"amount_cents"`
	Currency    string    `db:"currency" json:"currency"`
	Status      string    `db:"status" json:"status"` // pending, succeeded or failed
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
	UpdatedAt   time.Time `db:"updated_at" json:"updated_at"`
}

// PersonEntry is one waitlist entry as a person's export shows it.
type PersonEntry struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Email     string         `json:"email"`
	Seats     int            `json:"seats"`
	Status    WaitlistStatus `json:"status"`
	What      string         `json:"what"`
	StartsAt  time.Time      `json:"starts_at"`
	CreatedAt time.Time      `json:"created_at"`
}

// PersonData is what booking holds about one email within a scope.
type PersonData struct {
	Bookings []PersonBooking `json:"bookings"`
	Waitlist []PersonEntry   `json:"waitlist"`
	// Purchases are the person's package purchases.
	Purchases []PersonPurchase `json:"package_purchases"`
}

// PurchaseRefs returns the refs of the person's package purchases.
func (p PersonData) PurchaseRefs() []string {
	refs := make([]string, len(p.Purchases))
	for i, pp := range p.Purchases {
		refs[i] = pp.Ref
	}
	return refs
}

// Empty reports whether nothing is held.
func (p PersonData) Empty() bool { return len(p.Bookings)+len(p.Waitlist)+len(p.Purchases) == 0 }

// Refs returns the refs of the person's bookings.
func (p PersonData) Refs() []string {
	refs := make([]string, len(p.Bookings))
	for i, b := range p.Bookings {
		refs[i] = b.Ref
	}
	return refs
}

// PersonData returns, on ext, everything booking holds about email within
// scope: bookings with their consents, history, refunds and idempotency
// keys, waitlist entries, and package purchases with their history and
// credit uses.
func (s *Service) PersonData(ctx context.Context, ext sqlx.ExtContext, email string, scope PersonScope) (PersonData, error) {
	out := PersonData{Bookings: []PersonBooking{}, Waitlist: []PersonEntry{}, Purchases: []PersonPurchase{}}
	list, err := personBookings(ctx, ext, email, scope, "")
	if err != nil {
		return out, err
	}
	for _, b := range list {
		pb, err := s.personBooking(ctx, ext, b)
		if err != nil {
			return out, err
		}
		out.Bookings = append(out.Bookings, pb)
	}
	entries, err := personEntries(ctx, ext, email, scope, "")
	if err != nil {
		return out, err
	}
	for _, e := range entries {
		var row struct {
			Title    string    `db:"title"`
			StartsAt time.Time `db:"starts_at"`
		}
		if err := sqlx.GetContext(ctx, ext, &row, ext.Rebind(`SELECT e.title, s.starts_at FROM sessions s JOIN events e ON e.id = s.event_id WHERE s.id = ?`), e.SessionID); err != nil {
			return out, fmt.Errorf("waitlist entry %d: %w", e.ID, err)
		}
		out.Waitlist = append(out.Waitlist, PersonEntry{ID: e.ID, Name: e.Name, Email: e.Email, Seats: e.Seats, Status: e.Status,
			What: row.Title, StartsAt: row.StartsAt.UTC(), CreatedAt: e.CreatedAt.UTC()})
	}
	purchases, err := personPurchases(ctx, ext, email, scope, "")
	if err != nil {
		return out, err
	}
	for _, p := range purchases {
		pp, err := personPurchase(ctx, ext, p)
		if err != nil {
			return out, err
		}
		out.Purchases = append(out.Purchases, pp)
	}
	return out, nil
}

func (s *Service) personBooking(ctx context.Context, ext sqlx.ExtContext, b Booking) (PersonBooking, error) {
	d, err := s.details(ctx, ext, b)
	if err != nil {
		return PersonBooking{}, err
	}
	pb := PersonBooking{Ref: b.Ref, Status: b.Status, Name: b.Name, Email: b.Email, Seats: b.Seats, AmountCents: b.AmountCents,
		RefundedCents: b.RefundedCents, Currency: b.Currency, Answers: b.Answers, What: d.Event.Title,
		StartsAt: d.Session.StartsAt.UTC(), EndsAt: d.Session.EndsAt.UTC(), CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(),
		History: []HistoryLine{}, Refunds: []PersonRefund{}, IdempotencyKeys: []string{}}
	if d.Appointment != nil {
		pb.Timezone = d.Appointment.Timezone
	}
	if pb.Answers == nil {
		pb.Answers = Answers{}
	}
	if err := sqlx.GetContext(ctx, ext, &pb.CheckedInAt, ext.Rebind(`SELECT checked_in_at FROM bookings WHERE id = ?`), b.ID); err != nil {
		return PersonBooking{}, fmt.Errorf("check-in of %s: %w", b.Ref, err)
	}
	if pb.Consents, err = consentsOf(ctx, ext, b.ID); err != nil {
		return PersonBooking{}, err
	}
	if err := sqlx.SelectContext(ctx, ext, &pb.History, ext.Rebind(`SELECT from_status, to_status, reason, at FROM booking_history WHERE booking_id = ? ORDER BY id`), b.ID); err != nil {
		return PersonBooking{}, fmt.Errorf("history of %s: %w", b.Ref, err)
	}
	if err := sqlx.GetContext(ctx, ext, &pb.ManageLinks, ext.Rebind(`SELECT COUNT(*) FROM booking_tokens WHERE booking_id = ?`), b.ID); err != nil {
		return PersonBooking{}, fmt.Errorf("manage links of %s: %w", b.Ref, err)
	}
	if err := sqlx.SelectContext(ctx, ext, &pb.IdempotencyKeys, ext.Rebind(`SELECT key FROM idempotency_keys WHERE booking_id = ? ORDER BY created_at`), b.ID); err != nil {
		return PersonBooking{}, fmt.Errorf("idempotency keys of %s: %w", b.Ref, err)
	}
	if err := sqlx.SelectContext(ctx, ext, &pb.Refunds, ext.Rebind(`SELECT amount_cents, currency, status, created_at, updated_at
		FROM refunds WHERE booking_id = ? ORDER BY id`), b.ID); err != nil {
		return PersonBooking{}, fmt.Errorf("refunds of %s: %w", b.Ref, err)
	}
	return pb, nil
}

// PersonOf returns the email of the booking the actor may see, or
// ErrNotFound.
func (s *Service) PersonOf(ctx context.Context, ref string, actor Actor) (Booking, error) {
	return s.authorize(ctx, s.db, ref, actor, "")
}
