package dashboard

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/web/internal/bind"
)

// outboxShown bounds the emails the outbox page lists.
const outboxShown = 200

type outboxData struct {
	dashPage
	Status  string
	Filters []outboxFilter
	Emails  []emailRow
}

type outboxFilter struct {
	Label, Status string
	Current       bool
}

// emailRow is a stored email as the dashboard lists it.
type emailRow struct {
	notify.Entry
	Ref, Due, Sent         string
	KindLabel, StatusLabel string
	Failed                 bool
}

func newEmailRow(e notify.Entry) emailRow {
	row := emailRow{Entry: e, Due: e.SendAfter.UTC().Format("2 Jan 2006, 15:04 MST"), Failed: e.Status == notify.Failed,
		KindLabel: emailKinds[e.Kind], StatusLabel: emailStatuses[e.Status]}
	if row.KindLabel == "" {
		row.KindLabel = string(e.Kind)
	}
	if row.StatusLabel == "" {
		row.StatusLabel = string(e.Status)
	}
	if e.BookingRef != nil {
		row.Ref = *e.BookingRef
	}
	if e.SentAt != nil {
		row.Sent = e.SentAt.UTC().Format("2 Jan 2006, 15:04 MST")
	}
	return row
}

// emailKinds name the kinds of email for coaches.
var emailKinds = map[notify.Kind]string{
	notify.KindConfirmation: "Booking confirmation", notify.KindCancellation: "Cancellation",
	notify.KindMoved: "Date change", notify.KindReminder: "Reminder", notify.KindCoachMessage: "Your message",
	notify.KindWaitlistOffer: "Waitlist offer", notify.KindHoldExpired: "Unpaid hold released",
	notify.KindLatePaymentRefund: "Late payment refunded", notify.KindCoachNewBooking: "New booking, to hosts",
	notify.KindCoachCancellation: "Cancellation, to hosts", notify.KindPasswordReset: "Password reset link",
	notify.KindCoachInvitation: "Invitation to host",
}

var emailStatuses = map[notify.Status]string{
	notify.Pending: "Waiting", notify.Sending: "Sending", notify.Sent: "Sent", notify.Failed: "Failed",
}

// outboxPage lists the emails about the coach's bookings, newest first:
// sent, waiting to be sent, and failed with the error, which can be sent
// again.
func (d *dashboard) outboxPage(c echo.Context) error {
	if d.Outbox == nil {
		return fault.New(fault.Unavailable, "email is not set up on this server")
	}
	ctx := c.Request().Context()
	status := notify.Status(c.QueryParam("status"))
	switch status {
	case "", notify.Pending, notify.Sent, notify.Failed:
	default:
		status = ""
	}
	refs, err := d.Booking.CoachBookingRefs(ctx, coachOf(c).ID)
	if err != nil {
		return err
	}
	entries, err := d.Outbox.List(ctx, notify.Filter{BookingRefs: refs, Status: status, Limit: outboxShown})
	if err != nil {
		return err
	}
	data := outboxData{dashPage: d.page(c, "Emails", "outbox"), Status: string(status)}
	data.Notice = noticeOf(c)
	for _, f := range []outboxFilter{{"All", "", false}, {"Failed", "failed", false}, {"Waiting", "pending", false}, {"Sent", "sent", false}} {
		f.Current = f.Status == string(status)
		data.Filters = append(data.Filters, f)
	}
	for _, e := range entries {
		data.Emails = append(data.Emails, newEmailRow(e))
	}
	return d.Render(c, http.StatusOK, "dashboard_outbox.html", data)
}

// retryEmail puts a failed email about one of the coach's bookings back in
// the queue. Any other message id is 404.
func (d *dashboard) retryEmail(c echo.Context) error {
	if d.Outbox == nil {
		return fault.New(fault.Unavailable, "email is not set up on this server")
	}
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	refs, err := d.Booking.CoachBookingRefs(ctx, coachOf(c).ID)
	if err != nil {
		return err
	}
	failed, err := d.Outbox.List(ctx, notify.Filter{BookingRefs: refs, Status: notify.Failed, Limit: notify.MaxListLimit})
	if err != nil {
		return err
	}
	if !containsEntry(failed, id) {
		return fault.New(fault.NotFound, "no failed email %d about your bookings", id)
	}
	if err := d.Outbox.Retry(ctx, id); err != nil {
		return err
	}
	return redirectTo(c, "/dashboard/outbox?done=retried")
}

func containsEntry(entries []notify.Entry, id int64) bool {
	for _, e := range entries {
		if e.ID == id {
			return true
		}
	}
	return false
}
