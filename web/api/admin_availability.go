package api

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// availabilityJSON is a coach's availability as GET and PUT
// /api/v1/admin/availability answer it: wall-clock hours in the coach's
// own zone, Monday first, with [] for a day off.
type availabilityJSON struct {
	Timezone    string                  `json:"timezone"`
	Weekly      availability.Weekly     `json:"weekly"`
	Overrides   []availability.Override `json:"overrides"`
	BusyFeedURL string                  `json:"busy_feed_url"`
	UpdatedAt   *time.Time              `json:"updated_at,omitempty"`
}

func newAvailabilityJSON(a booking.Availability) availabilityJSON {
	out := availabilityJSON{Timezone: a.Rules.Zone, Weekly: a.Rules.Weekly, Overrides: a.Rules.Overrides, BusyFeedURL: a.BusyFeedURL}
	if out.Overrides == nil {
		out.Overrides = []availability.Override{}
	}
	for i, o := range out.Overrides {
		if o.Intervals == nil {
			out.Overrides[i].Intervals = []availability.Interval{}
		}
	}
	if !a.UpdatedAt.IsZero() {
		updated := a.UpdatedAt.UTC()
		out.UpdatedAt = &updated
	}
	return out
}

// intervalRequest is one span of hours as sent: "HH:MM" text, parsed here
// so that a bad time is named by its path rather than failing the body.
type intervalRequest struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// availabilityRequest is the body of PUT /api/v1/admin/availability. It
// replaces the whole availability: a day left out is a day off.
type availabilityRequest struct {
	Timezone  *string                      `json:"timezone"`
	Weekly    map[string][]intervalRequest `json:"weekly"`
	Overrides []struct {
		Date      string            `json:"date"`
		Intervals []intervalRequest `json:"intervals"`
	} `json:"overrides"`
	BusyFeedURL *string `json:"busy_feed_url"`
}

var weekdayByKey = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// availability copies the request into the domain type, naming each
// unreadable day, time or date by its JSON path (weekly.mon[1].end,
// overrides[0].date); the service validates the rest.
func (r availabilityRequest) availability() (booking.Availability, error) {
	var f fault.Fields
	a := booking.Availability{Rules: availability.Rules{Zone: bind.Str(r.Timezone)}, BusyFeedURL: bind.Str(r.BusyFeedURL)}
	days := make([]string, 0, len(r.Weekly))
	for key := range r.Weekly {
		days = append(days, key)
	}
	sort.Strings(days)
	for _, key := range days {
		day, ok := weekdayByKey[key]
		if !ok {
			f.Add("weekly."+key, "is not a day of the week (mon … sun)")
			continue
		}
		a.Rules.Weekly[day] = parseIntervals(&f, "weekly."+key, r.Weekly[key])
	}
	a.Rules.Overrides = make([]availability.Override, 0, len(r.Overrides))
	for i, o := range r.Overrides {
		path := fmt.Sprintf("overrides[%d]", i)
		date, err := availability.ParseDate(o.Date)
		if err != nil {
			f.Add(path+".date", "must be a date YYYY-MM-DD")
		}
		a.Rules.Overrides = append(a.Rules.Overrides, availability.Override{Date: date, Intervals: parseIntervals(&f, path+".intervals", o.Intervals)})
	}
	return a, f.Err()
}

func parseIntervals(f *fault.Fields, path string, in []intervalRequest) []availability.Interval {
	out := make([]availability.Interval, 0, len(in))
	for i, iv := range in {
		start, errStart := availability.ParseClock(iv.Start)
		if errStart != nil {
			f.Add(fmt.Sprintf("%s[%d].start", path, i), "must be a time HH:MM")
		}
		end, errEnd := availability.ParseClock(iv.End)
		if errEnd != nil {
			f.Add(fmt.Sprintf("%s[%d].end", path, i), "must be a time HH:MM")
		}
		out = append(out, availability.Interval{Start: start, End: end})
	}
	return out
}

func (s *handlers) adminGetAvailability(c echo.Context) error {
	a, err := s.Booking.GetAvailability(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newAvailabilityJSON(a))
}

func (s *handlers) adminPutAvailability(c echo.Context) error {
	var req availabilityRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	in, err := req.availability()
	if err != nil {
		// Name what the rules get wrong too, so one answer lists every bad
		// field; nothing is saved.
		fields := err.(*fault.Error).Fields
		if fe, ok := in.Rules.Validate().(*fault.Error); ok {
			for field, message := range fe.Fields {
				if _, named := fields[field]; !named {
					fields[field] = message
				}
			}
		}
		return err
	}
	a, err := s.Booking.PutAvailability(c.Request().Context(), coachOf(c).ID, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newAvailabilityJSON(a))
}
