package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

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

// input copies the request into the domain type, field by field,
// recording in f each time that does not parse.
func (r eventRequest) input(f *fault.Fields) events.EventInput {
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
	for i, sr := range r.Sessions {
		in.Sessions = append(in.Sessions, sr.input(f, fmt.Sprintf("sessions[%d].", i)))
	}
	return in
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
	var f fault.Fields
	if err := bind.Decode(c, &req, &f); err != nil {
		return err
	}
	in := req.input(&f)
	if len(f) > 0 {
		return withRules(f, in, s.Now())
	}
	e, err := s.Booking.CreateEvent(c.Request().Context(), coachOf(c).ID, in)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/admin/events/"+e.Slug)
	return c.JSON(http.StatusCreated, s.eventJSON(e, s.Now(), false))
}

// withRules adds to the values that did not parse every other problem the
// domain finds with in, so one answer names them all.
func withRules(parsed fault.Fields, in events.EventInput, now time.Time) error {
	in.Normalize()
	var fe *fault.Error
	if err := in.Validate(now); errors.As(err, &fe) {
		for field, message := range fe.Fields {
			parsed.Add(field, message) // a field that did not parse keeps that message
		}
	}
	return parsed.Err()
}

func (s *handlers) adminGetEvent(c echo.Context) error {
	e, err := s.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.eventJSON(e, s.Now(), false))
}

// adminUpdateEvent changes an event; a change attendees' calendars show
// sends them the updated invite (booking.Service.UpdateEvent).
func (s *handlers) adminUpdateEvent(c echo.Context) error {
	var req eventRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	if req.Slug != nil || req.Sessions != nil {
		return (&fault.Fields{"slug": "cannot be changed; sessions have their own endpoints"}).Err()
	}
	e, err := s.Booking.UpdateEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"), req.patch())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.eventJSON(e, s.Now(), false))
}

// adminSetStatus publishes or unpublishes an event.
func (s *handlers) adminSetStatus(status events.Status) echo.HandlerFunc {
	return func(c echo.Context) error {
		e, err := s.Booking.UpdateEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"), events.EventPatch{Status: &status})
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, s.eventJSON(e, s.Now(), false))
	}
}

// adminCancelEvent cancels an event and, in the same transaction, every
// date not yet begun with its bookings, holds, offers and waitlist; the
// optional body chooses the refund (default "full": the coach called it
// off).
func (s *handlers) adminCancelEvent(c echo.Context) error {
	policy, err := s.refundChoice(c, booking.RefundFull)
	if err != nil {
		return err
	}
	e, _, err := s.Booking.CancelEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"), policy)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.eventJSON(e, s.Now(), false))
}

func (s *handlers) adminAddSession(c echo.Context) error {
	var req sessionRequest
	var f fault.Fields
	if err := bind.Decode(c, &req, &f); err != nil {
		return err
	}
	in := req.input(&f, "")
	if err := f.Err(); err != nil {
		return err
	}
	if _, err := s.Booking.AddSession(c.Request().Context(), coachOf(c).ID, c.Param("slug"), in); err != nil {
		return err
	}
	return s.respondHostedEvent(c, http.StatusCreated, c.Param("slug"))
}

// adminUpdateSession changes a date's times or capacity: attendees get the
// updated invite, added seats go to the waitlist first.
func (s *handlers) adminUpdateSession(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	var req sessionRequest
	var f fault.Fields
	if err := bind.Decode(c, &req, &f); err != nil {
		return err
	}
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

// adminCancelSession cancels a date and everything on it in one
// transaction; the optional body chooses the refund (default "full").
func (s *handlers) adminCancelSession(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	policy, err := s.refundChoice(c, booking.RefundFull)
	if err != nil {
		return err
	}
	sess, _, err := s.Booking.CancelSession(c.Request().Context(), coachOf(c).ID, id, policy)
	if err != nil {
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
