package dashboard

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/payments"
)

// webhooksShown bounds the payment events the log page lists.
const webhooksShown = 200

type webhooksData struct {
	dashPage
	Events []webhookRow
}

type webhookRow struct {
	payments.ProcessedEvent
	Received string
}

// webhooksPage is the log of payment events (Stripe's webhooks, or the
// TEST MODE checkout's) about the coach's bookings, newest first, with
// what applying each did. It reads the most recent events of the whole
// site and keeps the coach's.
func (d *dashboard) webhooksPage(c echo.Context) error {
	ctx := c.Request().Context()
	refs, err := d.Booking.CoachBookingRefs(ctx, coachOf(c).ID)
	if err != nil {
		return err
	}
	mine := make(map[string]bool, len(refs))
	for _, ref := range refs {
		mine[ref] = true
	}
	log, err := payments.ListEvents(ctx, d.DB, payments.MaxEventsLimit)
	if err != nil {
		return err
	}
	data := webhooksData{dashPage: d.page(c, "Payments log", "webhooks")}
	for _, e := range log {
		if e.BookingRef == "" || !mine[e.BookingRef] {
			continue
		}
		data.Events = append(data.Events, webhookRow{ProcessedEvent: e, Received: e.ReceivedAt.UTC().Format("2 Jan 2006, 15:04:05 MST")})
		if len(data.Events) == webhooksShown {
			break
		}
	}
	return d.Render(c, http.StatusOK, "dashboard_webhooks.html", data)
}
