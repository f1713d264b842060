package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
)

// MaxTicketTypes is the most ticket types one event may sell.
const MaxTicketTypes = 20

// TicketType is one kind of ticket an event sells, in the event's
// currency, drawing on the same seats of each date as every other type.
// Sold is booking's guarded counter of live tickets across all dates; the
// events package only reads it (and keeps Quota at or above it).
type TicketType struct {
	ID            int64      `db:"id"`
	EventID       int64      `db:"event_id"`
	Position      int        `db:"position"`
	Name          string     `db:"name"`
	PriceCents    int64      `db:"price_cents"`     // minor units of the event's currency; the suggested price when MinPriceCents is set
	MinPriceCents *int64     `db:"min_price_cents"` // set: pay what you want, at least this
	Quota         *int       `db:"quota"`           // at most this many sold across all dates; nil: no limit
	Sold          int        `db:"sold"`
	OnSaleFrom    *time.Time `db:"on_sale_from"`  // UTC; nil: from now
	OnSaleUntil   *time.Time `db:"on_sale_until"` // UTC, exclusive; nil: until registration closes
	Hidden        bool       `db:"hidden"`        // bookable only with a discount code valid for the event
	Archived      bool       `db:"archived"`      // removed from sale; kept for the bookings that bought it
	CreatedAt     time.Time  `db:"created_at"`
	UpdatedAt     time.Time  `db:"updated_at"`
}

// SalePhase says whether a ticket type can be bought now.
type SalePhase string

// Sale phases.
const (
	OnSale     SalePhase = "on_sale"
	NotYet     SalePhase = "not_yet_on_sale"
	SaleEnded  SalePhase = "sale_ended"
	QuotaTaken SalePhase = "sold_out"
)

// Phase returns the type's sale phase at now.
func (t TicketType) Phase(now time.Time) SalePhase {
	switch {
	case t.OnSaleFrom != nil && now.Before(*t.OnSaleFrom):
		return NotYet
	case t.OnSaleUntil != nil && !now.Before(*t.OnSaleUntil):
		return SaleEnded
	case t.Quota != nil && t.Sold >= *t.Quota:
		return QuotaTaken
	}
	return OnSale
}

// Left returns how many tickets of the type are left under its quota, and
// false when it has none (only the date's seats limit it).
func (t TicketType) Left() (int, bool) {
	if t.Quota == nil {
		return 0, false
	}
	return max(*t.Quota-t.Sold, 0), true
}

// PayWhatYouWant reports whether the buyer chooses the price.
func (t TicketType) PayWhatYouWant() bool { return t.MinPriceCents != nil }

// TicketTypeInput is a ticket type as a coach sets it. ID names an
// existing type to change; 0 matches an existing type by Name, else adds
// one.
type TicketTypeInput struct {
	ID            int64
	Name          string
	PriceCents    int64
	MinPriceCents *int64
	Quota         *int
	OnSaleFrom    *time.Time
	OnSaleUntil   *time.Time
	Hidden        bool
}

func validateTicketTypes(list []TicketTypeInput) error {
	var f fault.Fields
	f.Check(len(list) <= MaxTicketTypes, "ticket_types", fmt.Sprintf("at most %d ticket types", MaxTicketTypes))
	names := map[string]bool{}
	for i, t := range list {
		p := fmt.Sprintf("ticket_types[%d].", i)
		f.Check(t.Name != "", p+"name", "is required")
		f.Check(utf8.RuneCountInString(t.Name) <= 100, p+"name", "must be at most 100 characters")
		f.Check(utf8.ValidString(t.Name) && !strings.ContainsAny(t.Name, "\r\n\x00"), p+"name", "must be one line of text")
		f.Check(!names[strings.ToLower(t.Name)], p+"name", "must differ from the other types' names")
		names[strings.ToLower(t.Name)] = true
		f.Check(t.PriceCents >= 0 && t.PriceCents <= MaxPriceCents, p+"price_cents", "must be between 0 and 10,000,000")
		if t.MinPriceCents != nil {
			f.Check(*t.MinPriceCents >= 0 && *t.MinPriceCents <= t.PriceCents, p+"min_price_cents", "must be between 0 and price_cents")
		}
		if t.Quota != nil {
			f.Check(*t.Quota >= 0 && *t.Quota <= MaxCapacity, p+"quota", "must be between 0 and 100,000")
		}
		if t.OnSaleFrom != nil && t.OnSaleUntil != nil {
			f.Check(t.OnSaleFrom.Before(*t.OnSaleUntil), p+"on_sale_until", "must be after on_sale_from")
		}
	}
	return f.Err()
}

