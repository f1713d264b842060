package dashboard

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// saveEvent applies the edit form to an event the coach hosts; a change
// attendees' calendars show sends them the updated invite. Its slug stays:
// links to the event have been shared.
func (d *dashboard) saveEvent(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	ctx := c.Request().Context()
	coach := coachOf(c)
	e, err := d.Events.HostedEvent(ctx, coach.ID, c.Param("slug"))
	if err != nil {
		return err
	}
	var f fault.Fields
	in := eventFromForm(form, &f)
	in.Slug, in.Status = e.Slug, e.Status
	if len(f) > 0 {
		return d.eventFormError(c, e, form, withDomainChecks(f, in, d.Now()))
	}
	if _, err := d.Booking.UpdateEvent(ctx, coach.ID, e.Slug, patchFromInput(in)); err != nil {
		return d.eventFormError(c, e, form, err)
	}
	return redirectTo(c, "/dashboard/events/"+e.Slug+"?done=saved")
}

func (d *dashboard) eventFormError(c echo.Context, e events.Event, form url.Values, err error) error {
	problem, ok := formError(err, eventFieldNames)
	if !ok {
		return err
	}
	form.Set("slug", e.Slug)
	return d.renderEventPage(c, problem.Status, e, dashForm{Values: form, Errors: problem.Fields},
		dashForm{Values: url.Values{}}, "", problem.Message)
}

// setEventStatus publishes or unpublishes an event the coach hosts.
func (d *dashboard) setEventStatus(status events.Status, done string) echo.HandlerFunc {
	return func(c echo.Context) error {
		e, err := d.Booking.UpdateEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"), events.EventPatch{Status: &status})
		if err != nil {
			if problem, ok := formError(err, nil); ok {
				current, getErr := d.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
				if getErr != nil {
					return getErr
				}
				return d.renderEventPage(c, http.StatusUnprocessableEntity, current, dashForm{Values: eventFormValues(current, coachOf(c).ID)},
					dashForm{Values: url.Values{}}, "", "The event can't change status until its details are fixed: "+problem.Message)
			}
			return err
		}
		return redirectTo(c, "/dashboard/events/"+e.Slug+"?done="+done)
	}
}
