package public

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/view"
)

// eventView is an event as the public pages show it.
type eventView struct {
	events.Event
	Price     string
	HostNames string
	Dates     []view.Date
	NextDate  *view.Date
}

func newEventView(e events.Event, now time.Time) eventView {
	v := eventView{Event: e, Price: view.FormatMoney(e.PriceCents, e.Currency)}
	names := make([]string, len(e.Hosts))
	for i, h := range e.Hosts {
		names[i] = h.Name
	}
	v.HostNames = joinNames(names)
	zone := e.Zone()
	for _, s := range e.Sessions {
		d := view.NewDate(s, zone, now)
		v.Dates = append(v.Dates, d)
		if v.NextDate == nil && d.Open() {
			next := d
			v.NextDate = &next
		}
	}
	return v
}

// joinNames joins names as a person would: "A", "A and B", "A, B and C".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

type homeData struct {
	Title  string
	Events []eventView
}

func (s *handlers) homePage(c echo.Context) error {
	list, err := s.Events.Upcoming(c.Request().Context())
	if err != nil {
		return err
	}
	data := homeData{Title: "Upcoming workshops"}
	now := s.Now()
	for _, e := range list {
		data.Events = append(data.Events, newEventView(e, now))
	}
	return s.Render(c, http.StatusOK, "home.html", data)
}
