package dashboard

import (
	"github.com/labstack/echo/v4"
)

// checkIn marks a confirmed attendee as arrived, or undoes it
// (checked_in=no), then goes back to the date's attendee list or, with
// back=booking, to the booking.
func (d *dashboard) checkIn(c echo.Context) error {
	checkedIn := c.FormValue("checked_in") != "no"
	a, err := d.Booking.SetCheckedIn(c.Request().Context(), c.Param("ref"), coachOf(c).ID, checkedIn)
	if err != nil {
		return d.bookingActionError(c, err)
	}
	done := "checked-in"
	if !checkedIn {
		done = "check-in-undone"
	}
	if c.FormValue("back") == "booking" {
		return redirectTo(c, "/dashboard/bookings/"+a.Ref+"?done="+done)
	}
	return redirectTo(c, sessionPath(a.SessionID)+"?done="+done+"#booking-"+a.Ref)
}

// bookingActionError shows a refused action on the booking's page, or
// passes on an error that is not the coach's to fix (another coach's
// booking is 404).
func (d *dashboard) bookingActionError(c echo.Context, err error) error {
	problem, ok := formError(err, nil)
	if !ok {
		return err
	}
	form, _ := c.FormParams()
	for _, m := range problem.Fields {
		problem.Message = m
	}
	return d.renderBookingPage(c, problem.Status, dashForm{Values: form, Errors: problem.Fields}, "", problem.Message)
}
