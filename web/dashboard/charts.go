package dashboard

import (
	"fmt"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

// The overview draws two small charts per event, as SVG written by the
// server (no script, no charting library): seats booked per day over the
// last chartDays days, and seats sold of each upcoming date. The SVG is
// decoration (aria-hidden); the numbers it draws are written beside it as
// text, which is what screen readers read.

// chartDays is how many days, today included, the bookings chart covers.
const chartDays = 30

// Chart geometry, in SVG user units (the viewBox; CSS scales the SVG).
const (
	chartWidth  = 240
	chartHeight = 48
	barGap      = 1
)

// bar is one rectangle of a chart.
type bar struct {
	X, Y, Width, Height float64
}

// bookingsChart is an event's seats booked per day, oldest day first.
type bookingsChart struct {
	Width, Height int
	Bars          []bar
	Days          []dayCount // the days with bookings, for the text beside it
	Total         int
	Busiest       dayCount
	FromDay       string
}

type dayCount struct {
	Day   string // "12 Nov"
	Seats int
}

// newBookingsChart counts the seats of booked (confirmed, made since the
// window opened) per day in the event's zone, for the chartDays days that
// end today.
func newBookingsChart(e events.Event, booked []booking.BookedSeats, now time.Time) bookingsChart {
	zone := e.Zone()
	today := now.In(zone)
	first := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, zone).AddDate(0, 0, -(chartDays - 1))
	perDay := make([]int, chartDays)
	for _, b := range booked {
		if b.EventID != e.ID {
			continue
		}
		at := b.CreatedAt.In(zone)
		day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, zone)
		// Days, not hours: a day of 23 or 25 hours is still one day.
		i := daysBetween(first, day)
		if i >= 0 && i < chartDays {
			perDay[i] += b.Seats
		}
	}
	chart := bookingsChart{Width: chartWidth, Height: chartHeight, FromDay: first.Format("2 Jan")}
	most := 1
	for _, n := range perDay {
		most = max(most, n)
	}
	width := float64(chartWidth) / chartDays
	for i, n := range perDay {
		day := first.AddDate(0, 0, i).Format("2 Jan")
		h := float64(n) / float64(most) * (chartHeight - 2)
		// Days without bookings keep a hairline, so the axis reads as time.
		if n == 0 {
			h = 1
		}
		chart.Bars = append(chart.Bars, bar{X: float64(i) * width, Y: chartHeight - h, Width: width - barGap, Height: h})
		if n > 0 {
			chart.Days = append(chart.Days, dayCount{Day: day, Seats: n})
			chart.Total += n
			if n > chart.Busiest.Seats {
				chart.Busiest = dayCount{Day: day, Seats: n}
			}
		}
	}
	return chart
}

// daysBetween counts calendar days from a to b (both midnights in one zone).
func daysBetween(a, b time.Time) int {
	ua := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}

// seatsBar is one upcoming date's seats: sold and held as parts of its
// capacity.
type seatsBar struct {
	Day                  string // "Wed 22 Sep"
	Sold, Held, Capacity int
	SoldWidth, HeldWidth float64
	HeldX                float64
	Width, Height        int
	Label                string // the numbers, for everyone
}

// seatsBarWidth is the width of a date's seats bar, in SVG units.
const seatsBarWidth = 160

func newSeatsBars(dates []dashDate, starts map[int64]time.Time, zone *time.Location) []seatsBar {
	var out []seatsBar
	for _, d := range dates {
		if d.Cancelled || d.Past || d.Capacity == 0 {
			continue
		}
		sold, held := d.Stats.SeatsSold, d.Stats.SeatsHeld
		scale := float64(seatsBarWidth) / float64(max(d.Capacity, sold+held))
		b := seatsBar{
			Day: starts[d.ID].In(zone).Format("Mon 2 Jan"), Sold: sold, Held: held, Capacity: d.Capacity,
			SoldWidth: float64(sold) * scale, HeldWidth: float64(held) * scale, Width: seatsBarWidth, Height: 12,
			Label: fmt.Sprintf("%d of %d sold", sold, d.Capacity),
		}
		b.HeldX = b.SoldWidth
		if held > 0 {
			b.Label += fmt.Sprintf(", %d held", held)
		}
		out = append(out, b)
	}
	return out
}
