package public

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/httperr"
	"github.com/roster-app/roster/web/internal/site"
	"github.com/roster-app/roster/web/internal/view"
)

type bookingPageData struct {
	Title      string
	Booking    booking.Booking
	Event      eventView
	Date       view.Date
	Amount     string
	HoldUntil  string
	OtherDates []view.Date
	Notice     string
	Error      string
	Paying     bool   // back from the checkout, waiting for the payment to be confirmed
	Refund     string // what cancelling now refunds, for paid bookings
	Token      string
	Calendar   view.CalendarLinks
	Refunds    []refundView
	Hold       holdView
	JoinURL    string // the online event's join link, once confirmed
	ReceiptURL string // for a booking that was paid; "" otherwise
	// Appointment is set for a 1:1 call's booking.
	Appointment *appointmentView
}

// refundView is one refund of the booking as the attendee reads it.
type refundView struct {
	Amount    string // with its currency, "£49.00"
	Requested string // in the event's time zone
	Refunded  string // when the provider made it; "" until then
	Status    string // pending, succeeded or failed
}

// Live reports whether the booking still holds seats.
func (d bookingPageData) Live() bool { return d.Booking.Status.Live() }

func (s *handlers) bookingPage(c echo.Context) error {
	token := c.QueryParam("t")
	if c.QueryParam("paid") == "1" {
		// Back from the checkout: ask the provider rather than wait for the
		// webhook. A failure here only means the webhook confirms instead.
		if err := s.Booking.ConfirmFromCheckout(c.Request().Context(), c.Param("ref"), token); err != nil {
			s.Log.Warn("confirm from checkout", "ref", site.ClipForLog(c.Param("ref")), "err", site.ClipForLog(err.Error()))
		}
	}
	return s.renderBookingPage(c, http.StatusOK, token, noticeFor(c.QueryParam("done")), "")
}

func noticeFor(done string) string {
	switch done {
	case "cancelled":
		return "Your booking is cancelled and your seats are released."
	case "moved":
		return "Your booking is moved. We've emailed you an updated calendar invite."
	case "erase_requested":
		return "We have your request to erase your personal data. Your coach confirms it, or it is carried out within 30 days; this link then stops working."
	}
	return ""
}

func (s *handlers) renderBookingPage(c echo.Context, status int, token, notice, problem string) error {
	d, err := s.Booking.Get(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	now := s.Now()
	ev := newEventView(d.Event, now)
	data := bookingPageData{
		Title: "Booking " + d.Booking.Ref, Booking: d.Booking, Event: ev, Token: token,
		Date: view.NewDate(d.Session, d.Event.Zone(), now), Amount: view.FormatMoney(d.Booking.AmountCents, d.Booking.Currency),
		Notice: notice, Error: problem,
	}
	refunds, err := s.Booking.BookingRefunds(c.Request().Context(), d.Booking.Ref, booking.Actor{Token: token})
	if err != nil {
		return err
	}
	for _, r := range refunds {
		v := refundView{Amount: view.FormatMoney(r.AmountCents, r.Currency), Status: r.Status,
			Requested: r.RequestedAt.In(d.Event.Zone()).Format("2 Jan 2006")}
		if r.RefundedAt != nil {
			v.Refunded = r.RefundedAt.In(d.Event.Zone()).Format("2 Jan 2006")
		}
		data.Refunds = append(data.Refunds, v)
	}
	data.Paying = c.QueryParam("paid") == "1" && d.Booking.Status == booking.PendingPayment
	data.Calendar = s.linksFor(d.Event, d.Session)
	data.Calendar.ICS = "/bookings/" + d.Booking.Ref + "/invite.ics?t=" + url.QueryEscape(token)
	if d.Booking.Status == booking.Confirmed && d.Booking.AmountCents > 0 {
		due := booking.RefundDue(d.Booking, d.Event, d.Session, now)
		// The policy in the words the event page and checkout used.
		data.Refund = fmt.Sprintf("Cancelling now refunds %s. %s", view.FormatMoney(due, d.Booking.Currency), refundPolicy(d.Event))
		if due == 0 {
			data.Refund = fmt.Sprintf("Cancelling now refunds nothing: refunds end %s before the start.", hoursText(d.Event.RefundCutoffHours))
		}
	}
	if d.Booking.HoldExpiresAt != nil {
		data.HoldUntil = d.Booking.HoldExpiresAt.In(d.Event.Zone()).Format("15:04 MST on Mon 2 Jan")
		data.Hold = newHoldView(d.Booking, d.Event, now)
	}
	if d.Booking.Status == booking.Confirmed {
		data.JoinURL = d.Event.OnlineURL
	}
	if paid(d.Booking) {
		data.ReceiptURL = "/bookings/" + d.Booking.Ref + "/receipt?t=" + url.QueryEscape(token)
	}
	if d.Appointment != nil {
		if data.Appointment, err = s.appointmentView(c, d, now); err != nil {
			return err
		}
	}
	for _, date := range ev.Dates {
		if date.ID != d.Session.ID && date.Open() && date.SeatsLeft >= d.Booking.Seats {
			data.OtherDates = append(data.OtherDates, date)
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Referrer-Policy", "no-referrer") // the URL holds the manage token
	return s.Render(c, status, "booking.html", data)
}

func (s *handlers) cancelFromPage(c echo.Context) error {
	token := c.FormValue("t")
	_, err := s.Booking.Cancel(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return s.bookingActionError(c, token, err)
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+c.Param("ref")+"?t="+url.QueryEscape(token)+"&done=cancelled")
}

func (s *handlers) moveFromPage(c echo.Context) error {
	token := c.FormValue("t")
	to, err := strconv.ParseInt(c.FormValue("session_id"), 10, 64)
	if err != nil {
		return s.bookingActionError(c, token, (&fault.Fields{"session_id": "choose a date"}).Err())
	}
	if _, err := s.Booking.Move(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token}, to); err != nil {
		return s.bookingActionError(c, token, err)
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+c.Param("ref")+"?t="+url.QueryEscape(token)+"&done=moved")
}

// bookingActionError shows a failed cancel or move on the booking page.
func (s *handlers) bookingActionError(c echo.Context, token string, err error) error {
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code == fault.NotFound || httperr.StatusOf(fe.Code) >= 500 {
		return err
	}
	message := fe.Message
	for _, m := range fe.Fields {
		message = m
	}
	return s.renderBookingPage(c, httperr.StatusOf(fe.Code), token, "", message)
}
