package calendar

import (
	"fmt"
	"time"
)

// At returns the instant at which the wall clock in zone (an IANA name such
// as "Europe/London") shows the given date and time, resolving the two wall
// times a DST change makes odd the way RFC 5545 (section 3.3.5) tells
// calendar clients to:
//
//   - a time skipped when clocks go forward (02:30 on 2027-03-14 in
//     America/New_York) is read with the offset in force before the gap, so
//     it lands that long after the change (07:30Z, shown as 03:30 EDT);
//   - a time that happens twice when clocks go back (01:30 on 2027-11-07 in
//     America/New_York) means the first occurrence (05:30Z, 01:30 EDT).
//
// time.Date leaves both cases unspecified, hence this helper. It returns an
// error if zone is unknown, and one wrapping ErrInvalid if a field is out of
// range (month 13, 31 September, 24:00) rather than normalising it.
func At(zone string, year int, month time.Month, day, hour, minute int) (time.Time, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("calendar: time zone %q: %w", zone, err)
	}
	// wall holds the wanted clock reading with the fields checked by the
	// round trip below; it is an instant only as arithmetic.
	wall := time.Date(year, month, day, hour, minute, 0, 0, time.UTC)
	if wall.Year() != year || wall.Month() != month || wall.Day() != day ||
		wall.Hour() != hour || wall.Minute() != minute {
		return time.Time{}, fmt.Errorf("%w: %d-%02d-%02d %02d:%02d is not a valid date and time",
			ErrInvalid, year, int(month), day, hour, minute)
	}
	return resolveWall(wall, loc), nil
}

// resolveWall tries the offsets in force a day and a half either side of
// wall (no zone changes offset twice in that span), earlier instant first.
func resolveWall(wall time.Time, loc *time.Location) time.Time {
	before := wall.Add(-offsetAt(wall.Add(-36*time.Hour), loc))
	after := wall.Add(-offsetAt(wall.Add(36*time.Hour), loc))
	candidates := []time.Time{before, after}
	if after.Before(before) {
		candidates = []time.Time{after, before}
	}
	for _, instant := range candidates {
		if sameWall(instant.In(loc), wall) {
			return instant.In(loc)
		}
	}
	return before.In(loc) // in the gap: the offset before it applies
}

func offsetAt(instant time.Time, loc *time.Location) time.Duration {
	_, seconds := instant.In(loc).Zone()
	return time.Duration(seconds) * time.Second
}

func sameWall(local, wall time.Time) bool {
	y, m, d := local.Date()
	return y == wall.Year() && m == wall.Month() && d == wall.Day() &&
		local.Hour() == wall.Hour() && local.Minute() == wall.Minute()
}
