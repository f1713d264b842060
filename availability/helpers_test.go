package availability

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST tests must not depend on the machine's zoneinfo

	"github.com/roster-app/roster/calendar"
)

// hours reads "09:00-12:00" specs into intervals.
func hours(t testing.TB, specs ...string) []Interval {
	t.Helper()
	out := []Interval{}
	for _, spec := range specs {
		start, end, found := strings.Cut(spec, "-")
		if !found {
			t.Fatalf("interval %q: want HH:MM-HH:MM", spec)
		}
		out = append(out, Interval{Start: mustClock(t, start), End: mustClock(t, end)})
	}
	return out
}

func mustClock(t testing.TB, s string) Clock {
	t.Helper()
	c, err := ParseClock(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// everyDay is a week with the same hours each day.
func everyDay(intervals []Interval) Weekly {
	var w Weekly
	for day := range w {
		w[day] = intervals
	}
	return w
}

// rules builds a host's rules: the same hours every day, plus overrides
// given as "2027-03-14=01:00-04:00,05:00-06:00" ("2027-03-14=" is a day off).
func rules(t testing.TB, zone string, daily []Interval, overrides ...string) Rules {
	t.Helper()
	r := Rules{Zone: zone, Weekly: everyDay(daily)}
	for _, spec := range overrides {
		date, list, _ := strings.Cut(spec, "=")
		o := Override{Date: mustDate(t, date), Intervals: []Interval{}}
		if list != "" {
			o.Intervals = hours(t, strings.Split(list, ",")...)
		}
		r.Overrides = append(r.Overrides, o)
	}
	return r
}

// wall returns the instant zone's wall clock shows "2027-03-14 09:00".
func wall(t testing.TB, zone, reading string) time.Time {
	t.Helper()
	w, err := time.Parse("2006-01-02 15:04", reading)
	if err != nil {
		t.Fatal(err)
	}
	at, err := calendar.At(zone, w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute())
	if err != nil {
		t.Fatal(err)
	}
	return at.UTC()
}

func utc(t testing.TB, rfc3339 string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// days returns [first 00:00, last+1 00:00) in zone: whole days, inclusive, as
// the slots API reads from and to.
func days(t testing.TB, zone, first, last string) (time.Time, time.Time) {
	t.Helper()
	end := mustDate(t, last).AddDays(1)
	return wall(t, zone, first+" 00:00"), wall(t, zone, end.String()+" 00:00")
}

// describe shows slots on zone's wall clock, with the free hosts when
// there are several hosts.
func describe(t testing.TB, slots []Slot, zone string, withHosts bool) []string {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, s := range slots {
		line := s.Start.In(loc).Format("2006-01-02 15:04 MST")
		if s.Start.Location() != time.UTC || !s.End.After(s.Start) {
			t.Errorf("slot %s to %s: want a UTC start before the end", s.Start, s.End)
		}
		if withHosts {
			line += fmt.Sprintf(" %v", s.Hosts)
		}
		out = append(out, line)
	}
	return out
}

// base is a type with nothing in the way: an hour's call, no buffers or
// notice, the longest horizon.
func base() Type {
	return Type{DurationMinutes: 60, HorizonDays: 730, Assignment: AssignAny}
}

// longAgo is a now before every date the tests use.
const longAgo = "2027-01-01T00:00:00Z"
