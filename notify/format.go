package notify

import (
	"fmt"
	"time"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/money"
)

// formatWhen writes a session's date and times in its event's zone, with
// the zone's abbreviation: "Wednesday 22 September 2027, 18:00–20:00 BST".
// A session that crosses midnight names both days; one that crosses a DST
// change names both abbreviations.
func formatWhen(start, end time.Time, loc *time.Location) string {
	start, end = start.In(loc), end.In(loc)
	const day = "Monday 2 January 2006"
	startZone, _ := start.Zone()
	endZone, _ := end.Zone()
	switch {
	case !sameDay(start, end):
		return start.Format(day+", 15:04 MST") + " – " + end.Format(day+", 15:04 MST")
	case startZone != endZone:
		return start.Format(day+", 15:04 MST") + " – " + end.Format("15:04 MST")
	default:
		return start.Format(day+", 15:04") + "–" + end.Format("15:04 MST")
	}
}

// yourWhen writes a session's times in the attendee's own zone for a line
// beside the event's, or "" when their zone is unknown, not a zone, or
// shows the same clock times as the event's (a London visitor of a London
// event, in person or online, needs no second line).
func yourWhen(start, end time.Time, attendeeZone string, eventZone *time.Location) string {
	if attendeeZone == "" {
		return ""
	}
	loc, err := events.Location(attendeeZone)
	if err != nil {
		return ""
	}
	theirs := formatWhen(start, end, loc)
	if theirs == formatWhen(start, end, eventZone) {
		return ""
	}
	return theirs
}

// formatShortWhen is the start alone, short enough for a subject line:
// "Wed 22 Sep 2027, 18:00 BST".
func formatShortWhen(start time.Time, loc *time.Location) string {
	return start.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
}

// formatInstant is a moment such as a deadline, in full: "Friday 17
// September 2027, 18:00 BST".
func formatInstant(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Monday 2 January 2006, 15:04 MST")
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// formatLead says how long before a session a reminder goes: "1 day",
// "3 hours", "90 minutes".
func formatLead(minutes int) string {
	switch {
	case minutes > 0 && minutes%(24*60) == 0:
		return plural(minutes/(24*60), "day")
	case minutes > 0 && minutes%60 == 0:
		return plural(minutes/60, "hour")
	default:
		return plural(minutes, "minute")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// formatMoney writes an amount in minor units of an ISO 4217 currency.
func formatMoney(minor int64, code string) string { return money.Format(minor, code) }

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
