package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// slotJSON is a bookable start and its end, with the offset of the zone
// the listing was asked in.
type slotJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// appointmentJSON is an appointment's time and coach in the JSON API, the
// times with the offset of the client's zone.
type appointmentJSON struct {
	Type     string   `json:"appointment_type"`
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Timezone string   `json:"timezone"`
	Host     hostJSON `json:"host"`
	// Hosts are every coach who attends: one for a round-robin type, every
	// host for a collective one. Host is the first of them.
	Hosts []hostJSON `json:"hosts"`
}

func newAppointmentJSON(a booking.AppointmentDetails) appointmentJSON {
	loc, err := time.LoadLocation(a.Timezone)
	if err != nil {
		loc = time.UTC
	}
	out := appointmentJSON{Type: a.Type.Slug, Start: a.StartsAt.In(loc).Format(time.RFC3339),
		End: a.EndsAt.In(loc).Format(time.RFC3339), Timezone: a.Timezone, Hosts: make([]hostJSON, 0, len(a.Hosts))}
	for _, h := range a.Hosts {
		out.Hosts = append(out.Hosts, hostJSON{Name: h.Name, Email: h.Email})
	}
	if len(out.Hosts) > 0 {
		out.Host = out.Hosts[0]
	}
	return out
}

// appointmentBookingJSON is an appointment's booking in the JSON API: the
// fields of bookingJSON and the call's time and coach, side by side.
type appointmentBookingJSON struct {
	Ref           string          `json:"ref"`
	Status        booking.Status  `json:"status"`
	SessionID     int64           `json:"session_id"` // always 0
	EventID       int64           `json:"event_id"`   // always 0
	Name          string          `json:"name"`
	Email         string          `json:"email"`
	Seats         int             `json:"seats"`
	AmountCents   int64           `json:"amount_cents"` // minor units of currency
	Currency      string          `json:"currency"`
	RefundedCents int64           `json:"refunded_cents"`
	HoldExpiresAt *time.Time      `json:"hold_expires_at,omitempty"`
	Answers       booking.Answers `json:"answers"`
	PaymentRef    string          `json:"payment_ref,omitempty"`
	PaymentIntent string          `json:"payment_intent,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
	ManageURL     string          `json:"manage_url,omitempty"`
	CheckoutURL   string          `json:"checkout_url,omitempty"`
	Refunds       []refundJSON    `json:"refunds,omitempty"`
	Type          string          `json:"appointment_type"`
	Start         string          `json:"start"` // RFC 3339 with the client's zone's offset
	End           string          `json:"end"`
	Timezone      string          `json:"timezone"`
	Host          hostJSON        `json:"host"`
	Hosts         []hostJSON      `json:"hosts"`
}

func newAppointmentBookingJSON(b bookingJSON, a appointmentJSON) appointmentBookingJSON {
	return appointmentBookingJSON{
		Ref: b.Ref, Status: b.Status, SessionID: b.SessionID, EventID: b.EventID, Name: b.Name, Email: b.Email,
		Seats: b.Seats, AmountCents: b.AmountCents, Currency: b.Currency, RefundedCents: b.RefundedCents,
		HoldExpiresAt: b.HoldExpiresAt, Answers: b.Answers, PaymentRef: b.PaymentRef, PaymentIntent: b.PaymentIntent,
		CreatedAt: b.CreatedAt, ManageURL: b.ManageURL, CheckoutURL: b.CheckoutURL, Refunds: b.Refunds,
		Type: a.Type, Start: a.Start, End: a.End, Timezone: a.Timezone, Host: a.Host, Hosts: a.Hosts,
	}
}

func (s *handlers) getCoaching(c echo.Context) error {
	t, err := s.Events.PublicAppointmentType(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newAppointmentTypeJSON(t, false))
}

// listSlots answers GET /api/v1/coaching/:slug/slots?from=&to=&timezone=:
// from and to are whole days in timezone, inclusive; from defaults to
// today there (in UTC when no timezone is given: the default zone, the
// first host's, is known only inside the service) and to to six days
// after from.
func (s *handlers) listSlots(c echo.Context) error {
	var f fault.Fields
	zone := c.QueryParam("timezone")
	today := func() availability.Date {
		// Only without from: the service checks the zone, from a cache,
		// and loading a zone costs more than the rest of a cached listing.
		loc, err := time.LoadLocation(zone)
		if err != nil || zone == "Local" {
			f.Add("timezone", "must be an IANA time zone such as Europe/London")
			loc = time.UTC
		}
		return availability.DateOf(s.Now().In(loc))
	}
	var from availability.Date
	if raw := c.QueryParam("from"); raw != "" {
		from = parseDay(&f, "from", raw, availability.Date{})
	} else {
		from = today()
	}
	to := parseDay(&f, "to", c.QueryParam("to"), from.AddDays(6))
	if err := f.Err(); err != nil {
		return err
	}
	list, err := s.Booking.Slots(c.Request().Context(), c.Param("slug"), from, to, zone)
	if err != nil {
		return err
	}
	type slotsJSON struct {
		Timezone string     `json:"timezone"`
		From     string     `json:"from"`
		To       string     `json:"to"`
		Slots    []slotJSON `json:"slots"`
	}
	key := c.Param("slug") + "|" + from.String() + "|" + to.String() + "|" + zone
	body, err := s.slotBodies.encode(key, list, func() any {
		out := slotsJSON{Timezone: list.Timezone, From: from.String(), To: to.String(), Slots: make([]slotJSON, 0, len(list.Slots))}
		for _, slot := range list.Slots {
			out.Slots = append(out.Slots, slotJSON{Start: slot.Start.Format(time.RFC3339), End: slot.End.Format(time.RFC3339)})
		}
		return out
	})
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, body)
}

// parseDay reads a YYYY-MM-DD query value, or returns def when it is absent.
func parseDay(f *fault.Fields, field, value string, def availability.Date) availability.Date {
	if value == "" {
		return def
	}
	d, err := availability.ParseDate(value)
	if err != nil {
		f.Add(field, "must be a date YYYY-MM-DD")
	}
	return d
}

// appointmentRequest is the body of POST /api/v1/coaching/:slug/bookings.
type appointmentRequest struct {
	Start    *string           `json:"start"`
	Name     *string           `json:"name"`
	Email    *string           `json:"email"`
	Timezone *string           `json:"timezone"`
	Answers  map[string]string `json:"answers"`
	Consent  *consentJSON      `json:"consent"`
	// CreditCode spends one credit of a package instead of a payment.
	CreditCode *string `json:"credit_code"`
}

func (s *handlers) bookAppointment(c echo.Context) error {
	var req appointmentRequest
	var f fault.Fields
	if err := bind.Decode(c, &req, &f); err != nil {
		return err
	}
	start := bind.TimeField(&f, "start", bind.Str(req.Start))
	r := booking.AppointmentRequest{TypeSlug: c.Param("slug"), Start: start, Name: bind.Str(req.Name), Email: bind.Str(req.Email),
		Timezone: bind.Str(req.Timezone), Answers: req.Answers, Consent: req.Consent.value(), CreditCode: bind.Str(req.CreditCode),
		IdempotencyKey: c.Request().Header.Get("Idempotency-Key"), IdempotencyScope: idempotencyScope(c), ClientAddr: c.RealIP()}
	if len(f) > 0 {
		return mergeRules(f, s.Booking.CheckAppointmentRequest(r))
	}
	res, err := s.Booking.BookAppointment(c.Request().Context(), r)
	if err != nil {
		return err
	}
	b := newBookingJSON(res.Booking)
	b.ManageURL = s.Booking.ManageURL(res.Booking.Ref, res.Token)
	if res.Booking.Status == booking.PendingPayment {
		if b.CheckoutURL, err = s.StartCheckout(c.Request().Context(), res.Result); err != nil {
			return err
		}
	}
	out := newAppointmentBookingJSON(b, newAppointmentJSON(res.Appointment))
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	return c.JSON(status, out)
}

type rescheduleRequest struct {
	Start *string `json:"start"`
}

func (s *handlers) rescheduleBooking(c echo.Context) error {
	return s.rescheduleAs(c, booking.Actor{Token: c.QueryParam("t")})
}

func (s *handlers) rescheduleAs(c echo.Context, actor booking.Actor) error {
	var req rescheduleRequest
	var f fault.Fields
	err := bind.JSON(c, &req)
	start := bind.TimeField(&f, "start", bind.Str(req.Start))
	f.Check(req.Start != nil, "start", "is required")
	if err == nil {
		err = f.Err()
	}
	if err != nil {
		// Check the token (or the coach) before judging the body, so that
		// someone else's booking is always 404 whatever is sent.
		if _, gerr := s.Booking.Get(c.Request().Context(), c.Param("ref"), actor); gerr != nil {
			return gerr
		}
		return err
	}
	d, err := s.Booking.Reschedule(c.Request().Context(), c.Param("ref"), actor, start)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newAppointmentBookingJSON(newBookingJSON(d.Booking), newAppointmentJSON(*d.Appointment)))
}
