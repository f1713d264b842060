package dashboard

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
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

// eventRefundProgress is refundProgress for every date of an event.
func (d *dashboard) eventRefundProgress(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := d.Events.HostedEvent(ctx, coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	p, err := d.Booking.EventRefundProgress(ctx, coachOf(c).ID, e.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// retryEventRefunds is retryRefunds for every date of an event.
func (d *dashboard) retryEventRefunds(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := d.Events.HostedEvent(ctx, coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	if _, err := d.Booking.RetryFailedEventRefunds(ctx, coachOf(c).ID, e.ID); err != nil {
		return err
	}
	return redirectTo(c, "/dashboard/events/"+e.Slug+"?done=refunds-retried")
}

// refundBox is what the refund progress partial shows: the counts, where
// the page polls them, where a retry goes.
type refundBox struct {
	Progress                        booking.RefundProgress
	ProgressURL, RetryURL, PagePath string
	CSRF                            string
}

// RefundBox is the date page's refund progress.
func (d sessionDashData) RefundBox() refundBox {
	path := sessionPath(d.Date.ID)
	return refundBox{Progress: d.Refunds, ProgressURL: path + "/refunds", RetryURL: path + "/refunds/retry", PagePath: path, CSRF: d.CSRF}
}

// RefundBox is a cancelled event's refund progress.
func (d eventDashData) RefundBox() refundBox {
	path := "/dashboard/events/" + d.Event.Slug
	return refundBox{Progress: d.Refunds, ProgressURL: path + "/refunds", RetryURL: path + "/refunds/retry", PagePath: path, CSRF: d.CSRF}
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
