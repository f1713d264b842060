package public

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/currency"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/view"
)

// moneyPlan is what the event page says about paying, before the
// attendee chooses: the totals by seats, the hold and the refund policy.
type moneyPlan struct {
	// Totals[n-1] is the total for n seats, "2 × £49.00 = £98.00"; the
	// page's script shows the one for the seats chosen.
	Totals      []string
	TotalsJSON  string
	HoldMinutes int
	Refunds     string // the refund policy in a sentence; "" for free events
}

func (s *handlers) moneyPlan(e events.Event) moneyPlan {
	if e.Free() {
		return moneyPlan{}
	}
	p := moneyPlan{HoldMinutes: int(s.Booking.HoldDuration().Minutes()), Refunds: refundPolicy(e)}
	for n := 1; n <= s.Booking.MaxSeats(); n++ {
		p.Totals = append(p.Totals, seatTotal(e, n))
	}
	b, _ := json.Marshal(p.Totals)
	p.TotalsJSON = string(b)
	return p
}

// seatTotal is the price of n seats, with the sum shown: "2 × £49.00 = £98.00".
func seatTotal(e events.Event, n int) string {
	price := seatPrice(e)
	total := view.FormatMoney(price*int64(n), e.Currency)
	if n == 1 {
		return "1 seat: " + total
	}
	return fmt.Sprintf("%d × %s = %s", n, view.FormatMoney(price, e.Currency), total)
}

// seatPrice is what one seat costs when the form asks for seats: the
// price of the event's one visible ticket type when it sells types, else
// the event's price (before any discount code or added tax, which "Check
// the price first" shows).
func seatPrice(e events.Event) int64 {
	var visible []events.TicketType
	for _, t := range e.TicketTypes {
		if !t.Hidden {
			visible = append(visible, t)
		}
	}
	if len(visible) == 1 {
		return visible[0].PriceCents
	}
	return e.PriceCents
}

// refundPolicy says in one sentence what cancelling refunds.
func refundPolicy(e events.Event) string {
	if e.RefundCutoffHours <= 0 {
		return "Cancel any time before the start for a full refund."
	}
	return fmt.Sprintf("Cancel up to %s before the start for a full refund; no refund after that.", hoursText(e.RefundCutoffHours))
}

func hoursText(h int) string {
	switch {
	case h%24 == 0 && h/24 == 1:
		return "1 day"
	case h%24 == 0:
		return fmt.Sprintf("%d days", h/24)
	case h == 1:
		return "1 hour"
	}
	return fmt.Sprintf("%d hours", h)
}

// pageMeta is what link previews and search engines read of a page.
type pageMeta struct {
	Description string
	URL         string // the canonical, absolute URL
	Image       string // absolute
	JSONLD      template.JS
}

func (s *handlers) eventMeta(e events.Event, v eventView, imageURL string) pageMeta {
	pageURL := strings.TrimSuffix(s.BaseURL, "/") + "/events/" + e.Slug
	desc := e.Summary
	if desc == "" {
		desc = e.Title + " with " + v.HostNames + "."
	}
	if v.NextDate != nil {
		desc += " Next: " + v.NextDate.Day + ", " + v.NextDate.Hours + ". " + v.Price + " per seat."
		if e.Free() {
			desc = strings.TrimSuffix(desc, v.Price+" per seat.") + "Free."
		}
	}
	m := pageMeta{Description: desc, URL: pageURL, Image: imageURL}
	m.JSONLD = template.JS(eventJSONLD(e, pageURL, imageURL, s.Now()))
	return m
}

