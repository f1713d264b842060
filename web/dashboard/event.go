package dashboard

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

type eventDashData struct {
	dashPage
	NewEvent   bool
	Event      events.Event
	PublicURL  string
	Dates      []dashDate
	Questions  int
	Form       dashForm // the event's details
	DateForm   dashForm // a new date
	Zones      []string
	Currencies []string
	Refunds    booking.RefundProgress // of a cancelled event's bookings
}

// NewDateFields are the fields of the add-a-date form.
func (d eventDashData) NewDateFields() dateFields {
	return dateFields{Prefix: "new-", Form: d.DateForm}
}

// Published reports whether the event is public.
func (d eventDashData) Published() bool { return d.Event.Status == events.Published }

// eventPage shows an event the coach hosts: its dates, a form to add one,
// and its details to edit.
func (d *dashboard) eventPage(c echo.Context) error {
	e, err := d.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	form := dashForm{Values: eventFormValues(e, coachOf(c).ID)}
	dateForm := dashForm{Values: newDateDefaults(e)}
	return d.renderEventPage(c, http.StatusOK, e, form, dateForm, noticeOf(c), "")
}

func (d *dashboard) renderEventPage(c echo.Context, status int, e events.Event, form, dateForm dashForm, notice, problem string) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	ids := make([]int64, len(e.Sessions))
	for i, s := range e.Sessions {
		ids[i] = s.ID
	}
	stats, err := d.Booking.CoachSessionStats(ctx, coach.ID, ids)
	if err != nil {
		return err
	}
	questions, err := d.Booking.Questions(ctx, e.ID)
	if err != nil {
		return err
	}
	data := eventDashData{
		dashPage: d.page(c, e.Title, "events"), Event: e, PublicURL: d.BaseURL + "/events/" + e.Slug,
		Questions: len(questions), Form: form, DateForm: dateForm, Zones: commonZones, Currencies: commonCurrencies,
	}
	data.Notice, data.Error = notice, problem
	if e.Status == events.Cancelled {
		if data.Refunds, err = d.Booking.EventRefundProgress(ctx, coach.ID, e.ID); err != nil {
			return err
		}
	}
	now := d.Now()
	for _, s := range e.Sessions {
		data.Dates = append(data.Dates, newDashDate(e, s, stats[s.ID], now))
	}
	return d.Render(c, status, "dashboard_event.html", data)
}
