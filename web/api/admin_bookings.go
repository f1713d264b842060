package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/web/internal/bind"
)

func (s *handlers) adminSessionBookings(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	list, err := s.Booking.SessionBookings(c.Request().Context(), coachOf(c).ID, id)
	if err != nil {
		return err
	}
	out := make([]bookingJSON, 0, len(list))
	for _, b := range list {
		out = append(out, newBookingJSON(b))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *handlers) adminSessionWaitlist(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	list, err := s.Booking.Waitlist(c.Request().Context(), coachOf(c).ID, id)
	if err != nil {
		return err
	}
	out := make([]waitlistJSON, 0, len(list))
	for _, w := range list {
		out = append(out, newWaitlistJSON(w))
	}
	return c.JSON(http.StatusOK, out)
}

// waitlistJSON is a person in line for a date, as the coach sees them.
type waitlistJSON struct {
	ID             int64                  `json:"id"`
	SessionID      int64                  `json:"session_id"`
	EventID        int64                  `json:"event_id"`
	Name           string                 `json:"name"`
	Email          string                 `json:"email"`
	Seats          int                    `json:"seats"`
	Status         booking.WaitlistStatus `json:"status"`
	OfferExpiresAt *time.Time             `json:"offer_expires_at"` // UTC; set while offered
	CreatedAt      time.Time              `json:"created_at"`
	UpdatedAt      time.Time              `json:"updated_at"`
}

func newWaitlistJSON(w booking.WaitlistEntry) waitlistJSON {
	return waitlistJSON{ID: w.ID, SessionID: w.SessionID, EventID: w.EventID, Name: w.Name, Email: w.Email, Seats: w.Seats,
		Status: w.Status, OfferExpiresAt: w.OfferExpiresAt, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

func (s *handlers) adminMoveBooking(c echo.Context) error {
	return s.moveAs(c, booking.Actor{CoachID: coachOf(c).ID})
}

// adminRescheduleBooking answers POST /api/v1/admin/bookings/:ref/reschedule
// {"start"}: the calling coach moves an appointment they attend to another
// slot; another coach's booking is 404.
func (s *handlers) adminRescheduleBooking(c echo.Context) error {
	return s.rescheduleAs(c, booking.Actor{CoachID: coachOf(c).ID})
}

// questionJSON is a registration question in the JSON API.
type questionJSON struct {
	ID       int64                `json:"id"`
	Kind     booking.QuestionKind `json:"kind"`
	Label    string               `json:"label"`
	Required bool                 `json:"required"`
	Options  []string             `json:"options,omitempty"`
}

func (s *handlers) adminGetQuestions(c echo.Context) error {
	e, err := s.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	qs, err := s.Booking.Questions(c.Request().Context(), e.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, questionsJSON(qs))
}

func (s *handlers) adminSetQuestions(c echo.Context) error {
	e, err := s.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	qs, err := bindQuestions(c)
	if err != nil {
		return err
	}
	saved, err := s.Booking.SetQuestions(c.Request().Context(), e.ID, qs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, questionsJSON(saved))
}

func questionsJSON(qs []booking.Question) []questionJSON {
	out := make([]questionJSON, 0, len(qs))
	for _, q := range qs {
		out = append(out, questionJSON{ID: q.ID, Kind: q.Kind, Label: q.Label, Required: q.Required, Options: q.Options})
	}
	return out
}

// cancelRequest is the optional body of a coach's cancel: the refund.
type cancelRequest struct {
	Refund *string `json:"refund"` // "policy", "full" or "none"
}

// refundChoice reads the optional cancel body's refund choice, def when
// there is no body or no choice.
func (s *handlers) refundChoice(c echo.Context, def booking.RefundPolicy) (booking.RefundPolicy, error) {
	var req cancelRequest
	var f fault.Fields
	if c.Request().ContentLength != 0 {
		if err := bind.Decode(c, &req, &f); err != nil {
			return def, err
		}
	}
	policy := def
	switch bind.Str(req.Refund) {
	case "":
	case "policy":
		policy = booking.RefundByPolicy
	case "full":
		policy = booking.RefundFull
	case "none":
		policy = booking.RefundNone
	default:
		f.Add("refund", "must be policy, full or none")
	}
	return policy, f.Err()
}

func (s *handlers) adminCancelBooking(c echo.Context) error {
	policy, err := s.refundChoice(c, booking.RefundByPolicy)
	if err != nil {
		return err
	}
	b, err := s.Booking.CancelWithRefund(c.Request().Context(), c.Param("ref"), booking.Actor{CoachID: coachOf(c).ID}, policy)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newBookingJSON(b))
}

type refundRequest struct {
	AmountCents *int64 `json:"amount_cents"`
}

// adminRefund refunds part or all of a paid booking without cancelling
// it; the refund is made by the worker.
func (s *handlers) adminRefund(c echo.Context) error {
	var req refundRequest
	var f fault.Fields
	if err := bind.Decode(c, &req, &f); err != nil {
		return err
	}
	if _, wrongType := f["amount_cents"]; !wrongType {
		f.Check(req.AmountCents != nil, "amount_cents", "is required")
	}
	if err := f.Err(); err != nil {
		return err
	}
	b, err := s.Booking.Refund(c.Request().Context(), c.Param("ref"), coachOf(c).ID, *req.AmountCents)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, newBookingJSON(b))
}

// outboxJSON is a stored email as coaches see it (never its body, which
// carries the attendee's manage link).
type outboxJSON struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	BookingRef string     `json:"booking_ref,omitempty"`
	To         string     `json:"to"`
	Subject    string     `json:"subject"`
	Status     string     `json:"status"`
	Attempts   int        `json:"attempts"`
	SendAfter  time.Time  `json:"send_after"`
	SentAt     *time.Time `json:"sent_at"`
	LastError  string     `json:"last_error,omitempty"`
}

// adminOutbox lists the emails about the coach's bookings, or about one
// booking with ?booking=REF.
func (s *handlers) adminOutbox(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	filter := notify.Filter{Status: notify.Status(c.QueryParam("status"))}
	if ref := c.QueryParam("booking"); ref != "" {
		d, err := s.Booking.Get(ctx, ref, booking.Actor{CoachID: coach.ID})
		if err != nil {
			return err
		}
		filter.BookingRef = d.Booking.Ref
	} else {
		refs, err := s.Booking.CoachBookingRefs(ctx, coach.ID)
		if err != nil {
			return err
		}
		filter.BookingRefs = refs
	}
	entries, err := s.Outbox.List(ctx, filter)
	if err != nil {
		return err
	}
	out := make([]outboxJSON, 0, len(entries))
	for _, e := range entries {
		j := outboxJSON{ID: e.ID, Kind: string(e.Kind), To: e.To, Subject: e.Subject, Status: string(e.Status),
			Attempts: e.Attempts, SendAfter: e.SendAfter, SentAt: e.SentAt, LastError: e.LastError}
		if e.BookingRef != nil {
			j.BookingRef = *e.BookingRef
		}
		out = append(out, j)
	}
	return c.JSON(http.StatusOK, out)
}

// bindQuestions reads a list of registration questions, as the event and
// the appointment-type question routes both take it.
func bindQuestions(c echo.Context) ([]booking.Question, error) {
	var req []questionJSON
	if err := bind.JSON(c, &req); err != nil {
		return nil, err
	}
	qs := make([]booking.Question, len(req))
	for i, q := range req {
		qs[i] = booking.Question{Kind: q.Kind, Label: q.Label, Required: q.Required, Options: booking.Options(q.Options)}
	}
	return qs, nil
}
