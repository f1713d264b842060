package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/money"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/view"
)

// ticketTypeJSON is a ticket type: the public form has what a buyer needs,
// the coach form also quota, sold and hidden.
type ticketTypeJSON struct {
	ID            int64            `json:"id"`
	Name          string           `json:"name"`
	PriceCents    int64            `json:"price_cents"`
	Price         string           `json:"price"`
	MinPriceCents *int64           `json:"min_price_cents"`
	OnSale        bool             `json:"on_sale"`
	Sale          events.SalePhase `json:"sale"`
	Left          *int             `json:"left"`
	OnSaleFrom    *time.Time       `json:"on_sale_from"`
	OnSaleUntil   *time.Time       `json:"on_sale_until"`
	Hidden        *bool            `json:"hidden,omitempty"`
	Quota         *int             `json:"quota,omitempty"`
	Sold          *int             `json:"sold,omitempty"`
}

func ticketTypesJSON(e events.Event, now time.Time, public bool) []ticketTypeJSON {
	out := []ticketTypeJSON{}
	for _, t := range e.TicketTypes {
		if public && t.Hidden {
			continue
		}
		phase := t.Phase(now)
		j := ticketTypeJSON{ID: t.ID, Name: t.Name, PriceCents: t.PriceCents, Price: view.FormatMoney(t.PriceCents, e.Currency),
			MinPriceCents: t.MinPriceCents, OnSale: phase == events.OnSale, Sale: phase, OnSaleFrom: t.OnSaleFrom, OnSaleUntil: t.OnSaleUntil}
		if left, ok := t.Left(); ok {
			j.Left = &left
		}
		if !public {
			j.Hidden, j.Quota, j.Sold = &t.Hidden, t.Quota, &t.Sold
		}
		out = append(out, j)
	}
	return out
}

// ticketTypeRequest is a ticket type as a coach sets it in PATCH
// /api/v1/admin/events/:slug.
type ticketTypeRequest struct {
	ID            *int64  `json:"id"`
	Name          *string `json:"name"`
	PriceCents    *int64  `json:"price_cents"`
	MinPriceCents *int64  `json:"min_price_cents"`
	Quota         *int    `json:"quota"`
	OnSaleFrom    *string `json:"on_sale_from"`
	OnSaleUntil   *string `json:"on_sale_until"`
	Hidden        *bool   `json:"hidden"`
}

func ticketTypeInputs(list []ticketTypeRequest, f *fault.Fields) []events.TicketTypeInput {
	out := make([]events.TicketTypeInput, 0, len(list))
	for i, r := range list {
		prefix := "ticket_types[" + strconv.Itoa(i) + "]."
		in := events.TicketTypeInput{Name: bind.Str(r.Name), MinPriceCents: r.MinPriceCents, Quota: r.Quota,
			OnSaleFrom: optionalTime(f, prefix+"on_sale_from", r.OnSaleFrom), OnSaleUntil: optionalTime(f, prefix+"on_sale_until", r.OnSaleUntil)}
		if r.ID != nil {
			in.ID = *r.ID
		}
		if r.PriceCents != nil {
			in.PriceCents = *r.PriceCents
		}
		if r.Hidden != nil {
			in.Hidden = *r.Hidden
		}
		out = append(out, in)
	}
	return out
}

func optionalTime(f *fault.Fields, field string, value *string) *time.Time {
	if value == nil || *value == "" {
		return nil
	}
	t := bind.TimeField(f, field, *value)
	return &t
}

// ticketRequest asks for quantity tickets of one type (price_cents: what
// the buyer pays for a pay-what-you-want type).
type ticketRequest struct {
	TicketTypeID *int64 `json:"ticket_type_id"`
	Quantity     *int   `json:"quantity"`
	PriceCents   *int64 `json:"price_cents"`
}

func ticketRequests(list []ticketRequest) []booking.TicketRequest {
	out := make([]booking.TicketRequest, 0, len(list))
	for _, r := range list {
		t := booking.TicketRequest{PriceCents: r.PriceCents}
		if r.TicketTypeID != nil {
			t.TicketTypeID = *r.TicketTypeID
		}
		if r.Quantity != nil {
			t.Quantity = *r.Quantity
		}
		out = append(out, t)
	}
	return out
}

// quoteRequest is the body of POST /api/v1/sessions/:id/quote.
type quoteRequest struct {
	Seats        *int            `json:"seats"`
	Tickets      []ticketRequest `json:"tickets"`
	DiscountCode *string         `json:"discount_code"`
	Email        *string         `json:"email"`
}

// quoteJSON is an order priced: every amount in minor units of currency.
type quoteJSON struct {
	Currency      string     `json:"currency"`
	Lines         []lineJSON `json:"lines"`
	SubtotalCents int64      `json:"subtotal_cents"`
	DiscountCents int64      `json:"discount_cents"`
	NetCents      int64      `json:"net_cents"`
	TaxCents      int64      `json:"tax_cents"`
	AmountCents   int64      `json:"amount_cents"`
	Amount        string     `json:"amount"`
}

// lineJSON is one ticket type of an order or a booking, priced.
type lineJSON struct {
	TicketTypeID  *int64 `json:"ticket_type_id"`
	Name          string `json:"name"`
	UnitCents     int64  `json:"unit_cents"`
	Quantity      int    `json:"quantity"`
	DiscountCents int64  `json:"discount_cents"`
	TaxCents      int64  `json:"tax_cents"`
	AmountCents   int64  `json:"amount_cents"`
}

func newQuoteJSON(q money.Quote) quoteJSON {
	out := quoteJSON{Currency: q.Currency, Lines: []lineJSON{}, SubtotalCents: q.SubtotalCents, DiscountCents: q.DiscountCents,
		NetCents: q.NetCents, TaxCents: q.TaxCents, AmountCents: q.GrossCents, Amount: view.FormatMoney(q.GrossCents, q.Currency)}
	for _, l := range q.Lines {
		out.Lines = append(out.Lines, lineJSON{Name: l.Name, UnitCents: l.UnitCents, Quantity: l.Quantity,
			DiscountCents: l.DiscountCents, TaxCents: l.TaxCents, AmountCents: l.GrossCents})
	}
	return out
}

func linesJSON(lines []booking.BookingLine) []lineJSON {
	out := make([]lineJSON, 0, len(lines))
	for _, l := range lines {
		out = append(out, lineJSON{TicketTypeID: l.TicketTypeID, Name: l.Name, UnitCents: l.UnitCents, Quantity: l.Quantity,
			DiscountCents: l.DiscountCents, TaxCents: l.TaxCents, AmountCents: l.GrossCents})
	}
	return out
}

// quote prices an order on a date without booking it: the total after a
// discount code, shown before paying.
func (s *handlers) quote(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	var req quoteRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	r := booking.Request{SessionID: id, Email: bind.Str(req.Email), Tickets: ticketRequests(req.Tickets), DiscountCode: bind.Str(req.DiscountCode), Seats: 1}
	if req.Seats != nil {
		r.Seats = *req.Seats
	}
	q, err := s.Booking.Quote(c.Request().Context(), r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newQuoteJSON(q))
}
