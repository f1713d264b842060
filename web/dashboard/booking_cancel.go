package dashboard

import (
	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
)

// cancelBooking cancels a live booking with the refund the coach chose:
// by the event's policy, in full, or none. The attendee is emailed.
func (d *dashboard) cancelBooking(c echo.Context) error {
	var f fault.Fields
	policy := refundPolicyFromForm(c.FormValue("refund"), &f)
	if err := f.Err(); err != nil {
		return d.bookingActionError(c, err)
	}
	b, err := d.Booking.CancelWithRefund(c.Request().Context(), c.Param("ref"), bookingActor(coachOf(c).ID), policy)
	if err != nil {
		return d.bookingActionError(c, err)
	}
	return redirectTo(c, "/dashboard/bookings/"+b.Ref+"?done=cancelled")
}
