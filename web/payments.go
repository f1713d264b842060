package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

// startCheckout opens the checkout for a new hold and returns where the
// attendee pays. Offline test checkouts carry the manage token so their
// page can show the booking and come back to it.
func (s *Server) startCheckout(c echo.Context, res booking.Result) (string, error) {
	co, err := s.booking.StartCheckout(c.Request().Context(), res.Booking.Ref, res.Token)
	if err != nil {
		return "", err
	}
	if s.deps.Offline != nil {
		return co.URL + "&t=" + url.QueryEscape(res.Token), nil
	}
	return co.URL, nil
}

// abandonCheckout is the checkout's cancel URL: the hold is released and
// the attendee goes back to the event page.
func (s *Server) abandonCheckout(c echo.Context) error {
	d, err := s.booking.Abandon(c.Request().Context(), c.Param("ref"), c.QueryParam("t"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/events/"+d.Event.Slug+"?released=1")
}

// payFromPage reopens the checkout of a booking still held for payment.
func (s *Server) payFromPage(c echo.Context) error {
	token := c.FormValue("t")
	d, err := s.booking.Get(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	to, err := s.startCheckout(c, booking.Result{Booking: d.Booking, Token: token})
	if err != nil {
		return s.bookingActionError(c, token, err)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// stripeWebhook verifies and applies a Stripe event. Bad signatures and
// payloads get 400; an event applied before, or about no booking of ours,
// gets 200 so Stripe stops sending it; a failure to apply gets 5xx so
// Stripe sends it again.
func (s *Server) stripeWebhook(c echo.Context) error {
	if s.deps.Stripe == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	payload, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	}
	if err != nil {
		return malformed("body", "could not be read", err)
	}
	event, err := s.deps.Stripe.ParseWebhook(payload, c.Request().Header.Get("Stripe-Signature"), s.now())
	if err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) && fe.Code == fault.Invalid {
			return c.JSON(http.StatusBadRequest, errorBody{Error: errorDetail{Code: string(fe.Code), Message: fe.Message, Fields: fe.Fields}})
		}
		return err
	}
	outcome, err := s.booking.ApplyPayment(c.Request().Context(), event)
	if err != nil {
		return err
	}
	s.log.Info("stripe event applied", "event", event.ID, "type", event.Type, "outcome", outcome)
	return c.JSON(http.StatusOK, map[string]any{"received": true, "outcome": outcome})
}

type testCheckoutData struct {
	Title      string
	CheckoutID string
	Token      string
	Booking    booking.Booking
	Event      eventView
	Date       dateView
	Amount     string
}

// testCheckoutPage is the offline TEST MODE checkout: no card is taken;
// Pay and Abandon make the events Stripe's webhooks would.
func (s *Server) testCheckoutPage(c echo.Context) error {
	d, err := s.testCheckoutBooking(c, c.QueryParam("t"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return s.render(c, http.StatusOK, "checkout_test.html", testCheckoutData{
		Title: "TEST MODE checkout", CheckoutID: c.Param("id"), Token: c.QueryParam("t"), Booking: d.Booking,
		Event: newEventView(d.Event, s.now()), Date: newDateView(d.Session, d.Event.Zone(), s.now()),
		Amount: FormatMoney(d.Booking.AmountCents, d.Booking.Currency),
	})
}

func (s *Server) testCheckoutBooking(c echo.Context, token string) (booking.Details, error) {
	if s.deps.Offline == nil {
		return booking.Details{}, echo.NewHTTPError(http.StatusNotFound)
	}
	d, err := s.booking.Get(c.Request().Context(), c.QueryParam("ref"), booking.Actor{Token: token})
	if err != nil {
		return booking.Details{}, err
	}
	if d.Booking.PaymentRef != c.Param("id") {
		return booking.Details{}, fault.New(fault.NotFound, "no such checkout")
	}
	return d, nil
}

func (s *Server) testCheckoutPay(c echo.Context) error {
	token := c.FormValue("t")
	d, err := s.testCheckoutBooking(c, token)
	if err != nil {
		return err
	}
	event := s.deps.Offline.CompleteEvent(c.Param("id"), d.Booking.Ref, d.Booking.AmountCents, d.Booking.Currency, s.now())
	if _, err := s.booking.ApplyPayment(c.Request().Context(), event); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+d.Booking.Ref+"?t="+url.QueryEscape(token)+"&paid=1")
}

func (s *Server) testCheckoutAbandon(c echo.Context) error {
	token := c.FormValue("t")
	d, err := s.testCheckoutBooking(c, token)
	if err != nil {
		return err
	}
	event := s.deps.Offline.ExpireEvent(c.Param("id"), d.Booking.Ref, s.now())
	if _, err := s.booking.ApplyPayment(c.Request().Context(), event); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/events/"+d.Event.Slug+"?released=1")
}

// inviteFile serves the attendee's own calendar file: the invite while the
// booking is live, its cancellation after.
func (s *Server) inviteFile(c echo.Context) error {
	token := c.QueryParam("t")
	d, err := s.booking.Get(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	body, err := s.deps.Notifier.Invite(d.Event, d.Session, d.Booking, s.booking.ManageURL(d.Booking.Ref, token))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return serveCalendar(c, strings.ToLower(d.Booking.Ref)+".ics", body, "private, no-cache")
}
