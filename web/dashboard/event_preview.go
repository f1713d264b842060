package dashboard

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/view"
)

// previewData is an event as its public page will show it, for its hosts.
type previewData struct {
	dashPage
	Event     events.Event
	Price     string
	Free      bool
	HostNames string
	Dates     []view.Date
}

// eventPreview shows a host an event, draft or not, as attendees will see
// it once it is published: its details, price, hosts and dates with the
// seats left. Booking is off in the preview; other coaches get 404.
func (d *dashboard) eventPreview(c echo.Context) error {
	e, err := d.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	data := previewData{dashPage: d.page(c, "Preview: "+e.Title, "events"), Event: e,
		Price: view.FormatMoney(e.PriceCents, e.Currency), Free: e.PriceCents == 0}
	names := make([]string, len(e.Hosts))
	for i, h := range e.Hosts {
		names[i] = h.Name
	}
	data.HostNames = strings.Join(names, ", ")
	now := d.Now()
	for _, s := range e.Sessions {
		data.Dates = append(data.Dates, view.NewDate(s, e.Zone(), now))
	}
	return d.Render(c, http.StatusOK, "dashboard_preview.html", data)
}
