package public

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/httperr"
	"github.com/roster-app/roster/web/internal/view"
)

// abandonCheckout is the checkout's cancel URL: the hold is released and
// the attendee goes back to the event page.
func (s *handlers) abandonCheckout(c echo.Context) error {
	d, err := s.Booking.Abandon(c.Request().Context(), c.Param("ref"), c.QueryParam("t"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/events/"+d.Event.Slug+"?released=1")
}

// payFromPage reopens the checkout of a booking still held for payment.
func (s *handlers) payFromPage(c echo.Context) error {
	token := c.FormValue("t")
	d, err := s.Booking.Get(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	to, err := s.StartCheckout(c.Request().Context(), booking.Result{Booking: d.Booking, Token: token})
	if err != nil {
		return s.bookingActionError(c, token, err)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// stripeWebhook verifies and applies a Stripe event. Bad signatures and
// payloads get 400; an event applied before, or about no booking of ours,
// gets 200 so Stripe stops sending it; a failure to apply gets 5xx so
// Stripe sends it again.
func (s *handlers) stripeWebhook(c echo.Context) error {
	if s.Stripe == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	payload, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, bind.MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	}
	if err != nil {
		return bind.Malformed("body", "could not be read", err)
	}
	event, err := s.Stripe.ParseWebhook(payload, c.Request().Header.Get("Stripe-Signature"), s.Now())
	if err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) && fe.Code == fault.Invalid {
			return c.JSON(http.StatusBadRequest, httperr.Body{Error: httperr.Detail{Code: string(fe.Code), Message: fe.Message, Fields: fe.Fields}})
		}
		return err
	}
	outcome, err := s.Booking.ApplyPayment(c.Request().Context(), event)
	if err != nil {
		return err
	}
	s.Log.Info("stripe event applied", "event", event.ID, "type", event.Type, "outcome", outcome)
	return c.JSON(http.StatusOK, map[string]any{"received": true, "outcome": outcome})
}

type testCheckoutData struct {
	Title      string
	CheckoutID string
	Token      string
	Booking    booking.Booking
	Event      eventView
	Date       view.Date
	Amount     string
	Total      string // "2 × £49.00 = £98.00"
	Refunds    string // the refund policy
	Hold       holdView
}

// testCheckoutPage is the offline TEST MODE checkout: no card is taken;
// Pay and Abandon make the events Stripe's webhooks would.
func (s *handlers) testCheckoutPage(c echo.Context) error {
	d, err := s.testCheckoutBooking(c, c.QueryParam("t"))
	if notABooking(err) {
		return s.testPackageCheckoutPage(c)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return s.Render(c, http.StatusOK, "checkout_test.html", testCheckoutData{
		Title: "TEST MODE checkout", CheckoutID: c.Param("id"), Token: c.QueryParam("t"), Booking: d.Booking,
		Event: newEventView(d.Event, s.Now()), Date: view.NewDate(d.Session, d.Event.Zone(), s.Now()),
		Amount: view.FormatMoney(d.Booking.AmountCents, d.Booking.Currency),
		Total:  seatTotal(d.Event, d.Booking.Seats), Refunds: refundPolicy(d.Event),
		Hold: newHoldView(d.Booking, d.Event, s.Now()),
	})
}

func (s *handlers) testCheckoutBooking(c echo.Context, token string) (booking.Details, error) {
	if s.Offline == nil {
		return booking.Details{}, echo.NewHTTPError(http.StatusNotFound)
	}
	d, err := s.Booking.Get(c.Request().Context(), c.QueryParam("ref"), booking.Actor{Token: token})
	if err != nil {
		return booking.Details{}, err
	}
	if d.Booking.PaymentRef != c.Param("id") {
		return booking.Details{}, fault.New(fault.NotFound, "no such checkout")
	}
	return d, nil
}

func (s *handlers) testCheckoutPay(c echo.Context) error {
	token := c.FormValue("t")
	d, err := s.testCheckoutBooking(c, token)
	if notABooking(err) {
		return s.testPackageCheckoutPay(c)
	}
	if err != nil {
		return err
	}
	event := s.Offline.CompleteEvent(c.Param("id"), d.Booking.Ref, d.Booking.AmountCents, d.Booking.Currency, s.Now())
	if _, err := s.Booking.ApplyPayment(c.Request().Context(), event); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+d.Booking.Ref+"?t="+url.QueryEscape(token)+"&paid=1")
}

func (s *handlers) testCheckoutAbandon(c echo.Context) error {
	token := c.FormValue("t")
	d, err := s.testCheckoutBooking(c, token)
	if notABooking(err) {
		return s.testPackageCheckoutAbandon(c)
	}
	if err != nil {
		return err
	}
	event := s.Offline.ExpireEvent(c.Param("id"), d.Booking.Ref, s.Now())
	if _, err := s.Booking.ApplyPayment(c.Request().Context(), event); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/events/"+d.Event.Slug+"?released=1")
}

// inviteFile serves the attendee's own calendar file: the invite while the
// booking is live, its cancellation after.
func (s *handlers) inviteFile(c echo.Context) error {
	token := c.QueryParam("t")
	d, err := s.Booking.Get(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	body, err := s.Notifier.Invite(d.Event, d.Session, d.Booking)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return serveCalendar(c, strings.ToLower(d.Booking.Ref)+".ics", body, "no-store")
}
