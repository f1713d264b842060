package calendar_test

import (
	"fmt"
	"time"

	"github.com/roster-app/roster/calendar"
)

func ExampleAt() {
	start, err := calendar.At("Europe/London", 2027, time.March, 28, 18, 0) // the day clocks go forward
	if err != nil {
		panic(err)
	}
	fmt.Println(start, start.UTC())
	// Output: 2027-03-28 18:00:00 +0100 BST 2027-03-28 17:00:00 +0000 UTC
}

func ExampleGoogleURL() {
	start := time.Date(2027, time.September, 22, 17, 0, 0, 0, time.UTC)
	fmt.Println(calendar.GoogleURL(calendar.Entry{
		Summary:  "Career Clarity Lab",
		Location: "Online",
		Start:    start,
		End:      start.Add(2 * time.Hour),
	}))
	// Output: https://calendar.google.com/calendar/render?action=TEMPLATE&text=Career%20Clarity%20Lab&dates=20270922T170000Z/20270922T190000Z&location=Online
}

func ExampleOutlookURL() {
	start := time.Date(2027, time.September, 22, 17, 0, 0, 0, time.UTC)
	fmt.Println(calendar.OutlookURL(calendar.Entry{
		Summary: "Career Clarity Lab",
		Start:   start,
		End:     start.Add(2 * time.Hour),
		URL:     "https://roster.example/bookings/CCL-7KQ2M9",
	}, false))
	// Output: https://outlook.live.com/calendar/0/deeplink/compose?path=/calendar/action/compose&rru=addevent&subject=Career%20Clarity%20Lab&startdt=2027-09-22T17:00:00Z&enddt=2027-09-22T19:00:00Z&body=https://roster.example/bookings/CCL-7KQ2M9
}
