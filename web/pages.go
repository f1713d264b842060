package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
)

// eventView is an event as the public pages show it.
type eventView struct {
	events.Event
	Price     string
	HostNames string
	Dates     []dateView
	NextDate  *dateView
}

// dateView is one session shown in the event's own time zone.
type dateView struct {
	ID        int64
	Day       string // "Wednesday 22 September 2027"
	Hours     string // "18:00–20:00 BST"
	StartsAt  string // RFC 3339 instant, for the viewer's-local-time script
	EndsAt    string
	SeatsLeft int
	Capacity  int
	Past      bool
	Cancelled bool
	Full      bool
	Links     calendarLinks
}

// Open reports whether the date can be chosen.
func (d dateView) Open() bool { return !d.Past && !d.Cancelled && !d.Full }

func newEventView(e events.Event, now time.Time) eventView {
	v := eventView{Event: e, Price: FormatMoney(e.PriceCents, e.Currency)}
	names := make([]string, len(e.Hosts))
	for i, h := range e.Hosts {
		names[i] = h.Name
	}
	v.HostNames = joinNames(names)
	zone := e.Zone()
	for _, s := range e.Sessions {
		d := newDateView(s, zone, now)
		v.Dates = append(v.Dates, d)
		if v.NextDate == nil && d.Open() {
			next := d
			v.NextDate = &next
		}
	}
	return v
}

func newDateView(s events.Session, zone *time.Location, now time.Time) dateView {
	start, end := s.StartsAt.In(zone), s.EndsAt.In(zone)
	hours := start.Format("15:04") + "–" + end.Format("15:04 MST")
	if start.Format("2006-01-02") != end.Format("2006-01-02") {
		hours = start.Format("15:04 MST") + " – " + end.Format("Mon 2 Jan 15:04 MST")
	}
	return dateView{
		ID: s.ID, Day: start.Format("Monday 2 January 2006"), Hours: hours,
		StartsAt: s.StartsAt.UTC().Format(time.RFC3339), EndsAt: s.EndsAt.UTC().Format(time.RFC3339),
		SeatsLeft: s.SeatsLeft(), Capacity: s.Capacity,
		Past: !s.StartsAt.After(now), Cancelled: s.Status == events.SessionCancelled, Full: s.SeatsLeft() == 0,
	}
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

func (s *Server) homePage(c echo.Context) error {
	list, err := s.events.Upcoming(c.Request().Context())
	if err != nil {
		return err
	}
	data := homeData{Title: "Upcoming workshops"}
	now := s.now()
	for _, e := range list {
		data.Events = append(data.Events, newEventView(e, now))
	}
	return s.render(c, http.StatusOK, "home.html", data)
}
