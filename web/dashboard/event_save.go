package dashboard

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// saveEvent applies the edit form to an event the coach hosts; a change
// attendees' calendars show sends them the updated invite. Its slug stays:
// links to the event have been shared.
func (d *dashboard) saveEvent(c echo.Context) error {
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
	in := eventFromForm(form, &f)
	in.Slug, in.Status = e.Slug, e.Status
	if len(f) > 0 {
		return d.eventFormError(c, e, form, withDomainChecks(f, in, d.Now()))
	}
	if _, err := d.Booking.UpdateEvent(ctx, coach.ID, e.Slug, patchFromInput(in)); err != nil {
		return d.eventFormError(c, e, form, err)
	}
	return redirectTo(c, "/dashboard/events/"+e.Slug+"?done=saved")
}

func (d *dashboard) eventFormError(c echo.Context, e events.Event, form url.Values, err error) error {
	problem, ok := formError(err, eventFieldNames)
	if !ok {
		return err
	}
	form.Set("slug", e.Slug)
	return d.renderEventPage(c, problem.Status, e, dashForm{Values: form, Errors: problem.Fields},
		dashForm{Values: url.Values{}}, "", problem.Message)
}

// setEventStatus publishes or unpublishes an event the coach hosts.
func (d *dashboard) setEventStatus(status events.Status, done string) echo.HandlerFunc {
	return func(c echo.Context) error {
		if status == events.Published {
			if handled, err := d.askBeforePublishing(c); handled || err != nil {
				return err
			}
		}
		e, err := d.Booking.UpdateEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"), events.EventPatch{Status: &status})
		if err != nil {
			if problem, ok := formError(err, nil); ok {
				current, getErr := d.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
				if getErr != nil {
					return getErr
				}
				return d.renderEventPage(c, http.StatusUnprocessableEntity, current, dashForm{Values: eventFormValues(current, coachOf(c).ID)},
					dashForm{Values: url.Values{}}, "", "The event can't change status until its details are fixed: "+problem.Message)
			}
			return err
		}
		return redirectTo(c, "/dashboard/events/"+e.Slug+"?done="+done)
	}
}

// askBeforePublishing answers a Publish that would open an event nobody
// can come to: with no date to come or no location, the event page
// returns (422) asking for them beside their fields. handled is false when
// the event is ready.
func (d *dashboard) askBeforePublishing(c echo.Context) (handled bool, err error) {
	coach := coachOf(c)
	e, err := d.Events.HostedEvent(c.Request().Context(), coach.ID, c.Param("slug"))
	if err != nil {
		return true, err
	}
	now := d.Now()
	upcoming := false
	for _, s := range e.Sessions {
		if s.Status != events.SessionCancelled && s.StartsAt.After(now) {
			upcoming = true
		}
	}
	form := dashForm{Values: eventFormValues(e, coach.ID), Errors: map[string]string{}}
	dateForm := dashForm{Values: newDateDefaults(e), Errors: map[string]string{}}
	var missing []string
	if !upcoming {
		missing = append(missing, "a date")
		dateForm.Errors["date"] = "add a date before publishing"
	}
	if strings.TrimSpace(e.Location) == "" {
		missing = append(missing, "a location")
		form.Errors["location"] = "say where it happens (\"Online\" will do) before publishing"
	}
	if len(missing) == 0 {
		return false, nil
	}
	return true, d.renderEventPage(c, http.StatusUnprocessableEntity, e, form, dateForm, "",
		"Before publishing, add "+strings.Join(missing, " and ")+": attendees need to know when and where.")
}
