package dashboard

import (
	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// addDate adds a date to an event the coach hosts; the form gives the day
// and times in the event's time zone.
func (d *dashboard) addDate(c echo.Context) error {
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
	in := sessionFromForm(form, e.Zone(), &f)
	err = f.Err()
	if err == nil {
		_, err = d.Booking.AddSession(ctx, coach.ID, e.Slug, in)
	}
	if err != nil {
		problem, ok := formError(err, sessionFieldNames)
		if !ok {
			return err
		}
		return d.renderEventPage(c, problem.Status, e, dashForm{Values: eventFormValues(e, coach.ID)},
			dashForm{Values: form, Errors: problem.Fields}, "", "The date was not added. "+problem.Message)
	}
	return redirectTo(c, "/dashboard/events/"+e.Slug+"?done=date-added#dates")
}
