package public

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/secret"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/httperr"
)

// bookForm is what the booking form holds, for re-rendering with messages.
type bookForm struct {
	Values url.Values
	Errors map[string]string // by field name, as the service words them
	Error  string            // a message for the whole form
	// Problems are the summary at the top of the form: Errors and Error
	// as full sentences, each linked to its field.
	Problems []problem
}

// Value returns the submitted value of a field.
func (f bookForm) Value(name string) string { return f.Values.Get(name) }

// Says returns the sentence about a field, shown beside it; "" if none.
func (f bookForm) Says(name string) string {
	for _, p := range f.Problems {
		if p.Field == name {
			return p.Message
		}
	}
	return ""
}

// Checked reports whether a field was submitted with this value.
func (f bookForm) Checked(name, value string) bool { return f.Values.Get(name) == value }

type eventPageData struct {
	Title       string
	Released    bool // the attendee just left a checkout
	Event       eventView
	Description template.HTML // the event's Markdown, rendered
	Questions   []booking.Question
	Form        bookForm
	Nonce       string // the form's one-time token, new for each response
	MaxSeats    int
	// Privacy is the event's coach's notice and consent texts.
	Privacy coaches.Privacy
	Money   moneyPlan
	Meta    pageMeta
	Zones   []string // the visible choice of the visitor's time zone
	// Waitlisted is true when some coming date is full: the form then
	// offers its waitlist even if no date is open.
	Waitlisted bool
	// Pricing is the ticket types, the code and a quote, set per request.
	Pricing pricingView
}

// eventPage serves the public event page. The page every visitor sees
// alike is rendered once per refill of the page cache, with a hole where
// the form's token goes, and each response splices in a token of its own;
// a page with a discount code or a notice is rendered for its request from
// the cached data (the event, its dates, the rendered Markdown, the
// questions), with its own token too. See cachedEventPage.
func (s *handlers) eventPage(c echo.Context) error {
	entry, err := s.eventPageEntry(c, c.Param("slug"))
	if err != nil {
		return err
	}
	if entry.hasPlain && plainEventPage(c) {
		return writeWithToken(c, entry.plain)
	}
	page := entry.data
	page.Released = c.QueryParam("released") == "1"
	page.Nonce = secret.RandomString(18)
	page.Pricing = newPricingView(page.Event.Event, booking.NormalizeCode(c.QueryParam("code")), s.Now())
	return s.Render(c, http.StatusOK, "event.html", page)
}

func (s *handlers) renderEventPage(c echo.Context, status int, e events.Event, form bookForm) error {
	return s.renderEventPageQuoted(c, status, e, form, nil)
}

// renderEventPageQuoted is renderEventPage with the order's price shown
// (nil: none).
func (s *handlers) renderEventPageQuoted(c echo.Context, status int, e events.Event, form bookForm, quote *quoteView) error {
	data, err := s.eventPageData(c, e, form)
	if err != nil {
		return err
	}
	data.Released = c.QueryParam("released") == "1"
	data.Nonce = secret.RandomString(18)
	data.Pricing = newPricingView(e, booking.NormalizeCode(form.Value("discount_code")), s.Now())
	data.Pricing.Quote = quote
	return s.Render(c, status, "event.html", data)
}

// eventPageData is the event page as every visitor sees it, without the
// form's token.
func (s *handlers) eventPageData(c echo.Context, e events.Event, form bookForm) (eventPageData, error) {
	qs, err := s.Booking.Questions(c.Request().Context(), e.ID)
	if err != nil {
		return eventPageData{}, err
	}
	view := newEventView(e, s.Now())
	for i := range view.Dates {
		view.Dates[i].Links = s.linksFor(e, e.Sessions[i])
	}
	data := eventPageData{Title: e.Title, Event: view, Description: s.Views.Markdown(e.Description), Questions: qs, Form: form,
		MaxSeats: s.Booking.MaxSeats()}
	if len(e.Hosts) > 0 {
		if data.Privacy, err = s.Coaches.Privacy(c.Request().Context(), e.Hosts[0].CoachID); err != nil {
			return eventPageData{}, err
		}
	}
	s.describeEventPage(&data, e)
	return data, nil
}

// bookFromPage handles the booking form: a free booking lands on its
// booking page, a paid one on its checkout; bad input re-renders the form
// with a message beside each field.
func (s *handlers) bookFromPage(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := s.Events.PublicEvent(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	// A value that does not parse is left at zero, which the service refuses
	// too, so one answer names every bad field; the parse message wins.
	req, parseErrors := bookingRequestFromForm(form, e.Currency)
	req.ClientAddr = c.RealIP()
	if form.Get("action") == "quote" {
		return s.quoteFromPage(c, e, form, req, parseErrors)
	}
	res, err := s.Booking.Reserve(ctx, req)
	if err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) && fe.Code == fault.Invalid {
			for field, message := range parseErrors {
				fe.Fields[field] = message
			}
		}
		return s.bookingFormError(c, e, form, err)
	}
	if res.Booking.Status == booking.PendingPayment {
		to, err := s.StartCheckout(c.Request().Context(), res)
		if err != nil {
			return s.bookingFormError(c, e, form, err)
		}
		return c.Redirect(http.StatusSeeOther, to)
	}
	return c.Redirect(http.StatusSeeOther, s.afterBooking(res))
}

// afterBooking is where the browser goes once a booking is made.
func (s *handlers) afterBooking(res booking.Result) string {
	return "/bookings/" + res.Booking.Ref + "?t=" + url.QueryEscape(res.Token)
}

func bookingRequestFromForm(form url.Values, currency string) (booking.Request, map[string]string) {
	var f fault.Fields
	req := booking.Request{Name: form.Get("name"), Email: form.Get("email"), FormNonce: form.Get("form_token"), Answers: booking.Answers{},
		Consent:      booking.Consent{Terms: form.Get("consent_terms") == "yes", Marketing: form.Get("consent_marketing") == "yes"},
		DiscountCode: form.Get("discount_code")}
	id, err := strconv.ParseInt(form.Get("session_id"), 10, 64)
	f.Check(err == nil && id > 0, "session_id", "choose a date")
	req.SessionID = id
	req.Tickets = ticketsFromForm(form, currency, &f)
	if len(req.Tickets) == 0 && form.Has("seats") {
		seats, err := strconv.Atoi(strings.TrimSpace(form.Get("seats")))
		f.Check(err == nil, "seats", "must be a whole number")
		req.Seats = seats
	}
	req.Timezone = visitorZone(form)
	for key, values := range form {
		if id, ok := strings.CutPrefix(key, "answers."); ok && len(values) > 0 {
			req.Answers[id] = values[0]
		}
	}
	return req, map[string]string(f)
}

// bookingFormError re-renders the form for errors the attendee can act on.
func (s *handlers) bookingFormError(c echo.Context, e events.Event, form url.Values, err error) error {
	var fe *fault.Error
	if !errors.As(err, &fe) || (httperr.StatusOf(fe.Code) >= 500 && fe.Code != fault.PaymentProviderDown) {
		return err
	}
	status := httperr.StatusOf(fe.Code)
	if fe.Code == fault.NotFound {
		fe = &fault.Error{Code: fault.Invalid, Fields: map[string]string{"session_id": "choose one of the dates below"}}
		status = http.StatusUnprocessableEntity
	}
	f := bookForm{Values: form, Errors: fe.Fields, Error: fe.Message}
	if p, ok := s.soldOutProblem(c, e, form, err); ok {
		f.Problems, f.Error = []problem{p}, ""
	}
	return s.renderEventPage(c, status, e, f)
}
