package dashboard

import (
	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// saveDate changes a date's times or capacity. Capacity cannot drop below
// the seats already booked.
func (d *dashboard) saveDate(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	ctx := c.Request().Context()
	coach := coachOf(c)
	sess, e, err := d.Events.HostedSession(ctx, coach.ID, id)
	if err != nil {
		return err
	}
	var f fault.Fields
	in := sessionFromForm(form, e.Zone(), &f)
	err = f.Err()
	if err == nil {
		_, err = d.Booking.RescheduleSession(ctx, coach.ID, id, events.SessionPatch{StartsAt: &in.StartsAt, EndsAt: &in.EndsAt, Capacity: &in.Capacity})
	}
	if err != nil {
		problem, ok := formError(err, sessionFieldNames)
		if !ok {
			return err
		}
		return d.renderSessionPage(c, problem.Status, sess, e, dashForm{Values: form, Errors: problem.Fields}, "", "The date was not saved. "+problem.Message)
	}
	return redirectTo(c, sessionPath(id)+"?done=date-saved")
}
