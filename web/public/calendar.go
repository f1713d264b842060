package public

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/calendar"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/view"
)

// host is the base URL's host, which names calendar UIDs.
func (s *handlers) host() string {
	u, err := url.Parse(s.BaseURL)
	if err != nil || u.Hostname() == "" {
		return "localhost"
	}
	return u.Hostname()
}

// sessionEntry is a date as a public calendar event. Its stamp is the
// date's last change, so an unchanged file keeps its bytes and ETag.
func (s *handlers) sessionEntry(e events.Event, sess events.Session) calendar.Entry {
	description := e.Summary
	if description != "" {
		description += "\n\n"
	}
	description += "Details and booking: " + s.BaseURL + "/events/" + e.Slug
	entry := calendar.Entry{
		UID: fmt.Sprintf("session-%d@%s", sess.ID, s.host()), Sequence: sess.Sequence,
		Summary: e.Title, Description: description, Location: e.Location,
		URL: s.BaseURL + "/events/" + e.Slug, Start: sess.StartsAt, End: sess.EndsAt,
		Cancelled: sess.Status == events.SessionCancelled || e.Status == events.Cancelled,
		Stamp:     latest(sess.UpdatedAt, e.UpdatedAt),
	}
	if len(e.Hosts) > 0 {
		entry.Organizer = &calendar.Person{Name: e.Hosts[0].Name, Email: e.Hosts[0].Email}
	}
	return entry
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (s *handlers) linksFor(e events.Event, sess events.Session) view.CalendarLinks {
	entry := s.sessionEntry(e, sess)
	return view.CalendarLinks{
		ICS:       fmt.Sprintf("/events/%s/sessions/%d/calendar.ics", e.Slug, sess.ID),
		Google:    calendar.GoogleURL(entry),
		Outlook:   calendar.OutlookURL(entry, false),
		Office365: calendar.OutlookURL(entry, true),
	}
}

// serveCalendar writes an iCalendar body with an ETag, answering 304 when
// the client has it already.
func serveCalendar(c echo.Context, filename string, body []byte, cache string) error {
	etag := calendar.ETag(body)
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", cache)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, calendar.ContentType, body)
}

// sessionCalendar serves one public date as a .ics file (METHOD:PUBLISH).
func (s *handlers) sessionCalendar(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	e, err := s.Events.PublicEvent(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	for _, sess := range e.Sessions {
		if sess.ID == id {
			body, err := calendar.Publish(e.Title, s.sessionEntry(e, sess))
			if err != nil {
				return err
			}
			return serveCalendar(c, e.Slug+".ics", body, "public, max-age=300")
		}
	}
	return events.ErrNotFound
}

// eventFeed serves every date of a public event, for subscribing.
func (s *handlers) eventFeed(c echo.Context) error {
	e, err := s.Events.PublicEvent(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	entries := make([]calendar.Entry, 0, len(e.Sessions))
	for _, sess := range e.Sessions {
		entries = append(entries, s.sessionEntry(e, sess))
	}
	body, err := calendar.Publish(e.Title, entries...)
	if err != nil {
		return err
	}
	return serveCalendar(c, e.Slug+".ics", body, "public, max-age=300")
}

// coachFeed serves a coach's private feed of every date they host, with
// seats booked, and of their appointments, to the holder of their feed
// token.
func (s *handlers) coachFeed(c echo.Context) error {
	ctx := c.Request().Context()
	coach, err := s.Coaches.Authenticate(ctx, c.QueryParam("token"), coaches.FeedToken)
	if err != nil {
		return err
	}
	list, err := s.Events.CoachEvents(ctx, coach.ID)
	if err != nil {
		return err
	}
	var entries []calendar.Entry
	for _, e := range list {
		if e.Status == events.Draft {
			continue
		}
		for _, sess := range e.Sessions {
			entry := s.sessionEntry(e, sess)
			entry.Summary = fmt.Sprintf("%s (%d/%d booked)", e.Title, sess.SeatsTaken, sess.Capacity)
			entry.Description = fmt.Sprintf("%d of %d seats booked.\nAttendees: %s/dashboard/sessions/%d\n\n%s",
				sess.SeatsTaken, sess.Capacity, s.BaseURL, sess.ID, entry.Description)
			// The count changes without the date changing: stamp with now so
			// calendars that compare DTSTAMP take the new summary.
			entry.Stamp = s.Now()
			entries = append(entries, entry)
		}
	}
	appointments, err := s.appointmentEntries(ctx, coach.ID)
	if err != nil {
		return err
	}
	entries = append(entries, appointments...)
	body, err := calendar.Publish(coach.Name+" · Roster", entries...)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return serveCalendar(c, "roster.ics", body, "private, max-age=300")
}
