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
	// Refunds are shown where the caller asked for the booking itself
	// (GET /api/v1/bookings/:ref); elsewhere they are left out.
	Refunds []refundJSON `json:"refunds,omitempty"`
	// Lines are what the booking bought, priced (one per ticket type);
	// shown where Refunds are and in the answer to the booking request.
	Lines []lineJSON `json:"lines,omitempty"`
}

// refundJSON is one refund of a booking: queued, made or given up.
type refundJSON struct {
	AmountCents int64      `json:"amount_cents"` // minor units of currency
	Currency    string     `json:"currency"`     // ISO 4217
	Status      string     `json:"status"`       // pending, succeeded or failed
	CreatedAt   time.Time  `json:"created_at"`   // UTC, when it was asked for
	RefundedAt  *time.Time `json:"refunded_at"`  // UTC; set once succeeded
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
	Timezone  *string           `json:"timezone"` // the visitor's, for their emails
	Consent   *consentJSON      `json:"consent"`
	// Tickets asks for ticket types (instead of seats of the one type).
	Tickets      []ticketRequest `json:"tickets"`
	DiscountCode *string         `json:"discount_code"`
}

// consentJSON is what the attendee ticked: the coach's terms and,
// separately, marketing. Both default to false.
type consentJSON struct {
	Terms     bool `json:"terms"`
	Marketing bool `json:"marketing"`
}

func (c *consentJSON) value() booking.Consent {
	if c == nil {
		return booking.Consent{}
	}
	return booking.Consent{Terms: c.Terms, Marketing: c.Marketing}
}

func (s *handlers) createBooking(c echo.Context) error {
	var req bookingRequest
	var f fault.Fields
	if err := bind.Decode(c, &req, &f); err != nil {
		return err
	}
	r := booking.Request{Name: bind.Str(req.Name), Email: bind.Str(req.Email), Answers: req.Answers, Consent: req.Consent.value(),
		Timezone: bind.Str(req.Timezone), IdempotencyKey: c.Request().Header.Get("Idempotency-Key"), IdempotencyScope: idempotencyScope(c), ClientAddr: c.RealIP()}
	if req.SessionID != nil {
		r.SessionID = *req.SessionID
	}
	if req.Seats != nil {
		r.Seats = *req.Seats
	} else {
		r.Seats = 1
	}
	r.Tickets, r.DiscountCode = ticketRequests(req.Tickets), bind.Str(req.DiscountCode)
	if len(f) > 0 {
		return mergeRules(f, s.Booking.CheckRequest(r))
	}
	res, err := s.Booking.Reserve(c.Request().Context(), r)
	if err != nil {
		return err
	}
	out := newBookingJSON(res.Booking)
	lines := res.Lines
	if lines == nil { // a replay
		if lines, err = s.Booking.Lines(c.Request().Context(), res.Booking.ID); err != nil {
			return err
		}
	}
	out.Lines = linesJSON(lines)
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
	ctx := c.Request().Context()
	actor := booking.Actor{Token: c.QueryParam("t")}
	d, err := s.Booking.Get(ctx, c.Param("ref"), actor)
	if err != nil {
		return err
	}
	refunds, err := s.Booking.BookingRefunds(ctx, d.Booking.Ref, actor)
	if err != nil {
		return err
	}
	out := newBookingJSON(d.Booking)
	lines, err := s.Booking.Lines(ctx, d.Booking.ID)
	if err != nil {
		return err
	}
	out.Lines = linesJSON(lines)
	out.Refunds = make([]refundJSON, 0, len(refunds))
	for _, r := range refunds {
		out.Refunds = append(out.Refunds, refundJSON{AmountCents: r.AmountCents, Currency: r.Currency, Status: r.Status,
			CreatedAt: r.RequestedAt, RefundedAt: r.RefundedAt})
	}
	if d.Appointment != nil {
		return c.JSON(http.StatusOK, newAppointmentBookingJSON(out, newAppointmentJSON(*d.Appointment)))
	}
	return c.JSON(http.StatusOK, out)
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
	var f fault.Fields
	if err := bind.Decode(c, &req, &f); err != nil {
		return err
	}
	if _, wrongType := f["session_id"]; !wrongType {
		f.Check(req.SessionID != nil, "session_id", "is required")
		f.Check(req.SessionID == nil || *req.SessionID > 0, "session_id", "must be a positive id")
	}
	if err := f.Err(); err != nil {
		return err
	}
	b, err := s.Booking.Move(c.Request().Context(), c.Param("ref"), actor, *req.SessionID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newBookingJSON(b))
}

// waitlistPlaceJSON is a place in line, as the person who joined sees it.
type waitlistPlaceJSON struct {
	ID        int64                  `json:"id"`
	Status    booking.WaitlistStatus `json:"status"`
	SessionID int64                  `json:"session_id"`
	Seats     int                    `json:"seats"`
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
	var f fault.Fields
	if err := bind.Decode(c, &req, &f); err != nil {
		return err
	}
	seats := 1
	if req.Seats != nil {
		seats = *req.Seats
	}
	r := booking.Request{SessionID: id, Name: bind.Str(req.Name), Email: bind.Str(req.Email), Seats: seats, ClientAddr: c.RealIP()}
	if len(f) > 0 {
		return mergeRules(f, s.Booking.CheckRequest(r))
	}
	entry, err := s.Booking.JoinWaitlist(c.Request().Context(), r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, waitlistPlaceJSON{ID: entry.ID, Status: entry.Status, SessionID: entry.SessionID, Seats: entry.Seats})
}

// idempotencyScope is the client an Idempotency-Key belongs to: its
// address. With the request's hash (which holds the email) that is what a
// replay must share with the original before it is answered with the
// booking and a new manage link.
func idempotencyScope(c echo.Context) string { return "addr:" + c.RealIP() }
