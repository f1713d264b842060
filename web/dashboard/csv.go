package dashboard

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/bind"
)

// attendeesCSV downloads a date's attendee list for a spreadsheet: every
// booking, whatever its status, with the answers to the questions.
func (d *dashboard) attendeesCSV(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	coach := coachOf(c)
	sess, e, err := d.Events.HostedSession(ctx, coach.ID, id)
	if err != nil {
		return err
	}
	attendees, err := d.Booking.SessionAttendees(ctx, coach.ID, id)
	if err != nil {
		return err
	}
	questions, err := d.Booking.Questions(ctx, e.ID)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, csvFilename(e, sess)))
	c.Response().WriteHeader(http.StatusOK)
	return booking.WriteAttendeesCSV(c.Response(), e, questions, attendees)
}

// csvFilename names the download after the event and day:
// career-clarity-lab-2027-09-22.csv.
func csvFilename(e events.Event, s events.Session) string {
	return strings.ToLower(e.Slug) + "-" + s.StartsAt.In(e.Zone()).Format("2006-01-02") + ".csv"
}
