package dashboard

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// cancelDate cancels a date the coach hosts and everything on it in one
// transaction (booking.Service.CancelSession): its bookings are cancelled,
// each attendee told and refunded as the coach chose (in full, by the
// event's policy, or not at all; refunds are queued for the refund
// worker), holds released and the waitlist closed. Sending the form for a
// date already cancelled winds up anything left on it.
func (d *dashboard) cancelDate(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	coach := coachOf(c)
	policy, f := cancelChoice(c)
	if err := f.Err(); err != nil {
		sess, e, getErr := d.Events.HostedSession(ctx, coach.ID, id)
		if getErr != nil {
			return getErr
		}
		problem, _ := formError(err, nil)
		return d.renderSessionPage(c, problem.Status, sess, e, dashForm{Values: sessionFormValues(sess, e.Zone())}, "",
			"The date was not cancelled: "+f["confirm"]+f["refund"]+".")
	}
	if _, _, err := d.Booking.CancelSession(ctx, coach.ID, id, policy); err != nil {
		sess, e, getErr := d.Events.HostedSession(ctx, coach.ID, id)
		problem, ok := formError(err, nil)
		if !ok || getErr != nil {
			return err
		}
		return d.renderSessionPage(c, problem.Status, sess, e, dashForm{Values: sessionFormValues(sess, e.Zone())}, "",
			"The date was not cancelled: "+problem.Message)
	}
	return redirectTo(c, sessionPath(id)+"?done=date-cancelled")
}

// cancelEvent cancels an event the coach hosts with every date that has
// not begun, and everything on them, in one transaction
// (booking.Service.CancelEvent), refunding as the coach chose.
func (d *dashboard) cancelEvent(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	policy, f := cancelChoice(c)
	err := f.Err()
	if err == nil {
		_, _, err = d.Booking.CancelEvent(ctx, coach.ID, c.Param("slug"), policy)
	}
	if err != nil {
		problem, ok := formError(err, nil)
		if !ok {
			return err
		}
		e, getErr := d.Events.HostedEvent(ctx, coach.ID, c.Param("slug"))
		if getErr != nil {
			return getErr
		}
		message := problem.Message
		if len(f) > 0 {
			message = f["confirm"] + f["refund"]
		}
		return d.renderEventPage(c, problem.Status, e, dashForm{Values: eventFormValues(e, coach.ID)},
			dashForm{Values: url.Values{}}, "", "The event was not cancelled: "+message+".")
	}
	return redirectTo(c, "/dashboard/events/"+c.Param("slug")+"?done=event-cancelled")
}

// cancelChoice reads a cancel form: the refund choice and the box that
// confirms attendees will be told.
func cancelChoice(c echo.Context) (booking.RefundPolicy, fault.Fields) {
	var f fault.Fields
	policy := refundPolicyFromForm(c.FormValue("refund"), &f)
	f.Check(c.FormValue("confirm") == "yes", "confirm", "tick the box to confirm that attendees will be told and refunded")
	return policy, f
}
