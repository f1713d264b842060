package availability

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/roster-app/roster/fault"
)

// Interval is a span of working hours on a wall clock, [Start, End): a call
// must fit wholly inside one. End may be 24:00.
type Interval struct {
	Start Clock `json:"start"`
	End   Clock `json:"end"`
}

// Weekly is a host's working hours for each day of the week, indexed by
// time.Weekday (Sunday is 0). A day with no intervals is a day off. It
// reads and writes as the JSON object {"mon": [...], …, "sun": [...]}.
type Weekly [7][]Interval

// weekdayKeys are the JSON names of the days, indexed by time.Weekday.
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// jsonWeekOrder is the order days are written in: Monday first, as the API
// documents them.
var jsonWeekOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday,
	time.Thursday, time.Friday, time.Saturday, time.Sunday}

// MarshalJSON writes every day, Monday first, with [] for a day off.
func (w Weekly) MarshalJSON() ([]byte, error) {
	out := []byte{'{'}
	for i, day := range jsonWeekOrder {
		intervals := w[day]
		if intervals == nil {
			intervals = []Interval{}
		}
		encoded, err := json.Marshal(intervals)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, weekdayKeys[day]...)
		out = append(out, '"', ':')
		out = append(out, encoded...)
	}
	return append(out, '}'), nil
}

// UnmarshalJSON reads {"mon": [...], …}; a missing day is a day off and an
// unknown key is an error.
func (w *Weekly) UnmarshalJSON(data []byte) error {
	var days map[string][]Interval
	if err := json.Unmarshal(data, &days); err != nil {
		return err
	}
	var week Weekly
	for key, intervals := range days {
		day := slices.Index(weekdayKeys[:], key)
		if day < 0 {
			return fmt.Errorf("availability: %q is not a day of the week (mon … sun)", key)
		}
		week[day] = intervals
	}
	*w = week
	return nil
}

// Override replaces the weekly hours of one date in the host's zone. No
// intervals means the day off.
type Override struct {
	Date      Date       `json:"date"`
	Intervals []Interval `json:"intervals"`
}

// Rules are one host's availability: weekly hours and date overrides, both
// read on the wall clock of Zone.
type Rules struct {
	Zone      string     `json:"timezone"` // IANA name, such as "Europe/London"
	Weekly    Weekly     `json:"weekly"`
	Overrides []Override `json:"overrides"`
}

// Validate returns a fault.Invalid error naming every bad field by its JSON
// path in the API (timezone, weekly.mon[1].end, overrides[0].date,
// overrides[0].intervals[2].start), or nil.
func (r Rules) Validate() error {
	_, err := r.validate()
	return err
}

// validate is Validate returning the loaded zone too, as loading it is the
// costly part of the check.
func (r Rules) validate() (*time.Location, error) {
	var fields fault.Fields
	var loc *time.Location
	switch {
	case r.Zone == "":
		fields.Add("timezone", "is required")
	case r.Zone == "Local":
		fields.Add("timezone", "must name a zone, such as Europe/London")
	default:
		var err error
		if loc, err = time.LoadLocation(r.Zone); err != nil {
			fields.Add("timezone", "is not a known IANA time zone")
		}
	}
	for day, intervals := range r.Weekly {
		checkIntervals(&fields, "weekly."+weekdayKeys[day], intervals)
	}
	seen := map[Date]int{}
	for i, o := range r.Overrides {
		path := fmt.Sprintf("overrides[%d]", i)
		switch {
		case o.Date.IsZero():
			fields.Add(path+".date", "is required")
		case !o.Date.Valid():
			fields.Add(path+".date", "is not a date that exists")
		default:
			if first, dup := seen[o.Date]; dup {
				fields.Add(path+".date", fmt.Sprintf("repeats overrides[%d]", first))
			} else {
				seen[o.Date] = i
			}
		}
		checkIntervals(&fields, path+".intervals", o.Intervals)
	}
	return loc, fields.Err()
}

// checkIntervals checks each interval on its own and then that none
// overlaps another (touching is fine: 09:00–12:00 and 12:00–13:00). An
// overlap is reported on the interval that starts later.
func checkIntervals(fields *fault.Fields, path string, intervals []Interval) {
	sound := make([]int, 0, len(intervals)) // indexes of intervals fine on their own
	for i, iv := range intervals {
		at := fmt.Sprintf("%s[%d]", path, i)
		okStart := iv.Start >= 0 && iv.Start < Midnight24
		okEnd := iv.End > 0 && iv.End <= Midnight24
		fields.Check(okStart, at+".start", "must be between 00:00 and 23:59")
		fields.Check(okEnd, at+".end", "must be between 00:01 and 24:00")
		if okStart && okEnd {
			fields.Check(iv.Start < iv.End, at+".end", "must be after start")
			if iv.Start < iv.End {
				sound = append(sound, i)
			}
		}
	}
	slices.SortStableFunc(sound, func(a, b int) int { return int(intervals[a].Start - intervals[b].Start) })
	if len(sound) == 0 {
		return
	}
	reach := intervals[sound[0]] // of the intervals passed, the one that ends last
	for _, i := range sound[1:] {
		cur := intervals[i]
		if cur.Start < reach.End {
			fields.Add(fmt.Sprintf("%s[%d].start", path, i),
				fmt.Sprintf("overlaps %s–%s", reach.Start, reach.End))
		}
		if cur.End > reach.End {
			reach = cur
		}
	}
}

// hoursOn returns the intervals that apply on date: the override for that
// date if there is one, else the weekly hours of its weekday.
func (r Rules) hoursOn(date Date, overrides map[Date][]Interval) []Interval {
	if hours, ok := overrides[date]; ok {
		return hours
	}
	return r.Weekly[date.Weekday()]
}
