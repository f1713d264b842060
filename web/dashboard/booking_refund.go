package dashboard

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
)

// refundBooking refunds part (or the rest) of a paid booking without
// cancelling it; the amount is typed in the booking's currency.
func (d *dashboard) refundBooking(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	current, err := d.Booking.Get(ctx, c.Param("ref"), bookingActor(coach.ID))
	if err != nil {
		return err
	}
	var f fault.Fields
	// The box starts empty, so a click alone never refunds everything.
	if strings.TrimSpace(c.FormValue("amount")) == "" {
		f.Add("amount", "type the amount to refund")
	}
	amount := parsePrice(&f, "amount", c.FormValue("amount"), current.Booking.Currency)
	if err := f.Err(); err != nil {
		return d.bookingActionError(c, err)
	}
	b, err := d.Booking.Refund(ctx, current.Booking.Ref, coach.ID, amount)
	if err != nil {
		return d.bookingActionError(c, err)
	}
	return redirectTo(c, "/dashboard/bookings/"+b.Ref+"?done=refund-queued")
}
