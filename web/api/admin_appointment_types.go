package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/bind"
)

// appointmentTypeJSON is an appointment type in the JSON API. The public
// form (GET /api/v1/coaching/:slug) leaves out online_url: the join link
// is for the client of a booked appointment and its hosts.
type appointmentTypeJSON struct {
	Slug                   string        `json:"slug"`
	Title                  string        `json:"title"`
	Description            string        `json:"description"`
	DurationMinutes        int           `json:"duration_minutes"`
	PriceCents             int64         `json:"price_cents"`
	Currency               string        `json:"currency"`
	Location               string        `json:"location"`
	OnlineURL              string        `json:"online_url,omitempty"`
	Hosts                  []string      `json:"hosts"` // emails, as POST takes them
	HostDetails            []hostJSON    `json:"host_details"`
	Assignment             string        `json:"assignment"`
	BufferBeforeMinutes    int           `json:"buffer_before_minutes"`
	BufferAfterMinutes     int           `json:"buffer_after_minutes"`
	MinNoticeMinutes       int           `json:"min_notice_minutes"`
	HorizonDays            int           `json:"horizon_days"`
	SlotIntervalMinutes    int           `json:"slot_interval_minutes"`
	MaxPerDay              int           `json:"max_per_day"`
	ReminderOffsetsMinutes []int         `json:"reminder_offsets_minutes"`
	RefundCutoffHours      int           `json:"refund_cutoff_hours"`
	Status                 events.Status `json:"status"`
	CreatedAt              *time.Time    `json:"created_at,omitempty"`
	UpdatedAt              *time.Time    `json:"updated_at,omitempty"`
}

func newAppointmentTypeJSON(t events.AppointmentType, admin bool) appointmentTypeJSON {
	out := appointmentTypeJSON{
		Slug: t.Slug, Title: t.Title, Description: t.Description, DurationMinutes: t.DurationMinutes,
		PriceCents: t.PriceCents, Currency: t.Currency, Location: t.Location,
		Hosts: make([]string, 0, len(t.Hosts)), HostDetails: make([]hostJSON, 0, len(t.Hosts)),
		Assignment: t.Assignment, BufferBeforeMinutes: t.BufferBeforeMinutes, BufferAfterMinutes: t.BufferAfterMinutes,
		MinNoticeMinutes: t.MinNoticeMinutes, HorizonDays: t.HorizonDays, SlotIntervalMinutes: t.SlotIntervalMinutes,
		MaxPerDay: t.MaxPerDay, ReminderOffsetsMinutes: append([]int{}, t.ReminderOffsetsMinutes...),
		RefundCutoffHours: t.RefundCutoffHours, Status: t.Status,
	}
	if out.SlotIntervalMinutes == 0 {
		out.SlotIntervalMinutes = t.DurationMinutes
	}
	for _, h := range t.Hosts {
		out.Hosts = append(out.Hosts, h.Email)
		out.HostDetails = append(out.HostDetails, hostJSON{Name: h.Name, Email: h.Email})
	}
	if admin {
		out.OnlineURL = t.OnlineURL
		created, updated := t.CreatedAt.UTC(), t.UpdatedAt.UTC()
		out.CreatedAt, out.UpdatedAt = &created, &updated
	}
	return out
}

// appointmentTypeRequest is the body of POST and PATCH
// /api/v1/admin/appointment-types; nil fields are absent (PATCH leaves
// them as they are, POST takes the defaults).
type appointmentTypeRequest struct {
	Slug                   *string        `json:"slug"`
	Title                  *string        `json:"title"`
	Description            *string        `json:"description"`
	DurationMinutes        *int           `json:"duration_minutes"`
	PriceCents             *int64         `json:"price_cents"`
	Currency               *string        `json:"currency"`
	Location               *string        `json:"location"`
	OnlineURL              *string        `json:"online_url"`
	Hosts                  []string       `json:"hosts"`
	Assignment             *string        `json:"assignment"`
	BufferBeforeMinutes    *int           `json:"buffer_before_minutes"`
	BufferAfterMinutes     *int           `json:"buffer_after_minutes"`
	MinNoticeMinutes       *int           `json:"min_notice_minutes"`
	HorizonDays            *int           `json:"horizon_days"`
	SlotIntervalMinutes    *int           `json:"slot_interval_minutes"`
	MaxPerDay              *int           `json:"max_per_day"`
	ReminderOffsetsMinutes []int          `json:"reminder_offsets_minutes"`
	RefundCutoffHours      *int           `json:"refund_cutoff_hours"`
	Status                 *events.Status `json:"status"`
}

