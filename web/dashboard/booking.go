package dashboard

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/web/internal/view"
)

type bookingDashData struct {
	dashPage
	Booking     booking.Booking
	Event       events.Event
	Date        view.Date
	Row         attendeeRow
	PaidOnline  bool   // a payment was taken, so refunds are possible
	CanRefund   bool   // some of the payment is not refunded yet
	RefundDue   string // what cancelling now refunds by the event's policy
	RefundLeft  string // what has not been refunded yet
	OtherDates  []view.Date
	History     []historyView
	Refunds     []refundView
	Emails      []emailRow
	Form        dashForm
	EmailsLimit int
}

// Live reports whether the booking still holds seats.
func (d bookingDashData) Live() bool { return d.Booking.Status.Live() }

type historyView struct {
	At, Change, Reason string
}

type refundView struct {
	booking.RefundJob
	Amount, Created, StatusLabel string
	Reason                       string // why, in words (shadows the stored reason)
}

// refundStatuses name a refund's progress for coaches.
var refundStatuses = map[string]string{"pending": "Queued", "succeeded": "Refunded", "failed": "Failed"}

// bookingEmailsShown bounds the emails listed on a booking's page.
const bookingEmailsShown = 50

// bookingPage shows one booking of an event the coach hosts, with what the
// coach can do about it: check in, cancel with a refund, refund part, move.
func (d *dashboard) bookingPage(c echo.Context) error {
	return d.renderBookingPage(c, http.StatusOK, dashForm{}, noticeOf(c), "")
}

func (d *dashboard) renderBookingPage(c echo.Context, status int, form dashForm, notice, problem string) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	a, err := d.Booking.Attendee(ctx, c.Param("ref"), coach.ID)
	if err != nil {
		return err
	}
	questions, err := d.Booking.Questions(ctx, a.Event.ID)
	if err != nil {
		return err
	}
	var emails []notify.Entry
	if d.Outbox != nil {
		if emails, err = d.Outbox.List(ctx, notify.Filter{BookingRef: a.Booking.Ref, Limit: bookingEmailsShown}); err != nil {
			return err
		}
	}
	now := d.Now()
	zone := a.Event.Zone()
	b := a.Booking
	// Refunds of the booking's own payment queued but not made yet count
	// as given back; those of a wrong payment are not the booking's money.
	pending := booking.PendingOwnRefunds(b, a.Refunds)
	left := max(b.AmountCents-b.RefundedCents-pending, 0)
	due := max(booking.RefundDue(b, a.Event, a.Session, now)-pending, 0)
	data := bookingDashData{
		dashPage: d.page(c, "Booking "+b.Ref, "events"), Booking: b, Event: a.Event,
		Date:       view.NewDate(a.Session, zone, now),
		Row:        newAttendeeRow(booking.Attendee{Booking: b, CheckedInAt: a.CheckedInAt}, questions, zone),
		PaidOnline: b.PaymentIntent != "", CanRefund: b.PaymentIntent != "" && left > 0, RefundDue: moneyOrNothing(due, b.Currency),
		RefundLeft: moneyOrNothing(left, b.Currency),
		Form:       form, EmailsLimit: bookingEmailsShown,
	}
	data.Notice, data.Error = notice, problem
	for _, s := range a.Event.Sessions {
		date := view.NewDate(s, zone, now)
		if s.ID != b.SessionID && date.Open() && date.SeatsLeft >= b.Seats {
			data.OtherDates = append(data.OtherDates, date)
		}
	}
	words := historyWords{coachID: coach.ID, zone: zone, dates: map[int64]string{}, hosts: map[int64]string{}}
	for _, h := range a.Event.Hosts {
		words.hosts[h.CoachID] = h.Name
	}
	for _, s := range a.Event.Sessions {
		words.dates[s.ID] = shortTime(s.StartsAt, zone)
	}
	for _, h := range a.History {
		change := statusLabel(h.To)
		if h.From != "" && h.From != h.To {
			change = statusLabel(h.From) + " → " + statusLabel(h.To)
		}
		data.History = append(data.History, historyView{At: shortTime(h.At, zone), Change: change, Reason: words.say(h.Reason, b.Currency)})
	}
	for _, r := range a.Refunds {
		data.Refunds = append(data.Refunds, refundView{RefundJob: r, Amount: view.FormatMoney(r.AmountCents, r.Currency),
			Created: shortTime(r.CreatedAt, zone), StatusLabel: refundStatuses[r.Status], Reason: words.say(r.Reason, r.Currency)})
	}
	for _, e := range emails {
		data.Emails = append(data.Emails, newEmailRow(e))
	}
	return d.Render(c, status, "dashboard_booking.html", data)
}

// moneyOrNothing is FormatMoney, but says "nothing" rather than "Free" for
// zero: what a refund of nothing is.
func moneyOrNothing(cents int64, currency string) string {
	if cents == 0 {
		return "nothing"
	}
	return view.FormatMoney(cents, currency)
}
