package dashboard

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/bind"
)

// typeQuestions edits the registration questions of appointment type t,
// which the coach hosts.
func typeQuestions(d *dashboard, coachID int64, t events.AppointmentType) questionsOwner {
	return questionsOwner{title: t.Title, back: "/dashboard/appointment-types/" + t.Slug, section: "appointment-types",
		save: func(ctx context.Context, qs []booking.Question) error {
			_, err := d.Booking.SetAppointmentTypeQuestions(ctx, coachID, t.Slug, qs)
			return err
		}}
}

// appointmentTypeQuestionsPage shows an appointment type's registration
// questions for editing; another coach's type is 404.
func (d *dashboard) appointmentTypeQuestionsPage(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := d.Events.HostedAppointmentType(ctx, coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	qs, err := d.Booking.AppointmentTypeQuestions(ctx, t.Slug)
	if err != nil {
		return err
	}
	return d.renderQuestions(c, http.StatusOK, typeQuestions(d, coachOf(c).ID, t), questionRows(qs), "")
}

// saveAppointmentTypeQuestions replaces an appointment type's questions
// with the form's rows that have a label. Answers already given stay with
// the bookings.
func (d *dashboard) saveAppointmentTypeQuestions(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	t, err := d.Events.HostedAppointmentType(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	return d.saveQuestionsOf(c, typeQuestions(d, coachOf(c).ID, t), form)
}
