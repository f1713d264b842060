package dashboard

import (
	"strings"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/view"
)

// dashDate is a date as the dashboard lists it: when, in its event's time
// zone, and how it is selling.
type dashDate struct {
	view.Date
	EventTitle  string
	EventSlug   string
	EventStatus events.Status
	Stats       booking.SessionStats
	Revenue     string
	// Taken counts every seat in use: sold, held for payment, offered to
	// the waitlist.
	Taken int
}

func newDashDate(e events.Event, s events.Session, stats booking.SessionStats, now time.Time) dashDate {
	return dashDate{
		Date: view.NewDate(s, e.Zone(), now), EventTitle: e.Title, EventSlug: e.Slug, EventStatus: e.Status,
		Stats: stats, Revenue: formatRevenue(stats.Revenue), Taken: s.SeatsTaken,
	}
}

// dateFields is a date form's values and the prefix of its field ids, so
// two date forms can share a page.
type dateFields struct {
	Prefix string
	Form   dashForm
}

// formatRevenue shows amounts in several currencies side by side; none is
// a dash.
func formatRevenue(amounts []booking.Money) string {
	if len(amounts) == 0 {
		return "—"
	}
	parts := make([]string, len(amounts))
	for i, m := range amounts {
		parts[i] = view.FormatMoney(m.Cents, m.Currency)
		if m.Cents == 0 {
			parts[i] = view.FormatMoney(0, m.Currency) + " (" + m.Currency + ")"
		}
	}
	return strings.Join(parts, " · ")
}

// statusLabel names a booking status for people.
func statusLabel(s booking.Status) string {
	switch s {
	case booking.Confirmed:
		return "Confirmed"
	case booking.PendingPayment:
		return "Awaiting payment"
	case booking.Cancelled:
		return "Cancelled"
	case booking.Expired:
		return "Hold expired"
	case booking.Refunded:
		return "Refunded"
	}
	return string(s)
}

// waitlistLabel names a waitlist status for people.
func waitlistLabel(s booking.WaitlistStatus) string {
	switch s {
	case booking.Waiting:
		return "Waiting"
	case booking.Offered:
		return "Offered"
	case booking.Claimed:
		return "Claimed"
	case booking.OfferExpired:
		return "Offer expired"
	case booking.Left:
		return "Left"
	}
	return string(s)
}

// shortTime shows an instant in zone, compactly: "22 Sep 2027, 18:04".
func shortTime(t time.Time, zone *time.Location) string {
	return t.In(zone).Format("2 Jan 2006, 15:04")
}

// commonZones are offered as suggestions in the time zone field; any IANA
// zone is accepted.
var commonZones = []string{
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam",
	"Europe/Madrid", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Helsinki",
	"Europe/Istanbul", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata",
	"Asia/Singapore", "Asia/Hong_Kong", "Asia/Tokyo", "Australia/Perth", "Australia/Sydney", "Pacific/Auckland",
	"America/St_Johns", "America/Halifax", "America/New_York", "America/Toronto", "America/Chicago",
	"America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Vancouver", "America/Mexico_City",
	"America/Sao_Paulo", "America/Argentina/Buenos_Aires", "Pacific/Honolulu", "UTC",
}

// commonCurrencies are offered as suggestions in the currency field.
var commonCurrencies = []string{"GBP", "EUR", "USD", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "JPY", "INR", "SGD", "ZAR"}
