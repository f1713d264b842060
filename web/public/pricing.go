package public

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/money"
	"github.com/roster-app/roster/web/internal/view"
)

// ticketView is a ticket type on the event page: what it costs and
// whether it can be bought now.
type ticketView struct {
	ID             int64
	Name           string
	Price          string
	OnSale         bool
	Status         string // "on sale", "sold out", "on sale from …", "sale ended"
	PayWhatYouWant bool
	Min            string // the least a pay-what-you-want ticket costs
}

// pricingView is what the event page's pricing partials show.
type pricingView struct {
	Tickets []ticketView
	// ChooseTypes: the form asks how many of each type instead of seats.
	ChooseTypes bool
	Code        string // the discount code typed, or from ?code=
	Quote       *quoteView
}

type quoteView struct {
	Lines    []quoteLine
	Subtotal string
	Discount string // "" for none
	Tax      string // "" for none (or included)
	Total    string
	Free     bool
}

type quoteLine struct {
	Name     string
	Quantity int
	Amount   string
}

// newPricingView lists the event's types for the page: hidden ones only
// when a code came with the request (a code unlocks them; a wrong one is
// refused when booking).
func newPricingView(e events.Event, code string, now time.Time) pricingView {
	v := pricingView{Code: code}
	for _, t := range e.TicketTypes {
		if t.Hidden && code == "" {
			continue
		}
		tv := ticketView{ID: t.ID, Name: t.Name, Price: view.FormatMoney(t.PriceCents, e.Currency), PayWhatYouWant: t.PayWhatYouWant()}
		if t.PayWhatYouWant() {
			tv.Min = money.Format(*t.MinPriceCents, e.Currency)
		}
		switch t.Phase(now) {
		case events.OnSale:
			tv.OnSale, tv.Status = true, "on sale"
			if left, limited := t.Left(); limited {
				tv.Status = strconv.Itoa(left) + " left"
			}
		case events.QuotaTaken:
			tv.Status = "sold out"
		case events.NotYet:
			tv.Status = "on sale from " + t.OnSaleFrom.In(e.Zone()).Format("Mon 2 Jan, 15:04")
		case events.SaleEnded:
			tv.Status = "sale ended"
		}
		v.Tickets = append(v.Tickets, tv)
	}
	v.ChooseTypes = len(v.Tickets) > 1
	return v
}

func newQuoteView(q money.Quote) *quoteView {
	v := &quoteView{Subtotal: money.Format(q.SubtotalCents, q.Currency), Total: view.FormatMoney(q.GrossCents, q.Currency), Free: q.Free()}
	if q.DiscountCents > 0 {
		v.Discount = "−" + money.Format(q.DiscountCents, q.Currency)
	}
	if q.TaxCents > 0 && !q.Tax.Inclusive {
		v.Tax = money.Format(q.TaxCents, q.Currency)
	}
	for _, l := range q.Lines {
		v.Lines = append(v.Lines, quoteLine{Name: l.Name, Quantity: l.Quantity, Amount: money.Format(l.SubtotalCents, q.Currency)})
	}
	return v
}

// ticketsFromForm reads the form's ticket fields: tickets.<type id> is a
// quantity (blank or 0 for none), price.<type id> what the buyer pays for
// a pay-what-you-want type, in major units ("12.50").
func ticketsFromForm(form url.Values, currency string, f *fault.Fields) []booking.TicketRequest {
	var out []booking.TicketRequest
	keys := make([]string, 0, len(form))
	for key := range form {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		id, ok := strings.CutPrefix(key, "tickets.")
		if !ok {
			continue
		}
		text := strings.TrimSpace(form.Get(key))
		if text == "" || text == "0" {
			continue
		}
		typeID, errID := strconv.ParseInt(id, 10, 64)
		quantity, errQ := strconv.Atoi(text)
		if errID != nil || errQ != nil || quantity < 0 {
			f.Add(key, "must be a whole number")
			continue
		}
		t := booking.TicketRequest{TicketTypeID: typeID, Quantity: quantity}
		if price := strings.TrimSpace(form.Get("price." + id)); price != "" {
			cents, ok := money.ParseMajor(price, currency)
			if !ok {
				f.Add("price."+id, "must be an amount such as 12.50")
			}
			t.PriceCents = &cents
		}
		out = append(out, t)
	}
	return out
}

// quoteFromPage answers the form's "Check the price" button: the page
// again, with the order priced (after the discount code) and nothing
// booked; a problem is shown beside its field as a booking's would be.
func (s *handlers) quoteFromPage(c echo.Context, e events.Event, form url.Values, req booking.Request, parseErrors map[string]string) error {
	if len(parseErrors) > 0 {
		return s.renderEventPage(c, http.StatusUnprocessableEntity, e, bookForm{Values: form, Errors: parseErrors, Error: "Please check the fields below."})
	}
	if req.Seats == 0 && len(req.Tickets) == 0 {
		req.Seats = 1
	}
	q, err := s.Booking.Quote(c.Request().Context(), req)
	if err != nil {
		return s.bookingFormError(c, e, form, err)
	}
	return s.renderEventPageQuoted(c, http.StatusOK, e, bookForm{Values: form}, newQuoteView(q))
}
