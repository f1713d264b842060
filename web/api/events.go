package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/view"
)

// eventJSON is an event in the JSON API.
type eventJSON struct {
	ID                        int64         `json:"id"`
	Slug                      string        `json:"slug"`
	Title                     string        `json:"title"`
	Summary                   string        `json:"summary"`
	Description               string        `json:"description"`
	Timezone                  string        `json:"timezone"`
	Location                  string        `json:"location"`
	OnlineURL                 string        `json:"online_url,omitempty"`
	PriceCents                int64         `json:"price_cents"`
	Currency                  string        `json:"currency"`
	Price                     string        `json:"price"`
	Status                    events.Status `json:"status"`
	Hosts                     []string      `json:"hosts"`
	HostDetails               []hostJSON    `json:"host_details"`
	ReminderOffsetsMinutes    []int         `json:"reminder_offsets_minutes"`
	RegistrationCutoffMinutes int           `json:"registration_cutoff_minutes"`
	RefundCutoffHours         int           `json:"refund_cutoff_hours"`
	URL                       string        `json:"url"`
	Sessions                  []sessionJSON `json:"sessions"`
}

type hostJSON struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// sessionJSON is a date, its times given with the event zone's offset.
type sessionJSON struct {
	ID        int64                `json:"id"`
	StartsAt  string               `json:"starts_at"`
	EndsAt    string               `json:"ends_at"`
	Capacity  int                  `json:"capacity"`
	SeatsLeft int                  `json:"seats_left"`
	Status    events.SessionStatus `json:"status"`
	Past      bool                 `json:"past"`
}

func (s *handlers) eventJSON(e events.Event, now time.Time, public bool) eventJSON {
	out := eventJSON{
		ID: e.ID, Slug: e.Slug, Title: e.Title, Summary: e.Summary, Description: e.Description,
		Timezone: e.Timezone, Location: e.Location, OnlineURL: e.OnlineURL,
		PriceCents: e.PriceCents, Currency: e.Currency, Price: view.FormatMoney(e.PriceCents, e.Currency),
		Status: e.Status, Hosts: []string{}, HostDetails: []hostJSON{},
		ReminderOffsetsMinutes:    append([]int{}, e.ReminderOffsetsMinutes...),
		RegistrationCutoffMinutes: e.RegistrationCutoffMinutes,
		RefundCutoffHours:         e.RefundCutoffHours,
		URL:                       s.BaseURL + "/events/" + e.Slug,
		Sessions:                  []sessionJSON{},
	}
	if public {
		// The join link is for attendees; it goes out in their emails.
		out.OnlineURL = ""
	}
	for _, h := range e.Hosts {
		out.Hosts = append(out.Hosts, h.Email)
		out.HostDetails = append(out.HostDetails, hostJSON{Email: h.Email, Name: h.Name})
	}
	zone := e.Zone()
	for _, sess := range e.Sessions {
		out.Sessions = append(out.Sessions, sessionJSON{
			ID: sess.ID, StartsAt: sess.StartsAt.In(zone).Format(time.RFC3339), EndsAt: sess.EndsAt.In(zone).Format(time.RFC3339),
			Capacity: sess.Capacity, SeatsLeft: sess.SeatsLeft(), Status: sess.Status, Past: !sess.StartsAt.After(now),
		})
	}
	return out
}

// listEvents answers one page of the upcoming events: ?limit= events
// (default 20, at most 100) after the opaque ?cursor= of the previous
// page. The body stays a bare list, as it always was; the next page's
// cursor is in the Next-Cursor header and a Link header (rel="next"),
// both absent on the last page. Each event lists at most
// maxListedSessions of its dates still ahead; GET /events/{slug} has all.
func (s *handlers) listEvents(c echo.Context) error {
	limit, after, err := pageParams(c)
	if err != nil {
		return err
	}
	now := s.Now()
	list, err := s.Events.UpcomingPage(c.Request().Context(), after, limit+1)
	if err != nil {
		return err
	}
	if len(list) > limit {
		list = list[:limit]
		if next, ok := list[limit-1].NextStart(now.UTC()); ok {
			cursor := encodeCursor(events.UpcomingAfter{NextStart: next, ID: list[limit-1].ID})
			c.Response().Header().Set("Next-Cursor", cursor)
			c.Response().Header().Set("Link", fmt.Sprintf(`</api/v1/events?limit=%d&cursor=%s>; rel="next"`, limit, cursor))
		}
	}
	out := make([]eventJSON, 0, len(list))
	for _, e := range list {
		ej := s.eventJSON(e, now, true)
		ej.Sessions = listedSessions(ej.Sessions)
		out = append(out, ej)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *handlers) getEvent(c echo.Context) error {
	key := "api:" + c.Param("slug")
	if body, ok := s.Pages.Get(key); ok {
		return c.JSONBlob(http.StatusOK, body.([]byte))
	}
	e, err := s.Events.PublicEvent(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	body, err := json.Marshal(s.eventJSON(e, s.Now(), true))
	if err != nil {
		return err
	}
	s.Pages.Put(key, body)
	return c.JSONBlob(http.StatusOK, body)
}
