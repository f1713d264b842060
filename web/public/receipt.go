package public

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/view"
)

// receiptData is a printable receipt for a paid booking.
type receiptData struct {
	Title       string
	Seller      string   // the host who sells the seats
	Address     []string // the seller's postal address, a line each
	Buyer       string
	Email       string
	Ref         string
	Issued      string // when booked, in the event's zone
	Item        string // "Career Clarity Lab, Wednesday 22 September 2027, 18:00–20:00 BST"
	Line        string // "2 × £49.00 = £98.00"
	Paid        string
	Tax         string // "" when no tax was charged
	PaymentRef  string // the provider's payment id
	Refunds     []refundView
	BookingPage string
	// Documents are the booking's numbered receipt and credit notes; All
	// is the page that shows them.
	Documents []documentView
	All       string
}

// paid reports whether a booking took a payment, so has a receipt.
func paid(b booking.Booking) bool { return b.AmountCents > 0 && b.PaymentIntent != "" }

// receiptPage shows the receipt of a paid booking, opened with its manage
// token; a free or unpaid booking has none (404). It links to the
// booking's numbered receipt and credit notes (receiptsPage) when it has
// them.
func (s *handlers) receiptPage(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.QueryParam("t")
	d, err := s.Booking.Get(ctx, c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	if !paid(d.Booking) {
		return fault.New(fault.NotFound, "this booking was not paid for, so it has no receipt")
	}

	zone := d.Event.Zone()
	date := view.NewDate(d.Session, zone, s.Now())
	data := receiptData{
		Title: "Receipt " + d.Booking.Ref, Buyer: d.Booking.Name, Email: d.Booking.Email, Ref: d.Booking.Ref,
		Issued: d.Booking.CreatedAt.In(zone).Format("2 January 2006"),
		Item:   d.Event.Title + ", " + date.Day + ", " + date.Hours,
		Line:   seatTotal(d.Event, d.Booking.Seats), Paid: view.FormatMoney(d.Booking.AmountCents, d.Booking.Currency),
		PaymentRef:  d.Booking.PaymentIntent,
		BookingPage: "/bookings/" + d.Booking.Ref + "?t=" + url.QueryEscape(token),
	}
	if len(d.Event.Hosts) > 0 {
		host := d.Event.Hosts[0]
		data.Seller = host.Name
		address, err := s.Coaches.ReceiptAddress(ctx, host.CoachID)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(address, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				data.Address = append(data.Address, line)
			}
		}
	}
	if err := s.addDocuments(ctx, &data, d.Booking, token); err != nil {
		return err
	}
	refunds, err := s.Booking.BookingRefunds(ctx, d.Booking.Ref, booking.Actor{Token: token})
	if err != nil {
		return err
	}
	for _, r := range refunds {
		v := refundView{Amount: view.FormatMoney(r.AmountCents, r.Currency), Status: r.Status,
			Requested: r.RequestedAt.In(zone).Format("2 Jan 2006")}
		if r.RefundedAt != nil {
			v.Refunded = r.RefundedAt.In(zone).Format("2 Jan 2006")
		}
		data.Refunds = append(data.Refunds, v)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Referrer-Policy", "no-referrer") // the URL holds the manage token
	return s.Render(c, http.StatusOK, "receipt.html", data)
}

// favicon answers browsers that ask for /favicon.ico whatever the page
// says, with the icon the pages link to.
func (s *handlers) favicon(c echo.Context) error {
	to, err := s.Views.AssetURL("favicon.svg")
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusMovedPermanently, to)
}