// eventJSONLD is the schema.org description of the event's dates that
// have not ended by now (cancelled ones included, as EventCancelled), one
// Event per date, so search engines can show them with their prices; a
// past date is not offered (Google's event guidelines ask for upcoming
// events only). json.Marshal escapes <, > and &, so the text cannot close
// the script element it sits in.
func eventJSONLD(e events.Event, pageURL, imageURL string, now time.Time) string {
	type thing = map[string]any
	online := e.OnlineURL != "" || strings.Contains(strings.ToLower(e.Location), "online")
	var hosts []thing
	for _, h := range e.Hosts {
		hosts = append(hosts, thing{"@type": "Person", "name": h.Name})
	}
	out := []thing{}
	for _, sess := range e.Sessions {
		if !sess.EndsAt.After(now) {
			continue
		}
		ev := thing{
			"@context": "https://schema.org", "@type": "Event",
			"name": e.Title, "description": e.Summary, "url": pageURL, "image": []string{imageURL},
			"startDate":   sess.StartsAt.In(e.Zone()).Format("2006-01-02T15:04:05-07:00"),
			"endDate":     sess.EndsAt.In(e.Zone()).Format("2006-01-02T15:04:05-07:00"),
			"eventStatus": "https://schema.org/EventScheduled",
			"organizer":   hosts, "performer": hosts,
		}
		if sess.Status == events.SessionCancelled {
			ev["eventStatus"] = "https://schema.org/EventCancelled"
		}
		if online {
			ev["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
			ev["location"] = thing{"@type": "VirtualLocation", "url": pageURL}
		} else {
			ev["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
			ev["location"] = thing{"@type": "Place", "name": e.Location, "address": e.Location}
		}
		availability := "https://schema.org/InStock"
		if sess.SeatsLeft() == 0 {
			availability = "https://schema.org/SoldOut"
		}
		ev["offers"] = thing{"@type": "Offer", "url": pageURL, "availability": availability,
			"price": decimalAmount(e.PriceCents, e.Currency), "priceCurrency": e.Currency}
		out = append(out, ev)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "[]"
	}
	return string(b)
}

// soldOutProblem explains a refusal for want of seats with the seats left
// now, and whether the date's waitlist is the way in.
func (s *handlers) soldOutProblem(c echo.Context, e events.Event, form url.Values, err error) (problem, bool) {
	if !errors.Is(err, booking.ErrSoldOut) {
		return problem{}, false
	}
	fresh, ferr := s.Events.PublicEvent(c.Request().Context(), e.Slug)
	if ferr != nil {
		fresh = e
	}
	id := form.Get("session_id")
	for _, sess := range fresh.Sessions {
		if fmt.Sprint(sess.ID) != id {
			continue
		}
		d := view.NewDate(sess, fresh.Zone(), s.Now())
		asked, _ := strconv.Atoi(strings.TrimSpace(form.Get("seats")))
		switch left := sess.SeatsLeft(); {
		case left == 0:
			return problem{FieldID: "dates", Message: fmt.Sprintf("%s is now full: no seats are left. Join its waitlist below and we'll email you if seats free up.", d.Day)}, true
		case left < asked:
			return problem{FieldID: "seats", Message: fmt.Sprintf("Only %s left on %s, and you asked for %d. Choose %d or fewer, or join the waitlist.", seatsText(left), d.Day, asked, left)}, true
		default:
			return problem{FieldID: "dates", Message: fmt.Sprintf("The %s left on %s go to people on its waitlist first. Join the waitlist.", seatsText(left), d.Day)}, true
		}
	}
	return problem{FieldID: "dates", Message: "Not enough seats are left on that date. Choose another date, or join its waitlist."}, true
}

// decimalAmount writes minor units as a plain decimal for machines:
// 4900 GBP is "49.00", 500 JPY is "500".
func decimalAmount(minor int64, code string) string {
	scale := 2
	if unit, err := currency.ParseISO(code); err == nil {
		s, _ := currency.Standard.Rounding(unit)
		scale = s
	}
	if scale == 0 {
		return strconv.FormatInt(minor, 10)
	}
	div := int64(1)
	for range scale {
		div *= 10
	}
	return fmt.Sprintf("%d.%0*d", minor/div, scale, minor%div)
}

func seatsText(n int) string {
	if n == 1 {
		return "1 seat"
	}
	return fmt.Sprintf("%d seats", n)
}

// describeEventPage adds to an event page what it says about money, its
// link previews and structured data, the time zone choice and the form's
// problems as sentences.
func (s *handlers) describeEventPage(data *eventPageData, e events.Event) {
	data.Money = s.moneyPlan(e)
	image, err := s.Views.AssetURL("og-image.png")
	if err == nil {
		image = strings.TrimSuffix(s.BaseURL, "/") + image
	}
	data.Meta = s.eventMeta(e, data.Event, image)
	data.Zones = commonZones
	for _, d := range data.Event.Dates {
		if d.Full && !d.Past && !d.Cancelled {
			data.Waitlisted = true
		}
	}
	f := &data.Form
	f.Problems = append(f.Problems, problemsOf(f.Errors, data.Questions)...)
	if len(f.Problems) == 0 && f.Error != "" {
		f.Problems = []problem{{Message: sentence("", f.Error)}}
	}
}

// visitorZone is the zone the visitor chose in the form's visible
// fallback, else the one the page's script found (dropped if it is not a
// zone this server knows: it is only a hint).
func visitorZone(form url.Values) string {
	if chosen := strings.TrimSpace(form.Get("timezone_choice")); chosen != "" {
		return chosen
	}
	found := strings.TrimSpace(form.Get("timezone"))
	if found == "" || strings.EqualFold(found, "local") {
		return ""
	}
	if _, err := time.LoadLocation(found); err != nil {
		return ""
	}
	return found
}

// holdView is how long a held booking's seats stay held, for a countdown.
type holdView struct {
	Until   string // "18:42 GMT on Mon 30 Nov", in the event's zone
	UntilAt string // RFC 3339, for the page's countdown script
	Minutes int    // whole minutes left, rounded up, for pages without script
}

func newHoldView(b booking.Booking, e events.Event, now time.Time) holdView {
	if b.HoldExpiresAt == nil {
		return holdView{}
	}
	at := *b.HoldExpiresAt
	left := at.Sub(now)
	minutes := int((left + time.Minute - 1) / time.Minute)
	if left <= 0 {
		minutes = 0
	}
	return holdView{Until: at.In(e.Zone()).Format("15:04 MST on Mon 2 Jan"), UntilAt: at.UTC().Format(time.RFC3339), Minutes: minutes}
}
