package dashboard

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// dateCancelTimeout bounds the background work of cancelling one date's
// bookings; what is left after it is finished by pressing Resume.
const dateCancelTimeout = 15 * time.Minute

// cancelDate cancels a date the coach hosts: it closes for booking at
// once, and its bookings are cancelled in the background, each attendee
// told and refunded as the coach chose (in full, by the event's policy,
// or not at all). Sending the form again resumes an interrupted run.
func (d *dashboard) cancelDate(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	coach := coachOf(c)
	var f fault.Fields
	policy := refundPolicyFromForm(c.FormValue("refund"), &f)
	f.Check(c.FormValue("confirm") == "yes", "confirm", "tick the box to confirm that attendees will be told and refunded")
	if err := f.Err(); err != nil {
		sess, e, getErr := d.Events.HostedSession(ctx, coach.ID, id)
		if getErr != nil {
			return getErr
		}
		problem, _ := formError(err, nil)
		return d.renderSessionPage(c, problem.Status, sess, e, dashForm{Values: sessionFormValues(sess, e.Zone())}, "",
			"The date was not cancelled: "+f["confirm"]+f["refund"]+".")
	}
	if _, err := d.Events.CancelSession(ctx, coach.ID, id); err != nil {
		return err
	}
	d.dateCancellations.start(ctx, id, dateCancelTimeout, func(ctx context.Context) {
		n, err := d.Booking.CancelSessionBookings(ctx, coach.ID, id, policy)
		if err != nil {
			d.Log.ErrorContext(ctx, "cancel date's bookings", "session", id, "cancelled", n, "err", err)
			return
		}
		d.Log.InfoContext(ctx, "date's bookings cancelled", "session", id, "cancelled", n)
	})
	return redirectTo(c, sessionPath(id)+"?done=date-cancelling")
}
