package dashboard

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

// appointmentsAhead is how far ahead the appointments page lists calls,
// and movesAhead how far ahead it offers new times to move one to.
const (
	appointmentsAhead = 90 * 24 * time.Hour
	movesAhead        = 14
)

type appointmentsData struct {
	dashPage
	Zone         string
	Appointments []appointmentRow
}

type appointmentRow struct {
	booking.Details
	When      string
	Hosts     string
	Answers   []answerRow
	Live      bool
	FreeTimes []freeTime
}

type answerRow struct{ Question, Answer string }

type freeTime struct{ Start, Label string }

// appointmentsPage lists the coach's upcoming appointments with the
// client's answers, each with forms to cancel it (refund by policy or in
// full) and to move it to a free time.
func (d *dashboard) appointmentsPage(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	av, err := d.Booking.GetAvailability(ctx, coach.ID)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(av.Rules.Zone)
	if err != nil {
		loc = time.UTC
	}
	now := d.Now()
	list, err := d.Booking.CoachAppointments(ctx, coach.ID, now, now.Add(appointmentsAhead))
	if err != nil {
		return err
	}
	data := appointmentsData{dashPage: d.page(c, "Appointments", "appointments"), Zone: loc.String()}
	data.Notice = coachingNotice(c)
	free := map[string][]freeTime{} // by type slug, read once per page
	for _, ap := range list {
		row := appointmentRow{Details: ap, Live: ap.Booking.Status.Live(),
			When: ap.Session.StartsAt.In(loc).Format("Mon 2 Jan 2006, 15:04") + "–" + ap.Session.EndsAt.In(loc).Format("15:04 MST")}
		names := ""
		for i, h := range ap.Appointment.Hosts {
			if i > 0 {
				names += ", "
			}
			names += h.Name
		}
		row.Hosts = names
		for key, value := range ap.Booking.Answers {
			row.Answers = append(row.Answers, answerRow{Question: key, Answer: value})
		}
		if row.Live {
			slug := ap.Appointment.Type.Slug
			if _, ok := free[slug]; !ok {
				if free[slug], err = d.freeTimes(c, slug, loc, now); err != nil {
					return err
				}
			}
			row.FreeTimes = free[slug]
		}
		data.Appointments = append(data.Appointments, row)
	}
	return d.Render(c, http.StatusOK, "dashboard_appointments.html", data)
}

// freeTimes are the type's slots of the next two weeks in the coach's zone;
// none when the type is no longer published.
func (d *dashboard) freeTimes(c echo.Context, slug string, loc *time.Location, now time.Time) ([]freeTime, error) {
	from := availability.DateOf(now.In(loc))
	list, err := d.Booking.Slots(c.Request().Context(), slug, from, from.AddDays(movesAhead-1), loc.String())
	if fault.CodeOf(err) == fault.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]freeTime, 0, len(list.Slots))
	for _, s := range list.Slots {
		out = append(out, freeTime{Start: s.Start.Format(time.RFC3339), Label: s.Start.Format("Mon 2 Jan, 15:04 MST")})
	}
	return out, nil
}

// rescheduleAppointment moves an appointment the coach attends or hosts
// to a new start; the client is emailed the new invite.
func (d *dashboard) rescheduleAppointment(c echo.Context) error {
	ctx := c.Request().Context()
	actor := bookingActor(coachOf(c).ID)
	start, err := time.Parse(time.RFC3339, c.FormValue("start"))
	if err != nil {
		// A booking the coach may not see is 404 whatever the form holds.
		if _, err := d.Booking.Get(ctx, c.Param("ref"), actor); err != nil {
			return err
		}
		return d.bookingActionError(c, (&fault.Fields{"start": "choose a new time"}).Err())
	}
	if _, err := d.Booking.Reschedule(ctx, c.Param("ref"), actor, start); err != nil {
		return d.bookingActionError(c, err)
	}
	return redirectTo(c, "/dashboard/appointments?done=rescheduled")
}
