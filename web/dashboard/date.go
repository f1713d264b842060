package dashboard

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/view"
)

type sessionDashData struct {
	dashPage
	Event     events.Event
	Date      dashDate
	Questions []booking.Question
	Attendees []attendeeRow
	Waitlist  []waitlistRow
	DateForm  dashForm
	// Counts for the summary line.
	Confirmed, CheckedIn, Live int
	// Refunds of a cancelled date's bookings by state: made, still queued
	// with the refund worker, and given up (to retry or refund by hand).
	Refunds booking.RefundProgress
}

// DateFields are the fields of the form that changes the date.
func (d sessionDashData) DateFields() dateFields {
	return dateFields{Prefix: "date-", Form: d.DateForm}
}

// attendeeRow is a booking in the attendee table.
type attendeeRow struct {
	booking.Attendee
	StatusLabel string
	Amount      string
	Refunded    string
	BookedAt    string
	CheckedIn   string
	Answers     []answerView
}

// Confirmed reports whether the attendee can be checked in.
func (a attendeeRow) Confirmed() bool { return a.Status == booking.Confirmed }

type answerView struct{ Label, Value string }

// waitlistRow is a person in line for the date.
type waitlistRow struct {
	booking.WaitlistEntry
	StatusLabel string
	Joined      string
	OfferEnds   string
}

// sessionPage shows one date of an event the coach hosts: its attendees,
// with check-in, its waitlist, and what can be done with the date.
func (d *dashboard) sessionPage(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	sess, e, err := d.Events.HostedSession(c.Request().Context(), coachOf(c).ID, id)
	if err != nil {
		return err
	}
	return d.renderSessionPage(c, http.StatusOK, sess, e, dashForm{Values: sessionFormValues(sess, e.Zone())}, noticeOf(c), "")
}

func (d *dashboard) renderSessionPage(c echo.Context, status int, sess events.Session, e events.Event, dateForm dashForm, notice, problem string) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	attendees, err := d.Booking.SessionAttendees(ctx, coach.ID, sess.ID)
	if err != nil {
		return err
	}
	waitlist, err := d.Booking.Waitlist(ctx, coach.ID, sess.ID)
	if err != nil {
		return err
	}
	questions, err := d.Booking.Questions(ctx, e.ID)
	if err != nil {
		return err
	}
	stats, err := d.Booking.CoachSessionStats(ctx, coach.ID, []int64{sess.ID})
	if err != nil {
		return err
	}
	zone := e.Zone()
	data := sessionDashData{
		dashPage: d.page(c, e.Title+" · "+view.NewDate(sess, zone, d.Now()).Day, "events"),
		Event:    e, Date: newDashDate(e, sess, stats[sess.ID], d.Now()), Questions: questions, DateForm: dateForm,
	}
	data.Notice, data.Error = notice, problem
	for _, a := range attendees {
		data.Attendees = append(data.Attendees, newAttendeeRow(a, questions, zone))
		if a.Status.Live() {
			data.Live++
		}
		if a.Status == booking.Confirmed {
			data.Confirmed += a.Seats
			if a.CheckedInAt != nil {
				data.CheckedIn += a.Seats
			}
		}
	}
	if sess.Status == events.SessionCancelled {
		if data.Refunds, err = d.Booking.SessionRefundProgress(ctx, coach.ID, sess.ID); err != nil {
			return err
		}
	}
	for _, w := range waitlist {
		row := waitlistRow{WaitlistEntry: w, StatusLabel: waitlistLabel(w.Status), Joined: shortTime(w.CreatedAt, zone)}
		if w.Status == booking.Offered && w.OfferExpiresAt != nil {
			row.OfferEnds = shortTime(*w.OfferExpiresAt, zone)
		}
		data.Waitlist = append(data.Waitlist, row)
	}
	return d.Render(c, status, "dashboard_session.html", data)
}

func newAttendeeRow(a booking.Attendee, questions []booking.Question, zone *time.Location) attendeeRow {
	row := attendeeRow{
		Attendee: a, StatusLabel: statusLabel(a.Status), Amount: view.FormatMoney(a.AmountCents, a.Currency),
		BookedAt: shortTime(a.CreatedAt, zone),
	}
	if a.RefundedCents > 0 {
		row.Refunded = view.FormatMoney(a.RefundedCents, a.Currency)
	}
	if a.CheckedInAt != nil {
		row.CheckedIn = a.CheckedInAt.In(zone).Format("15:04")
	}
	for _, q := range questions {
		if v := a.Answers[q.Key()]; v != "" {
			row.Answers = append(row.Answers, answerView{Label: q.Label, Value: v})
		}
	}
	return row
}

// sessionPath is the dashboard page of a date.
func sessionPath(id int64) string { return "/dashboard/sessions/" + strconv.FormatInt(id, 10) }
