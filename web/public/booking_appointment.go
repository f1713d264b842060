package public

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

// rescheduleDays is how many days ahead the booking page offers new times.
const rescheduleDays = 14

// appointmentView is what the booking page shows of an appointment: who
// the call is with, its time in the coach's zone too, and the free times
// it can move to while the client may still reschedule.
type appointmentView struct {
	HostNames   string
	ClientZone  string
	CoachZone   string
	CoachTime   string // "" when the coach's zone is the client's
	CanMove     bool
	MoveClosed  string // why it can no longer be moved, when it cannot
	FreeTimes   []pickerTime
	RefundHours int
}

// appointmentView builds the appointment part of the booking page.
func (s *handlers) appointmentView(c echo.Context, d booking.Details, now time.Time) (*appointmentView, error) {
	a := d.Appointment
	names := make([]string, len(a.Hosts))
	for i, h := range a.Hosts {
		names[i] = h.Name
	}
	v := &appointmentView{HostNames: joinNames(names), ClientZone: a.Timezone, RefundHours: a.Type.RefundCutoffHours}
	coachZone := "UTC"
	if len(a.Hosts) > 0 {
		av, err := s.Booking.GetAvailability(c.Request().Context(), a.Hosts[0].CoachID)
		if err != nil {
			return nil, err
		}
		coachZone = av.Rules.Zone
	}
	v.CoachZone = coachZone
	coachLoc, err := time.LoadLocation(coachZone)
	if err != nil {
		coachLoc = time.UTC
	}
	if coachZone != a.Timezone {
		v.CoachTime = a.StartsAt.In(coachLoc).Format("Monday 2 January 2006, 15:04") + "–" + a.EndsAt.In(coachLoc).Format("15:04 MST")
	}
	closes := a.StartsAt.Add(-time.Duration(a.Type.RefundCutoffHours) * time.Hour)
	if !d.Booking.Status.Live() {
		return v, nil
	}
	if !now.Before(closes) {
		v.MoveClosed = "This call can no longer be moved online; please contact your coach."
		return v, nil
	}
	loc := d.Event.Zone()
	from := availability.DateOf(now.In(loc))
	list, err := s.Booking.Slots(c.Request().Context(), a.Type.Slug, from, from.AddDays(rescheduleDays-1), a.Timezone)
	if err != nil {
		if fault.CodeOf(err) == fault.NotFound {
			return v, nil // the type was withdrawn: nothing to move to
		}
		return nil, err
	}
	for _, slot := range list.Slots {
		if !slot.Start.Equal(a.StartsAt) {
			v.FreeTimes = append(v.FreeTimes, newPickerTime(slot, coachLoc))
		}
	}
	v.CanMove = true
	return v, nil
}

// rescheduleFromPage moves an appointment to the time picked on its
// booking page.
func (s *handlers) rescheduleFromPage(c echo.Context) error {
	token := c.FormValue("t")
	start, err := time.Parse(time.RFC3339, c.FormValue("start"))
	if err != nil {
		return s.bookingActionError(c, token, (&fault.Fields{"start": "choose a new time"}).Err())
	}
	if _, err := s.Booking.Reschedule(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token}, start); err != nil {
		return s.bookingActionError(c, token, err)
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+c.Param("ref")+"?t="+url.QueryEscape(token)+"&done=moved")
}
