package dashboard

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/payments"
)

// webhooksShown bounds the payment events the log page lists.
const webhooksShown = 200

type webhooksData struct {
	dashPage
	Events []webhookRow
	Zone   string // the zone the times are shown in
}

// webhookRow is a payment event in words: what happened and what Roster
// did about it, received when in the coach's zone.
type webhookRow struct {
	payments.ProcessedEvent
	Received, What, Result string
}

// coachZone is the zone the coach's own pages show times in (that of
// their first event; UTC without one) and the one currency their events
// share ("" when they use several).
func (d *dashboard) coachZone(c echo.Context) (*time.Location, string, error) {
	list, err := d.Events.CoachEvents(c.Request().Context(), coachOf(c).ID)
	if err != nil || len(list) == 0 {
		return time.UTC, "", err
	}
	currency := list[0].Currency
	for _, e := range list[1:] {
		if e.Currency != currency {
			currency = ""
		}
	}
	return list[0].Zone(), currency, nil
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
	zone, currency, err := d.coachZone(c)
	if err != nil {
		return err
	}
	data := webhooksData{dashPage: d.page(c, "Payments log", "webhooks"), Zone: zone.String()}
	for _, e := range log {
		if e.BookingRef == "" || !mine[e.BookingRef] {
			continue
		}
		data.Events = append(data.Events, webhookRow{ProcessedEvent: e, Received: shortTime(e.ReceivedAt, zone),
			What: paymentEventWords(e.Type), Result: outcomeWords(e.Outcome, currency)})
		if len(data.Events) == webhooksShown {
			break
		}
	}
	return d.Render(c, http.StatusOK, "dashboard_webhooks.html", data)
}
