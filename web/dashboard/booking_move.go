package dashboard

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

// moveBooking moves a live booking to another date of its
// event; the attendee gets an updated calendar invite.
func (d *dashboard) moveBooking(c echo.Context) error {
	to, err := strconv.ParseInt(c.FormValue("session_id"), 10, 64)
	if err != nil {
		return d.bookingActionError(c, (&fault.Fields{"session_id": "choose a date"}).Err())
	}
	b, err := d.Booking.Move(c.Request().Context(), c.Param("ref"), bookingActor(coachOf(c).ID), to)
	if err != nil {
		return d.bookingActionError(c, err)
	}
	return redirectTo(c, "/dashboard/bookings/"+b.Ref+"?done=moved")
}

// bookingActor is a coach acting on a booking from the dashboard.
func bookingActor(coachID int64) booking.Actor { return booking.Actor{CoachID: coachID} }
