package dashboard

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// addDate adds a date to an event the coach hosts, or a weekly series of
// dates when "repeat_weeks" asks for more weeks; the form gives the day
// and times in the event's time zone. A series is added whole or not at
// all, each date's wall times read in the zone for its own day, so a
// clock change between two dates moves neither.
func (d *dashboard) addDate(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	ctx := c.Request().Context()
	coach := coachOf(c)
	e, err := d.Events.HostedEvent(ctx, coach.ID, c.Param("slug"))
	if err != nil {
		return err
	}
	var f fault.Fields
	ins := weeklySessionsFromForm(form, e.Zone(), &f)
	err = f.Err()
	if err == nil {
		_, err = d.Booking.AddSessions(ctx, coach.ID, e.Slug, ins)
	}
	if err != nil {
		problem, ok := formError(err, sessionFieldNames)
		if !ok {
			return err
		}
		return d.renderEventPage(c, problem.Status, e, dashForm{Values: eventFormValues(e, coach.ID)},
			dashForm{Values: form, Errors: problem.Fields}, "", "The date was not added. "+problem.Message)
	}
	done := "date-added"
	if len(ins) > 1 {
		done = "dates-added-" + strconv.Itoa(len(ins))
	}
	return redirectTo(c, "/dashboard/events/"+e.Slug+"?done="+done+"#dates")
}

// weeklySessionsFromForm reads the add-a-date form: its date, and as many
// more on the same weekday as "repeat_weeks" says (empty or 0: none).
func weeklySessionsFromForm(form url.Values, zone *time.Location, f *fault.Fields) []events.SessionInput {
	weeks := 0
	if v := strings.TrimSpace(form.Get("repeat_weeks")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n >= booking.MaxDatesAtOnce {
			f.Add("repeat_weeks", fmt.Sprintf("must be a number of weeks from 0 to %d", booking.MaxDatesAtOnce-1))
		}
		weeks = max(0, min(n, booking.MaxDatesAtOnce-1))
	}
	first := sessionFromForm(form, zone, f)
	out := []events.SessionInput{first}
	day, err := time.Parse("2006-01-02", strings.TrimSpace(form.Get("date")))
	if err != nil || len(*f) > 0 {
		return out
	}
	for week := 1; week <= weeks; week++ {
		next := url.Values{}
		for k, v := range form {
			next[k] = v
		}
		next.Set("date", day.AddDate(0, 0, 7*week).Format("2006-01-02"))
		out = append(out, sessionFromForm(next, zone, f))
	}
	return out
}

// newDateDefaults fills the add-a-date form from the date added last, a
// week later at the same times with the same seats, so a coach adding a
// series types only what changes; without dates, 18:00–20:00 for 12.
func newDateDefaults(e events.Event) url.Values {
	var last *events.Session
	for i := range e.Sessions {
		if s := &e.Sessions[i]; s.Status != events.SessionCancelled && (last == nil || s.ID > last.ID) {
			last = s
		}
	}
	if last == nil {
		return url.Values{"capacity": {"12"}, "start": {"18:00"}, "end": {"20:00"}}
	}
	values := sessionFormValues(*last, e.Zone())
	start := last.StartsAt.In(e.Zone())
	values.Set("date", start.AddDate(0, 0, 7).Format("2006-01-02"))
	return values
}
