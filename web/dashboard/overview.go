package dashboard

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

type overviewData struct {
	dashPage
	Upcoming []dashDate
	Past     []dashDate
	Events   []overviewEvent
	// Totals over the upcoming dates, and revenue over all dates.
	SeatsSold, SeatsHeld, Waiting int
	Revenue                       string
}

// overviewEvent is a line of the coach's event list.
type overviewEvent struct {
	events.Event
	Upcoming int
	NextDate string
	// Charts: seats booked per day lately, and seats sold per upcoming date.
	Bookings bookingsChart
	Seats    []seatsBar
}

// overview shows the coach's dates, soonest first, with how each is
// selling, then the past ones and every event.
func (d *dashboard) overview(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	list, err := d.Events.CoachEvents(ctx, coach.ID)
	if err != nil {
		return err
	}
	var ids []int64
	for _, e := range list {
		for _, s := range e.Sessions {
			ids = append(ids, s.ID)
		}
	}
	stats, err := d.Booking.CoachSessionStats(ctx, coach.ID, ids)
	if err != nil {
		return err
	}
	now := d.Now()
	booked, err := d.Booking.CoachBookingsSince(ctx, coach.ID, now.AddDate(0, 0, -chartDays-1))
	if err != nil {
		return err
	}
	data := overviewData{dashPage: d.page(c, "Overview", "overview"), Revenue: formatRevenue(booking.TotalRevenue(stats))}
	data.Notice = noticeOf(c)
	for _, e := range list {
		line := overviewEvent{Event: e, Bookings: newBookingsChart(e, booked, now)}
		var dates []dashDate
		starts := map[int64]time.Time{}
		for _, s := range e.Sessions {
			date := newDashDate(e, s, stats[s.ID], now)
			dates, starts[s.ID] = append(dates, date), s.StartsAt
			if date.Past {
				data.Past = append(data.Past, date)
				continue
			}
			data.Upcoming = append(data.Upcoming, date)
			if !date.Cancelled {
				data.SeatsSold += date.Stats.SeatsSold
				data.SeatsHeld += date.Stats.SeatsHeld
				data.Waiting += date.Stats.Waiting
				line.Upcoming++
				if line.NextDate == "" {
					line.NextDate = date.Day
				}
			}
		}
		line.Seats = newSeatsBars(dates, starts, e.Zone())
		data.Events = append(data.Events, line)
	}
	sort.SliceStable(data.Upcoming, func(i, j int) bool { return data.Upcoming[i].StartsAt < data.Upcoming[j].StartsAt })
	sort.SliceStable(data.Past, func(i, j int) bool { return data.Past[i].StartsAt > data.Past[j].StartsAt })
	return d.Render(c, http.StatusOK, "dashboard.html", data)
}

// noticeOf turns the done=... that a form's redirect carries into a
// confirmation for the page it lands on.
func noticeOf(c echo.Context) string {
	done := c.QueryParam("done")
	if n, ok := strings.CutPrefix(done, "dates-added-"); ok {
		if _, err := strconv.Atoi(n); err == nil {
			return n + " weekly dates added."
		}
	}
	switch done {
	case "created":
		return "Event created. Add its dates below, then publish it when you're ready."
	case "saved":
		return "Changes saved."
	case "published":
		return "Published: the event is on your public page and open for booking."
	case "unpublished":
		return "Unpublished: the event is hidden and closed for booking. Existing bookings stand."
	case "date-added":
		return "Date added."
	case "date-saved":
		return "Date saved. Attendees' calendar invites update with their next email."
	case "date-cancelled":
		return "The date is cancelled. Its attendees have been told; refunds are made by the payment provider, as shown below."
	case "event-cancelled":
		return "The event is cancelled with its dates to come. Attendees have been told; refunds are made by the payment provider."
	case "questions-saved":
		return "Registration questions saved."
	case "cancelled":
		return "Booking cancelled. The attendee has been emailed."
	case "refund-queued":
		return "Refund queued: it is sent to the payment provider within a minute."
	case "moved":
		return "Booking moved. The attendee has been emailed a new calendar invite."
	case "checked-in":
		return "Checked in."
	case "check-in-undone":
		return "Check-in undone."
	case "sent":
		return "Message queued for sending. You can follow it in Emails."
	case "refunds-retried":
		return "The failed refunds are queued again; the payment provider is asked within a minute."
	case "retried":
		return "The email is queued to be sent again."
	case "password-set":
		return "Your password is set and you are signed in."
	case "password-changed":
		return "Password changed. Your other browsers are signed out."
	case "invited":
		return "Invitation sent. Once they choose a password, add their email as a co-host of your events."
	case "token-revoked":
		return "Token revoked: it no longer opens the API."
	}
	return ""
}
