package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

type newEventData struct {
	dashPage
	NewEvent   bool // the form asks for a slug, which cannot change later
	Form       dashForm
	Zones      []string
	Currencies []string
}

// newEventPage shows the form for a new event; with ?from=<slug> of an
// event the coach hosts, the form starts as a copy of it (a draft, with a
// new title and web address, and no dates: those are added on its page).
func (d *dashboard) newEventPage(c echo.Context) error {
	values := newEventFormValues()
	if from := c.QueryParam("from"); from != "" {
		e, err := d.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, from)
		if err != nil {
			return err
		}
		values = eventFormValues(e, coachOf(c).ID)
		values.Set("title", e.Title+" (copy)")
		values.Set("slug", "")
		values.Set("status", string(events.Draft))
	}
	return d.renderNewEvent(c, http.StatusOK, dashForm{Values: values}, "")
}

func (d *dashboard) renderNewEvent(c echo.Context, status int, form dashForm, problem string) error {
	data := newEventData{dashPage: d.page(c, "New event", "new-event"), NewEvent: true, Form: form, Zones: commonZones, Currencies: commonCurrencies}
	data.Error = problem
	return d.Render(c, status, "dashboard_event_new.html", data)
}

// createEvent creates an event hosted by the coach (and any co-hosts) and
// goes to its page to add dates.
func (d *dashboard) createEvent(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	var f fault.Fields
	in := eventFromForm(form, &f)
	if len(f) > 0 {
		return d.newEventFormError(c, form, withDomainChecks(f, in, d.Now()))
	}
	e, err := d.Booking.CreateEvent(c.Request().Context(), coachOf(c).ID, in)
	if err != nil {
		return d.newEventFormError(c, form, err)
	}
	return redirectTo(c, "/dashboard/events/"+e.Slug+"?done=created")
}

func (d *dashboard) newEventFormError(c echo.Context, form url.Values, err error) error {
	problem, ok := formError(err, eventFieldNames)
	if !ok {
		return err
	}
	return d.renderNewEvent(c, problem.Status, dashForm{Values: form, Errors: problem.Fields}, problem.Message)
}

// withDomainChecks adds to the fields that did not parse every other
// problem the domain finds with in, so one answer names them all.
func withDomainChecks(parsed fault.Fields, in events.EventInput, now time.Time) error {
	in.Normalize()
	var fe *fault.Error
	if err := in.Validate(now); errors.As(err, &fe) {
		for field, message := range fe.Fields {
			formField := field
			if to, ok := eventFieldNames[field]; ok {
				formField = to
			}
			if _, bad := parsed[formField]; !bad {
				parsed.Add(field, message)
			}
		}
	}
	return parsed.Err()
}
