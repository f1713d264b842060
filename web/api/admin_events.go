package api

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// eventRequest is the body of POST and PATCH /api/v1/admin/events; nil
// fields are absent (PATCH leaves them unchanged).
type eventRequest struct {
	Slug                      *string          `json:"slug"`
	Title                     *string          `json:"title"`
	Summary                   *string          `json:"summary"`
	Description               *string          `json:"description"`
	Timezone                  *string          `json:"timezone"`
	Location                  *string          `json:"location"`
	OnlineURL                 *string          `json:"online_url"`
	PriceCents                *int64           `json:"price_cents"`
	Currency                  *string          `json:"currency"`
	Status                    *events.Status   `json:"status"`
	Hosts                     []string         `json:"hosts"`
	ReminderOffsetsMinutes    []int            `json:"reminder_offsets_minutes"`
	RegistrationCutoffMinutes *int             `json:"registration_cutoff_minutes"`
	RefundCutoffHours         *int             `json:"refund_cutoff_hours"`
	Sessions                  []sessionRequest `json:"sessions"`
}

type sessionRequest struct {
	StartsAt *string `json:"starts_at"`
	EndsAt   *string `json:"ends_at"`
	Capacity *int    `json:"capacity"`
}

// input copies the request into the domain type, field by field.
func (r eventRequest) input() (events.EventInput, error) {
	in := events.EventInput{
		Slug: bind.Str(r.Slug), Title: bind.Str(r.Title), Summary: bind.Str(r.Summary), Description: bind.Str(r.Description),
		Timezone: bind.Str(r.Timezone), Location: bind.Str(r.Location), OnlineURL: bind.Str(r.OnlineURL), Currency: bind.Str(r.Currency),
		HostEmails: r.Hosts, RefundCutoffHours: r.RefundCutoffHours,
	}
	if r.PriceCents != nil {
		in.PriceCents = *r.PriceCents
	}
	if r.Status != nil {
		in.Status = *r.Status
	}
	if r.ReminderOffsetsMinutes != nil {
		in.ReminderOffsetsMinutes = events.Minutes(r.ReminderOffsetsMinutes)
	}
	if r.RegistrationCutoffMinutes != nil {
		in.RegistrationCutoffMinutes = *r.RegistrationCutoffMinutes
	}
	var f fault.Fields
	for i, sr := range r.Sessions {
		si := sr.input(&f, fmt.Sprintf("sessions[%d].", i))
		in.Sessions = append(in.Sessions, si)
	}
	return in, f.Err()
}

func (r sessionRequest) input(f *fault.Fields, prefix string) events.SessionInput {
	in := events.SessionInput{
		StartsAt: bind.TimeField(f, prefix+"starts_at", bind.Str(r.StartsAt)),
		EndsAt:   bind.TimeField(f, prefix+"ends_at", bind.Str(r.EndsAt)),
	}
	if r.Capacity != nil {
		in.Capacity = *r.Capacity
	}
	return in
}

func (r eventRequest) patch() events.EventPatch {
	p := events.EventPatch{
		Title: r.Title, Summary: r.Summary, Description: r.Description, Timezone: r.Timezone,
		Location: r.Location, OnlineURL: r.OnlineURL, Currency: r.Currency, PriceCents: r.PriceCents,
		Status: r.Status, HostEmails: r.Hosts, RegistrationCutoffMinutes: r.RegistrationCutoffMinutes,
		RefundCutoffHours: r.RefundCutoffHours,
	}
	if r.ReminderOffsetsMinutes != nil {
		p.ReminderOffsetsMinutes = events.Minutes(r.ReminderOffsetsMinutes)
	}
	return p
}

func (s *handlers) adminListEvents(c echo.Context) error {
	list, err := s.Events.CoachEvents(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	out := make([]eventJSON, 0, len(list))
	for _, e := range list {
		out = append(out, s.eventJSON(e, s.Now(), false))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *handlers) adminCreateEvent(c echo.Context) error {
	var req eventRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	e, err := s.Booking.CreateEvent(c.Request().Context(), coachOf(c).ID, in)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/admin/events/"+e.Slug)
	return c.JSON(http.StatusCreated, s.eventJSON(e, s.Now(), false))
}

func (s *handlers) adminGetEvent(c echo.Context) error {
	e, err := s.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.eventJSON(e, s.Now(), false))
}

func (s *handlers) adminUpdateEvent(c echo.Context) error {
	var req eventRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	if req.Slug != nil || req.Sessions != nil {
		return (&fault.Fields{"slug": "cannot be changed; sessions have their own endpoints"}).Err()
	}
	e, err := s.Events.UpdateEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"), req.patch())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.eventJSON(e, s.Now(), false))
}

// adminSetStatus publishes, unpublishes or cancels an event.
func (s *handlers) adminSetStatus(status events.Status) echo.HandlerFunc {
	return func(c echo.Context) error {
		e, err := s.Events.UpdateEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"), events.EventPatch{Status: &status})
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, s.eventJSON(e, s.Now(), false))
	}
}

func (s *handlers) adminAddSession(c echo.Context) error {
	var req sessionRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	var f fault.Fields
	in := req.input(&f, "")
	if err := f.Err(); err != nil {
		return err
	}
	if _, err := s.Booking.AddSession(c.Request().Context(), coachOf(c).ID, c.Param("slug"), in); err != nil {
		return err
	}
	return s.respondHostedEvent(c, http.StatusCreated, c.Param("slug"))
}

func (s *handlers) adminUpdateSession(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	var req sessionRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	var f fault.Fields
	patch := events.SessionPatch{Capacity: req.Capacity}
	if req.StartsAt != nil {
		t := bind.TimeField(&f, "starts_at", *req.StartsAt)
		patch.StartsAt = &t
	}
	if req.EndsAt != nil {
		t := bind.TimeField(&f, "ends_at", *req.EndsAt)
		patch.EndsAt = &t
	}
	if err := f.Err(); err != nil {
		return err
	}
	sess, err := s.Booking.RescheduleSession(c.Request().Context(), coachOf(c).ID, id, patch)
	if err != nil {
		return err
	}
	return s.respondSessionEvent(c, sess)
}

func (s *handlers) adminCancelSession(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sess, err := s.Events.CancelSession(ctx, coachOf(c).ID, id)
	if err != nil {
		return err
	}
	// Every attendee is told and refunded in full: the coach called it off.
	if _, err := s.Booking.CancelSessionBookings(ctx, coachOf(c).ID, id, booking.RefundFull); err != nil {
		return err
	}
	return s.respondSessionEvent(c, sess)
}

func (s *handlers) respondSessionEvent(c echo.Context, sess events.Session) error {
	e, err := s.Events.EventByID(c.Request().Context(), sess.EventID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.eventJSON(e, s.Now(), false))
}

func (s *handlers) respondHostedEvent(c echo.Context, status int, slug string) error {
	e, err := s.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, slug)
	if err != nil {
		return err
	}
	return c.JSON(status, s.eventJSON(e, s.Now(), false))
}
