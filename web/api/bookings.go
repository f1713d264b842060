package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// bookingJSON is a booking in the JSON API.
type bookingJSON struct {
	Ref           string          `json:"ref"`
	Status        booking.Status  `json:"status"`
	SessionID     int64           `json:"session_id"`
	EventID       int64           `json:"event_id"`
	Name          string          `json:"name"`
	Email         string          `json:"email"`
	Seats         int             `json:"seats"`
	AmountCents   int64           `json:"amount_cents"`
	Currency      string          `json:"currency"`
	RefundedCents int64           `json:"refunded_cents"`
	HoldExpiresAt *time.Time      `json:"hold_expires_at,omitempty"`
	Answers       booking.Answers `json:"answers"`
	PaymentRef    string          `json:"payment_ref,omitempty"`
	PaymentIntent string          `json:"payment_intent,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
	ManageURL     string          `json:"manage_url,omitempty"`
	CheckoutURL   string          `json:"checkout_url,omitempty"`
}

func newBookingJSON(b booking.Booking) bookingJSON {
	return bookingJSON{
		Ref: b.Ref, Status: b.Status, SessionID: b.SessionID, EventID: b.EventID, Name: b.Name, Email: b.Email,
		Seats: b.Seats, AmountCents: b.AmountCents, Currency: b.Currency, RefundedCents: b.RefundedCents,
		HoldExpiresAt: b.HoldExpiresAt, Answers: b.Answers, PaymentRef: b.PaymentRef, PaymentIntent: b.PaymentIntent,
		CreatedAt: b.CreatedAt,
	}
}

// bookingRequest is the body of POST /api/v1/bookings.
type bookingRequest struct {
	SessionID *int64            `json:"session_id"`
	Name      *string           `json:"name"`
	Email     *string           `json:"email"`
	Seats     *int              `json:"seats"`
	Answers   map[string]string `json:"answers"`
}

func (s *handlers) createBooking(c echo.Context) error {
	var req bookingRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	r := booking.Request{Name: bind.Str(req.Name), Email: bind.Str(req.Email), Answers: req.Answers,
		IdempotencyKey: c.Request().Header.Get("Idempotency-Key")}
	if req.SessionID != nil {
		r.SessionID = *req.SessionID
	}
	if req.Seats != nil {
		r.Seats = *req.Seats
	} else {
		r.Seats = 1
	}
	res, err := s.Booking.Reserve(c.Request().Context(), r)
	if err != nil {
		return err
	}
	out := newBookingJSON(res.Booking)
	out.ManageURL = s.Booking.ManageURL(res.Booking.Ref, res.Token)
	if res.Booking.Status == booking.PendingPayment {
		if out.CheckoutURL, err = s.StartCheckout(c.Request().Context(), res); err != nil {
			return err
		}
	}
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	return c.JSON(status, out)
}

func (s *handlers) getBooking(c echo.Context) error {
	d, err := s.Booking.Get(c.Request().Context(), c.Param("ref"), booking.Actor{Token: c.QueryParam("t")})
	if err != nil {
		return err
	}
	if d.Appointment != nil {
		return c.JSON(http.StatusOK, appointmentBookingJSON{bookingJSON: newBookingJSON(d.Booking), appointmentJSON: newAppointmentJSON(*d.Appointment)})
	}
	return c.JSON(http.StatusOK, newBookingJSON(d.Booking))
}

func (s *handlers) cancelBooking(c echo.Context) error {
	b, err := s.Booking.Cancel(c.Request().Context(), c.Param("ref"), booking.Actor{Token: c.QueryParam("t")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newBookingJSON(b))
}

type moveRequest struct {
	SessionID *int64 `json:"session_id"`
}

func (s *handlers) moveBooking(c echo.Context) error {
	return s.moveAs(c, booking.Actor{Token: c.QueryParam("t")})
}

func (s *handlers) moveAs(c echo.Context, actor booking.Actor) error {
	var req moveRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	if req.SessionID == nil {
		return (&fault.Fields{"session_id": "is required"}).Err()
	}
	b, err := s.Booking.Move(c.Request().Context(), c.Param("ref"), actor, *req.SessionID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newBookingJSON(b))
}

type waitlistRequest struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
	Seats *int    `json:"seats"`
}

func (s *handlers) joinWaitlist(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	var req waitlistRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	seats := 1
	if req.Seats != nil {
		seats = *req.Seats
	}
	entry, err := s.Booking.JoinWaitlist(c.Request().Context(), id, bind.Str(req.Name), bind.Str(req.Email), seats)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": entry.ID, "status": entry.Status, "session_id": entry.SessionID, "seats": entry.Seats})
}
