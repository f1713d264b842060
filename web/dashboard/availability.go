package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// weekDays are the availability form's days, Monday first, with their
// field names (the API's day keys) and labels.
var weekDays = []struct {
	Key, Label string
	Day        int // time.Weekday
}{
	{"mon", "Monday", 1}, {"tue", "Tuesday", 2}, {"wed", "Wednesday", 3}, {"thu", "Thursday", 4},
	{"fri", "Friday", 5}, {"sat", "Saturday", 6}, {"sun", "Sunday", 0},
}

type availabilityData struct {
	dashPage
	Form     dashForm
	Zones    []string
	Days     []dayField
	FeedNote string // the busy feed's state, for the coach
}

type dayField struct{ Key, Label string }

// availabilityPage shows the coach's weekly hours, overrides and busy feed
// as a form.
func (d *dashboard) availabilityPage(c echo.Context) error {
	a, err := d.Booking.GetAvailability(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	data := d.page(c, "Availability", "availability")
	data.Notice = coachingNotice(c)
	return d.renderAvailability(c, http.StatusOK, data, dashForm{Values: availabilityFormValues(a)})
}

func (d *dashboard) renderAvailability(c echo.Context, status int, page dashPage, form dashForm) error {
	data := availabilityData{dashPage: page, Form: form, Zones: commonZones}
	for _, day := range weekDays {
		data.Days = append(data.Days, dayField{Key: "weekly." + day.Key, Label: day.Label})
	}
	feed, err := d.Booking.BusyFeedStatus(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	data.FeedNote = feedNote(feed)
	return d.Render(c, status, "dashboard_availability.html", data)
}

// feedNote tells the coach how their busy feed was last read.
func feedNote(st booking.FeedStatus) string {
	switch {
	case st.URL == "":
		return ""
	case st.CheckedAt.IsZero():
		return "Not read yet: Roster reads your feed every few minutes."
	case st.Error != "":
		return fmt.Sprintf("Last read at %s failed: %s. Your earlier busy times still block slots.", st.CheckedAt.UTC().Format("2 Jan 15:04 MST"), st.Error)
	}
	return fmt.Sprintf("Last read at %s: %d busy times ahead block slots.", st.CheckedAt.UTC().Format("2 Jan 15:04 MST"), st.BusyTimes)
}

// saveAvailability replaces the coach's availability with the form's.
func (d *dashboard) saveAvailability(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	var f fault.Fields
	a := availabilityFromForm(form, &f)
	if err := f.Err(); err == nil {
		_, err = d.Booking.PutAvailability(c.Request().Context(), coachOf(c).ID, a)
		if err == nil {
			return redirectTo(c, "/dashboard/availability?done=availability-saved")
		}
		f = fault.Fields{}
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid {
			return err
		}
		for field, message := range fe.Fields {
			f.Add(formFieldOfAvailability(field), message)
		}
	}
	page := d.page(c, "Availability", "availability")
	page.Error = "Some fields need attention; see the messages below."
	return d.renderAvailability(c, http.StatusUnprocessableEntity, page, dashForm{Values: form, Errors: f})
}

// formFieldOfAvailability maps the API's field paths (weekly.mon[1].end,
// overrides[0].date) to the form's fields (weekly.mon, overrides).
func formFieldOfAvailability(field string) string {
	if i := strings.IndexByte(field, '['); i > 0 {
		return field[:i]
	}
	return field
}

// availabilityFromForm reads the form: a zone, each day's hours as
// "09:00-12:00, 13:00-17:00" (empty for a day off), one override a line as
// "2027-11-12: off" or "2027-11-13: 10:00-11:00", and the feed URL.
func availabilityFromForm(form url.Values, f *fault.Fields) booking.Availability {
	a := booking.Availability{Rules: availability.Rules{Zone: strings.TrimSpace(form.Get("timezone"))},
		BusyFeedURL: strings.TrimSpace(form.Get("busy_feed_url"))}
	for _, day := range weekDays {
		field := "weekly." + day.Key
		a.Rules.Weekly[day.Day] = parseHours(f, field, form.Get(field))
	}
	a.Rules.Overrides = []availability.Override{}
	for _, line := range strings.Split(form.Get("overrides"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		dateText, hours, _ := strings.Cut(line, ":")
		date, err := availability.ParseDate(strings.TrimSpace(dateText))
		if err != nil {
			f.Add("overrides", fmt.Sprintf("%q: start each line with a date such as 2027-11-12", line))
			continue
		}
		o := availability.Override{Date: date, Intervals: []availability.Interval{}}
		if h := strings.TrimSpace(hours); !strings.EqualFold(h, "off") {
			o.Intervals = parseHours(f, "overrides", h)
		}
		a.Rules.Overrides = append(a.Rules.Overrides, o)
	}
	return a
}

// parseHours reads "09:00-12:00, 13:00-17:00" (en dashes too).
func parseHours(f *fault.Fields, field, value string) []availability.Interval {
	out := []availability.Interval{}
	for _, part := range strings.Split(value, ",") {
		part = strings.TrimSpace(strings.ReplaceAll(part, "–", "-"))
		if part == "" {
			continue
		}
		from, to, ok := strings.Cut(part, "-")
		start, errStart := availability.ParseClock(strings.TrimSpace(from))
		end, errEnd := availability.ParseClock(strings.TrimSpace(to))
		if !ok || errStart != nil || errEnd != nil {
			f.Add(field, fmt.Sprintf("%q: write hours like 09:00-12:00, 13:00-17:00", part))
			continue
		}
		out = append(out, availability.Interval{Start: start, End: end})
	}
	return out
}

// availabilityFormValues fills the form from an availability.
func availabilityFormValues(a booking.Availability) url.Values {
	v := url.Values{"timezone": {a.Rules.Zone}, "busy_feed_url": {a.BusyFeedURL}}
	for _, day := range weekDays {
		v.Set("weekly."+day.Key, formatHours(a.Rules.Weekly[day.Day]))
	}
	var lines []string
	for _, o := range a.Rules.Overrides {
		hours := formatHours(o.Intervals)
		if hours == "" {
			hours = "off"
		}
		lines = append(lines, o.Date.String()+": "+hours)
	}
	v.Set("overrides", strings.Join(lines, "\n"))
	return v
}

func formatHours(intervals []availability.Interval) string {
	parts := make([]string, len(intervals))
	for i, iv := range intervals {
		parts[i] = iv.Start.String() + "-" + iv.End.String()
	}
	return strings.Join(parts, ", ")
}
