package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/money"
	"github.com/roster-app/roster/payments"
)

// A booking's price is computed once, by money.Price, inside Reserve's
// transaction, from the event's ticket types (or its single price), the
// discount code and the coach's tax; the priced lines are stored with the
// booking (booking_lines) and its amount is their gross, so the checkout,
// the receipt and a refund read what was charged rather than pricing it
// again. Quotas and code uses are guarded counters taken in the same
// transaction as the seats.

// TicketRequest asks for Quantity tickets of one type.
type TicketRequest struct {
	TicketTypeID int64
	Quantity     int
	// PriceCents is what the buyer chooses to pay per ticket for a
	// pay-what-you-want type (at least its minimum); nil pays the
	// suggested price. Ignored for other types.
	PriceCents *int64
}

// Errors of pricing.
var (
	ErrChooseTicketType = &fault.Error{Code: fault.Invalid, Message: "choose how many tickets of each type you want",
		Fields: map[string]string{"tickets": "choose a ticket type"}}
)

// BookingLine is one ticket type a booking bought, priced.
type BookingLine struct {
	ID            int64  `db:"id"`
	BookingID     int64  `db:"booking_id"`
	TicketTypeID  *int64 `db:"ticket_type_id"` // nil: the event's single price
	Name          string `db:"name"`
	UnitCents     int64  `db:"unit_cents"` // minor units of the booking's currency
	Quantity      int    `db:"quantity"`
	DiscountCents int64  `db:"discount_cents"`
	NetCents      int64  `db:"net_cents"`
	TaxCents      int64  `db:"tax_cents"`
	GrossCents    int64  `db:"gross_cents"`
	// TaxBasisPoints is the rate the line was taxed at (2000 = 20%);
	// TaxInclusive says whether UnitCents included it.
	TaxBasisPoints int  `db:"tax_basis_points"`
	TaxInclusive   bool `db:"tax_inclusive"`
}

// order is a request priced: what Reserve stores and takes.
type order struct {
	quote   money.Quote
	typeIDs []int64 // per line; 0 for the event's single price
	code    *DiscountCode
}

// seats is the number of seats the order takes.
func (o order) seats() int {
	n := 0
	for _, l := range o.quote.Lines {
		n += l.Quantity
	}
	return n
}

// priceOrder prices req on event at now: the lines it asks for, checked
// against the types' sale windows, visibility and quotas (a fast answer;
// takeTickets is the real check), less the discount code, plus tax.
// Returns ErrChooseTicketType, a fault.Invalid error naming a bad ticket
// line or code, ErrCodeUsedUp, or fault.SoldOut for a type whose quota is
// taken.
func priceOrder(ctx context.Context, ext sqlx.ExtContext, e events.Event, req Request, now time.Time) (order, error) {
	_, settings, err := sellerOf(ctx, ext, e)
	if err != nil {
		return order{}, err
	}
	return priceOrderWith(ctx, ext, e, settings, req, now)
}

// priceOrderWith is priceOrder with the seller's tax settings already read.
func priceOrderWith(ctx context.Context, ext sqlx.ExtContext, e events.Event, settings TaxSettings, req Request, now time.Time) (order, error) {
	var code *DiscountCode
	if req.DiscountCode != "" {
		c, err := codeForBooking(ctx, ext, e, req.DiscountCode, req.Email, now)
		if err != nil {
			return order{}, err
		}
		code = &c
	}
	lines, typeIDs, err := orderLines(e, req, code != nil, now)
	if err != nil {
		return order{}, err
	}
	tax := settings.tax()
	var d money.Discount
	if code != nil {
		d = code.discount()
	}
	return order{quote: money.Price(e.Currency, lines, d, tax), typeIDs: typeIDs, code: code}, nil
}

// orderLines turns a request into lines: its tickets, or its seats of the
// event's one type (or single price). unlocked says a valid code came
// with it, which opens hidden types.
func orderLines(e events.Event, req Request, unlocked bool, now time.Time) ([]money.Line, []int64, error) {
	if len(e.TicketTypes) == 0 {
		if len(req.Tickets) > 0 {
			return nil, nil, &fault.Error{Code: fault.Invalid, Message: "this event has no ticket types; ask for seats",
				Fields: map[string]string{"tickets": "this event sells seats at one price"}}
		}
		return []money.Line{{Name: "Ticket", UnitCents: e.PriceCents, Quantity: req.Seats}}, []int64{0}, nil
	}
	tickets := req.Tickets
	if len(tickets) == 0 {
		only, ok := onlyType(e.TicketTypes, unlocked)
		if !ok {
			return nil, nil, ErrChooseTicketType
		}
		tickets = []TicketRequest{{TicketTypeID: only.ID, Quantity: req.Seats}}
	}
	var f fault.Fields
	lines := make([]money.Line, 0, len(tickets))
	typeIDs := make([]int64, 0, len(tickets))
	for i, want := range tickets {
		field := fmt.Sprintf("tickets[%d]", i)
		t, ok := typeOf(e.TicketTypes, want.TicketTypeID)
		if !ok || t.Hidden && !unlocked {
			f.Add(field, "is not a ticket type of this event")
			continue
		}
		switch t.Phase(now) {
		case events.NotYet:
			f.Add(field, t.Name+" is not on sale yet")
			continue
		case events.SaleEnded:
			f.Add(field, t.Name+" is no longer on sale")
			continue
		case events.QuotaTaken:
			return nil, nil, typeSoldOut(t)
		}
		if left, limited := t.Left(); limited && left < want.Quantity {
			return nil, nil, typeSoldOut(t)
		}
		unit := t.PriceCents
		if t.PayWhatYouWant() && want.PriceCents != nil {
			unit = *want.PriceCents
			f.Check(unit >= *t.MinPriceCents && unit <= events.MaxPriceCents, field+".price_cents",
				fmt.Sprintf("must be at least %s", money.Format(*t.MinPriceCents, e.Currency)))
		}
		lines = append(lines, money.Line{Name: t.Name, UnitCents: unit, Quantity: want.Quantity})
		typeIDs = append(typeIDs, t.ID)
	}
	return lines, typeIDs, f.Err()
}

