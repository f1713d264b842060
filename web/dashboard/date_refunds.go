package dashboard

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/web/internal/bind"
)

// Cancelling a date is one transaction; the refunds it decides are rows
// the refunds worker makes afterwards. The date page shows how far they
// have got: on reload without JavaScript, and with it by polling
// refundProgress, a small JSON answer behind the same sign-in as the page.

// refundProgress answers the refund counts of a date the coach hosts as
// JSON: {"done", "pending", "failed", "total"}; 404 for another coach's.
func (d *dashboard) refundProgress(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	p, err := d.Booking.SessionRefundProgress(c.Request().Context(), coachOf(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// retryRefunds queues the failed refunds of a date the coach hosts again.
func (d *dashboard) retryRefunds(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := d.Booking.RetryFailedRefunds(c.Request().Context(), coachOf(c).ID, id); err != nil {
		return err
	}
	return redirectTo(c, sessionPath(id)+"?done=refunds-retried")
}