// apply copies the fields present in the request onto in, field by field.
func (r appointmentTypeRequest) apply(in *events.AppointmentTypeInput) {
	setStr := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setInt := func(dst *int, src *int) {
		if src != nil {
			*dst = *src
		}
	}
	setStr(&in.Slug, r.Slug)
	setStr(&in.Title, r.Title)
	setStr(&in.Description, r.Description)
	setStr(&in.Currency, r.Currency)
	setStr(&in.Location, r.Location)
	setStr(&in.OnlineURL, r.OnlineURL)
	setStr(&in.Assignment, r.Assignment)
	setInt(&in.DurationMinutes, r.DurationMinutes)
	setInt(&in.BufferBeforeMinutes, r.BufferBeforeMinutes)
	setInt(&in.BufferAfterMinutes, r.BufferAfterMinutes)
	setInt(&in.MinNoticeMinutes, r.MinNoticeMinutes)
	setInt(&in.HorizonDays, r.HorizonDays)
	setInt(&in.SlotIntervalMinutes, r.SlotIntervalMinutes)
	setInt(&in.MaxPerDay, r.MaxPerDay)
	if r.PriceCents != nil {
		in.PriceCents = *r.PriceCents
	}
	if r.Hosts != nil {
		in.HostEmails = r.Hosts
	}
	if r.ReminderOffsetsMinutes != nil {
		in.ReminderOffsetsMinutes = events.Minutes(r.ReminderOffsetsMinutes)
	}
	if r.RefundCutoffHours != nil {
		in.RefundCutoffHours = r.RefundCutoffHours
	}
	if r.Status != nil {
		in.Status = *r.Status
	}
}

// inputOf is a type's current settings as an input, the base a PATCH
// changes.
func inputOf(t events.AppointmentType) events.AppointmentTypeInput {
	hosts := make([]string, len(t.Hosts))
	for i, h := range t.Hosts {
		hosts[i] = h.Email
	}
	refund := t.RefundCutoffHours
	return events.AppointmentTypeInput{
		Slug: t.Slug, Title: t.Title, Description: t.Description, DurationMinutes: t.DurationMinutes,
		PriceCents: t.PriceCents, Currency: t.Currency, Location: t.Location, OnlineURL: t.OnlineURL,
		HostEmails: hosts, Assignment: t.Assignment, BufferBeforeMinutes: t.BufferBeforeMinutes,
		BufferAfterMinutes: t.BufferAfterMinutes, MinNoticeMinutes: t.MinNoticeMinutes, HorizonDays: t.HorizonDays,
		SlotIntervalMinutes: t.SlotIntervalMinutes, MaxPerDay: t.MaxPerDay,
		ReminderOffsetsMinutes: append(events.Minutes{}, t.ReminderOffsetsMinutes...), RefundCutoffHours: &refund, Status: t.Status,
	}
}

func (s *handlers) adminListAppointmentTypes(c echo.Context) error {
	list, err := s.Events.CoachAppointmentTypes(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	out := make([]appointmentTypeJSON, 0, len(list))
	for _, t := range list {
		out = append(out, newAppointmentTypeJSON(t, true))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *handlers) adminCreateAppointmentType(c echo.Context) error {
	var req appointmentTypeRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	var in events.AppointmentTypeInput
	req.apply(&in)
	t, err := s.Events.CreateAppointmentType(c.Request().Context(), coachOf(c).ID, in)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/admin/appointment-types/"+t.Slug)
	return c.JSON(http.StatusCreated, newAppointmentTypeJSON(t, true))
}

func (s *handlers) adminGetAppointmentType(c echo.Context) error {
	t, err := s.Events.HostedAppointmentType(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newAppointmentTypeJSON(t, true))
}

// adminUpdateAppointmentType changes the fields the body names and keeps
// the rest. The current settings are read before the update's own
// transaction, so two PATCHes racing on different fields may lose one
// change; the update itself is atomic and checks the coach hosts the type.
func (s *handlers) adminUpdateAppointmentType(c echo.Context) error {
	ctx := c.Request().Context()
	var req appointmentTypeRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	current, err := s.Events.HostedAppointmentType(ctx, coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	in := inputOf(current)
	req.apply(&in)
	t, err := s.Events.UpdateAppointmentType(ctx, coachOf(c).ID, current.Slug, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newAppointmentTypeJSON(t, true))
}

// adminGetTypeQuestions answers GET /api/v1/admin/appointment-types/:slug/
// questions: the type's registration questions in order; a type the
// coach does not host is 404.
func (s *handlers) adminGetTypeQuestions(c echo.Context) error {
	t, err := s.Events.HostedAppointmentType(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	qs, err := s.Booking.AppointmentTypeQuestions(c.Request().Context(), t.Slug)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, questionsJSON(qs))
}

// adminSetTypeQuestions answers PUT /api/v1/admin/appointment-types/:slug/
// questions: it replaces the type's questions, as for an event's.
func (s *handlers) adminSetTypeQuestions(c echo.Context) error {
	t, err := s.Events.HostedAppointmentType(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	qs, err := bindQuestions(c)
	if err != nil {
		return err
	}
	saved, err := s.Booking.SetAppointmentTypeQuestions(c.Request().Context(), coachOf(c).ID, t.Slug, qs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, questionsJSON(saved))
}