// claimOrder prices the seats a waitlist offer held: at the event's one
// type or price, or, when it sells several types, at the first type (in
// the coach's order) on sale now, visible, with room in its quota; a
// fault.SoldOut error when none has.
func claimOrder(ctx context.Context, ext sqlx.ExtContext, e events.Event, seats int, now time.Time) (order, error) {
	req := Request{Seats: seats}
	if len(e.TicketTypes) > 1 {
		for _, t := range e.TicketTypes {
			left, limited := t.Left()
			if !t.Hidden && t.Phase(now) == events.OnSale && (!limited || left >= seats) {
				req.Tickets = []TicketRequest{{TicketTypeID: t.ID, Quantity: seats}}
				break
			}
		}
		if req.Tickets == nil {
			return order{}, fault.New(fault.SoldOut, "no ticket type has %d tickets left on sale", seats)
		}
	}
	return priceOrder(ctx, ext, e, req, now)
}

// onlyType returns the one type a request for plain seats buys: the only
// type the buyer can see and buy now.
func onlyType(types []events.TicketType, unlocked bool) (events.TicketType, bool) {
	var visible []events.TicketType
	for _, t := range types {
		if !t.Hidden || unlocked {
			visible = append(visible, t)
		}
	}
	if len(visible) != 1 {
		return events.TicketType{}, false
	}
	return visible[0], true
}

func typeOf(types []events.TicketType, id int64) (events.TicketType, bool) {
	for _, t := range types {
		if t.ID == id {
			return t, true
		}
	}
	return events.TicketType{}, false
}

func typeSoldOut(t events.TicketType) error {
	return fault.New(fault.SoldOut, "not enough %s tickets left", t.Name)
}

// BookingLines returns what a booking bought, in the order it was asked.
func bookingLines(ctx context.Context, ext sqlx.ExtContext, bookingID int64) ([]BookingLine, error) {
	var lines []BookingLine
	if err := sqlx.SelectContext(ctx, ext, &lines, ext.Rebind(`SELECT id, booking_id, ticket_type_id, name, unit_cents, quantity,
		discount_cents, net_cents, tax_cents, gross_cents, tax_basis_points, tax_inclusive
		FROM booking_lines WHERE booking_id = ? ORDER BY id`), bookingID); err != nil {
		return nil, fmt.Errorf("lines of booking %d: %w", bookingID, err)
	}
	return lines, nil
}

// Lines returns what the booking with ref bought, priced: one line per
// ticket type, with its discount and tax. A booking made before ticket
// types has none.
func (s *Service) Lines(ctx context.Context, bookingID int64) ([]BookingLine, error) {
	return bookingLines(ctx, s.db, bookingID)
}

// takeTickets adds the booking's typed lines to their types' sold counts
// if each fits its quota, in one guarded statement per type, in type id
// order; fault.SoldOut names the type that does not fit.
func takeTickets(ctx context.Context, ext sqlx.ExtContext, bookingID int64) error {
	counts, err := typedCounts(ctx, ext, bookingID)
	if err != nil {
		return err
	}
	return takeCounts(ctx, ext, counts)
}

// takeCounts is takeTickets for counts in type id order.
func takeCounts(ctx context.Context, ext sqlx.ExtContext, counts []typedCount) error {
	for i, c := range counts {
		res, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE ticket_types SET sold = sold + ?
			WHERE id = ? AND (quota IS NULL OR sold + ? <= quota)`), c.Quantity, c.TypeID, c.Quantity)
		if err != nil {
			return fmt.Errorf("take %d tickets of type %d: %w", c.Quantity, c.TypeID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			// Give back what this call took, so a caller that goes on
			// (a late payment refunded instead) commits no stray count.
			if err := releaseCounts(ctx, ext, counts[:i]); err != nil {
				return err
			}
			return fault.New(fault.SoldOut, "not enough %s tickets left", c.Name)
		}
	}
	return nil
}

// releaseTickets gives a booking's typed tickets back to their quotas.
func releaseTickets(ctx context.Context, ext sqlx.ExtContext, bookingID int64) error {
	counts, err := typedCounts(ctx, ext, bookingID)
	if err != nil {
		return err
	}
	return releaseCounts(ctx, ext, counts)
}

func releaseCounts(ctx context.Context, ext sqlx.ExtContext, counts []typedCount) error {
	for _, c := range counts {
		res, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE ticket_types SET sold = sold - ? WHERE id = ? AND sold >= ?`),
			c.Quantity, c.TypeID, c.Quantity)
		if err != nil {
			return fmt.Errorf("release %d tickets of type %d: %w", c.Quantity, c.TypeID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("release %d tickets of type %d: fewer sold than released", c.Quantity, c.TypeID)
		}
	}
	return nil
}