const ticketTypeColumns = `id, event_id, position, name, price_cents, min_price_cents, quota, sold, on_sale_from, on_sale_until,
	hidden, archived, created_at, updated_at`

// TicketTypeByID returns one ticket type, archived or not, or ErrNotFound.
func TicketTypeByID(ctx context.Context, ext sqlx.ExtContext, id int64) (TicketType, error) {
	var t TicketType
	err := sqlx.GetContext(ctx, ext, &t, ext.Rebind(`SELECT `+ticketTypeColumns+` FROM ticket_types WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return TicketType{}, ErrNotFound
	}
	if err != nil {
		return TicketType{}, fmt.Errorf("ticket type %d: %w", id, err)
	}
	return t, nil
}

// replaceTicketTypes makes the event's types the list, a transition of
// its pricing: listed types are changed in place (matched by id, else by
// name) or added; types left out are archived, never deleted, so the
// bookings that bought them keep their lines. A quota may not drop below
// what is sold (fault.Invalid). Bookings already made keep the prices
// they were made at: their lines hold them.
func replaceTicketTypes(ctx context.Context, tx *sqlx.Tx, eventID int64, list []TicketTypeInput, now time.Time) error {
	if err := validateTicketTypes(list); err != nil {
		return err
	}
	var existing []TicketType
	if err := tx.SelectContext(ctx, &existing, tx.Rebind(`SELECT `+ticketTypeColumns+` FROM ticket_types WHERE event_id = ?`), eventID); err != nil {
		return fmt.Errorf("ticket types of event %d: %w", eventID, err)
	}
	kept := map[int64]bool{}
	var f fault.Fields
	for i, in := range list {
		t := TicketType{EventID: eventID, Position: i, Name: in.Name, PriceCents: in.PriceCents, MinPriceCents: in.MinPriceCents,
			Quota: in.Quota, OnSaleFrom: utcPtr(in.OnSaleFrom), OnSaleUntil: utcPtr(in.OnSaleUntil), Hidden: in.Hidden, CreatedAt: now, UpdatedAt: now}
		if old, ok := matchTicketType(existing, in); ok {
			if in.ID != 0 && kept[old.ID] {
				f.Add(fmt.Sprintf("ticket_types[%d].id", i), "is listed twice")
				continue
			}
			kept[old.ID] = true
			if in.Quota != nil && *in.Quota < old.Sold {
				f.Add(fmt.Sprintf("ticket_types[%d].quota", i), fmt.Sprintf("must be at least the %d already sold", old.Sold))
				continue
			}
			t.ID = old.ID
			if _, err := tx.NamedExecContext(ctx, `UPDATE ticket_types SET position = :position, name = :name, price_cents = :price_cents,
				min_price_cents = :min_price_cents, quota = :quota, on_sale_from = :on_sale_from, on_sale_until = :on_sale_until,
				hidden = :hidden, archived = FALSE, updated_at = :updated_at WHERE id = :id`, t); err != nil {
				return fmt.Errorf("update ticket type %d: %w", t.ID, err)
			}
			continue
		}
		if in.ID != 0 {
			f.Add(fmt.Sprintf("ticket_types[%d].id", i), "is not a ticket type of this event")
			continue
		}
		if err := insertReturningID(ctx, tx, &t.ID, `INSERT INTO ticket_types (event_id, position, name, price_cents, min_price_cents,
			quota, sold, on_sale_from, on_sale_until, hidden, archived, created_at, updated_at)
			VALUES (:event_id, :position, :name, :price_cents, :min_price_cents, :quota, 0, :on_sale_from, :on_sale_until,
			:hidden, FALSE, :created_at, :updated_at) RETURNING id`, t); err != nil {
			return fmt.Errorf("insert ticket type: %w", err)
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	for _, old := range existing {
		if kept[old.ID] || old.Archived {
			continue
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE ticket_types SET archived = TRUE, updated_at = ? WHERE id = ?`), now, old.ID); err != nil {
			return fmt.Errorf("archive ticket type %d: %w", old.ID, err)
		}
	}
	return nil
}

func matchTicketType(existing []TicketType, in TicketTypeInput) (TicketType, bool) {
	for _, t := range existing {
		if in.ID != 0 && t.ID == in.ID || in.ID == 0 && strings.EqualFold(t.Name, in.Name) {
			return t, true
		}
	}
	return TicketType{}, false
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
