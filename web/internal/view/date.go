package view

import (
	"time"

	"github.com/roster-app/roster/events"
)

// Date is one session shown in the event's own time zone.
type Date struct {
	ID        int64
	Day       string // "Wednesday 22 September 2027"
	Hours     string // "18:00–20:00 BST"
	StartsAt  string // RFC 3339 instant, for the viewer's-local-time script
	EndsAt    string
	SeatsLeft int
	Capacity  int
	Past      bool
	Soon      bool // starts within SoonWindow and has not started nor been cancelled
	Cancelled bool
	Full      bool
	Links     CalendarLinks
}

// Open reports whether the date can be chosen.
func (d Date) Open() bool { return !d.Past && !d.Cancelled && !d.Full }

// SoonWindow is how far ahead of now a session's start counts as
// "starting soon".
const SoonWindow = 24 * time.Hour

// StartsSoon reports whether a session starting at start has not started
// as of now and starts within SoonWindow of it.
func StartsSoon(start, now time.Time) bool {
	return start.After(now) && start.Sub(now) <= SoonWindow
}

// NewDate shows a session in zone as of now.
func NewDate(s events.Session, zone *time.Location, now time.Time) Date {
	start, end := s.StartsAt.In(zone), s.EndsAt.In(zone)
	hours := start.Format("15:04") + "–" + end.Format("15:04 MST")
	if start.Format("2006-01-02") != end.Format("2006-01-02") {
		hours = start.Format("15:04 MST") + " – " + end.Format("Mon 2 Jan 15:04 MST")
	}
	return Date{
		ID: s.ID, Day: start.Format("Monday 2 January 2006"), Hours: hours,
		StartsAt: s.StartsAt.UTC().Format(time.RFC3339), EndsAt: s.EndsAt.UTC().Format(time.RFC3339),
		SeatsLeft: s.SeatsLeft(), Capacity: s.Capacity,
		Past: !s.StartsAt.After(now), Soon: s.Status != events.SessionCancelled && StartsSoon(s.StartsAt, now),
		Cancelled: s.Status == events.SessionCancelled, Full: s.SeatsLeft() == 0,
	}
}

// CalendarLinks are the "add to calendar" links of one date.
type CalendarLinks struct {
	ICS, Google, Outlook, Office365 string
}