type typedCount struct {
	TypeID   int64  `db:"ticket_type_id"`
	Name     string `db:"name"`
	Quantity int    `db:"quantity"`
}

func typedCounts(ctx context.Context, ext sqlx.ExtContext, bookingID int64) ([]typedCount, error) {
	var counts []typedCount
	if err := sqlx.SelectContext(ctx, ext, &counts, ext.Rebind(`SELECT ticket_type_id, MIN(name) AS name, SUM(quantity) AS quantity
		FROM booking_lines WHERE booking_id = ? AND ticket_type_id IS NOT NULL
		GROUP BY ticket_type_id ORDER BY ticket_type_id`), bookingID); err != nil {
		return nil, fmt.Errorf("tickets of booking %d: %w", bookingID, err)
	}
	return counts, nil
}

// releaseOrder gives back what a booking that stops being live took
// beyond its seats: its tickets to their quotas and its code's use.
func releaseOrder(ctx context.Context, ext sqlx.ExtContext, bookingID int64, now time.Time) error {
	if err := releaseTickets(ctx, ext, bookingID); err != nil {
		return err
	}
	return releaseCodeUse(ctx, ext, bookingID, now)
}

// retakeOrder takes back, for a late payment, what releaseOrder gave
// back; it reports false if a quota or the code's last use is gone.
func retakeOrder(ctx context.Context, ext sqlx.ExtContext, b Booking) (bool, error) {
	if err := takeTickets(ctx, ext, b.ID); err != nil {
		if fault.CodeOf(err) == fault.SoldOut {
			return false, nil
		}
		return false, err
	}
	ok, err := retakeCodeUse(ctx, ext, b)
	if err != nil || ok {
		return ok, err
	}
	return false, releaseTickets(ctx, ext, b.ID)
}

// percent writes basis points as a percentage: 2000 is "20", 1250 "12.5".
func percent(bp int) string {
	s := strings.TrimRight(fmt.Sprintf("%d.%02d", bp/100, bp%100), "0")
	return strings.TrimSuffix(s, ".")
}

// checkoutLines puts the booking's priced lines, discount and added tax
// into req, so
// the checkout charges exactly the booking's amount (a booking made before
// lines were stored keeps the price × seats of req).
func (s *Service) checkoutLines(ctx context.Context, b Booking, req *payments.CheckoutRequest) error {
	lines, err := bookingLines(ctx, s.db, b.ID)
	if err != nil || len(lines) == 0 {
		return err
	}
	req.Lines = make([]payments.CheckoutLine, 0, len(lines))
	for _, l := range lines {
		name := l.Name
		if l.TicketTypeID == nil {
			name = "Ticket"
		}
		req.Lines = append(req.Lines, payments.CheckoutLine{Name: name, UnitAmount: l.UnitCents, Quantity: int64(l.Quantity)})
		req.DiscountCents += l.DiscountCents
		if !l.TaxInclusive {
			req.TaxCents += l.TaxCents
			req.TaxName = fmt.Sprintf("VAT %s%%", percent(l.TaxBasisPoints))
		}
	}
	if req.DiscountCents > 0 {
		code, err := bookingCode(ctx, s.db, b.ID)
		if err != nil {
			return err
		}
		req.DiscountName = code
	}
	if got := req.AmountCents(); got != b.AmountCents {
		return fmt.Errorf("booking %s: lines come to %d, booking is %d", b.Ref, got, b.AmountCents)
	}
	return nil
}

// Quote prices req as Reserve would at this moment, without booking: the
// reduced total a page or a client shows before paying. Name may be
// empty; Email matters only for a once-per-email code. Returns the
// errors of priceOrder, openSession's for a date that cannot be booked
// (not found, registration closed, started, cancelled), and a
// fault.Invalid error for bad seats or tickets.
func (s *Service) Quote(ctx context.Context, req Request) (money.Quote, error) {
	req.normalize()
	var f fault.Fields
	f.Check(req.Seats >= 1 && req.Seats <= s.cfg.MaxSeats, "seats", fmt.Sprintf("must be between 1 and %d", s.cfg.MaxSeats))
	if err := f.Err(); err != nil {
		return money.Quote{}, err
	}
	_, event, err := s.openSession(ctx, s.db, req.SessionID)
	if err != nil {
		return money.Quote{}, err
	}
	priced, err := priceOrder(ctx, s.db, event, req, s.now().UTC())
	return priced.quote, err
}
