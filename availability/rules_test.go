package availability

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/calendar"
	"github.com/roster-app/roster/fault"
)

// invalidFields returns the field names of a validation error, sorted.
func invalidFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != fault.Invalid {
		t.Fatalf("got %v, want a validation error", err)
	}
	return slices.Sorted(maps.Keys(fe.Fields))
}

func TestRulesValidate(t *testing.T) {
	good := func() Rules { return rules(t, london, hours(t, "09:00-12:00", "13:00-17:00")) }
	cases := []struct {
		name   string
		change func(*Rules)
		want   []string
	}{
		{"good rules", func(*Rules) {}, nil},
		{"touching intervals are fine", func(r *Rules) {
			r.Weekly[time.Monday] = hours(t, "09:00-12:00", "12:00-24:00")
		}, nil},
		{"no zone", func(r *Rules) { r.Zone = "" }, []string{"timezone"}},
		{"an unknown zone", func(r *Rules) { r.Zone = "Europe/Atlantis" }, []string{"timezone"}},
		{"the machine's zone", func(r *Rules) { r.Zone = "Local" }, []string{"timezone"}},
		{"an end before its start", func(r *Rules) {
			r.Weekly[time.Monday] = hours(t, "09:00-12:00", "17:00-13:00")
		}, []string{"weekly.mon[1].end"}},
		{"an empty interval", func(r *Rules) {
			r.Weekly[time.Sunday] = hours(t, "09:00-09:00")
		}, []string{"weekly.sun[0].end"}},
		{"a start at 24:00", func(r *Rules) {
			r.Weekly[time.Friday] = []Interval{{Start: Midnight24, End: Midnight24}}
		}, []string{"weekly.fri[0].start"}},
		{"clocks out of range", func(r *Rules) {
			r.Weekly[time.Tuesday] = []Interval{{Start: -5, End: 25 * 60}}
		}, []string{"weekly.tue[0].end", "weekly.tue[0].start"}},
		{"overlapping intervals, reported on the later one", func(r *Rules) {
			r.Weekly[time.Wednesday] = hours(t, "13:00-17:00", "09:00-18:00", "17:30-19:00")
		}, []string{"weekly.wed[0].start", "weekly.wed[2].start"}},
		{"an interval inside a long one", func(r *Rules) {
			r.Weekly[time.Thursday] = hours(t, "08:00-20:00", "09:00-10:00", "12:00-13:00")
		}, []string{"weekly.thu[1].start", "weekly.thu[2].start"}},
		{"an override without a date", func(r *Rules) {
			r.Overrides = []Override{{Intervals: hours(t, "09:00-10:00")}}
		}, []string{"overrides[0].date"}},
		{"an override on a date that does not exist", func(r *Rules) {
			r.Overrides = []Override{{Date: Date{2027, time.February, 30}}}
		}, []string{"overrides[0].date"}},
		{"two overrides of one date", func(r *Rules) {
			r.Overrides = []Override{{Date: mustDate(t, "2027-11-12")}, {Date: mustDate(t, "2027-11-13")}, {Date: mustDate(t, "2027-11-12")}}
		}, []string{"overrides[2].date"}},
		{"a bad interval in an override", func(r *Rules) {
			r.Overrides = []Override{{Date: mustDate(t, "2027-11-12"), Intervals: hours(t, "10:00-09:00")}}
		}, []string{"overrides[0].intervals[0].end"}},
		{"every bad field at once", func(r *Rules) {
			r.Zone = "nowhere"
			r.Weekly[time.Saturday] = hours(t, "10:00-09:00")
			r.Overrides = []Override{{}}
		}, []string{"overrides[0].date", "timezone", "weekly.sat[0].end"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := good()
			c.change(&r)
			if got := invalidFields(t, r.Validate()); !slices.Equal(got, c.want) {
				t.Errorf("got fields %q, want %q", got, c.want)
			}
		})
	}
}

func TestTypeValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Type)
		want   []string
	}{
		{"good knobs", func(*Type) {}, nil},
		{"the longest horizon", func(t *Type) { t.HorizonDays = 730 }, nil},
		{"no duration", func(t *Type) { t.DurationMinutes = 0 }, []string{"duration_minutes"}},
		{"a horizon of no days", func(t *Type) { t.HorizonDays = 0 }, []string{"horizon_days"}},
		{"a horizon over two years", func(t *Type) { t.HorizonDays = 731 }, []string{"horizon_days"}},
		{"negative knobs", func(t *Type) {
			t.BufferBeforeMinutes, t.BufferAfterMinutes, t.MinNoticeMinutes = -1, -1, -1
			t.SlotIntervalMinutes, t.MaxPerDay = -1, -1
		}, []string{"buffer_after_minutes", "buffer_before_minutes", "max_per_day", "min_notice_minutes", "slot_interval_minutes"}},
		{"an unknown assignment", func(t *Type) { t.Assignment = "some" }, []string{"assignment"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			typ := base()
			c.change(&typ)
			if got := invalidFields(t, typ.Validate()); !slices.Equal(got, c.want) {
				t.Errorf("got fields %q, want %q", got, c.want)
			}
		})
	}
}

func TestRulesJSON(t *testing.T) {
	const doc = `{"timezone":"America/New_York",` +
		`"weekly":{"mon":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"17:00"}],` +
		`"tue":[],"wed":[],"thu":[],"fri":[{"start":"22:00","end":"24:00"}],"sat":[],"sun":[]},` +
		`"overrides":[{"date":"2027-11-12","intervals":[]},{"date":"2027-11-13","intervals":[{"start":"00:00","end":"01:00"}]}]}`
	t.Run("reads and writes the API's shape", func(t *testing.T) {
		var r Rules
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			t.Fatal(err)
		}
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
		if got, want := r.Weekly[time.Friday], hours(t, "22:00-24:00"); !slices.Equal(got, want) {
			t.Errorf("friday: got %v, want %v", got, want)
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != doc {
			t.Errorf("round trip:\n got %s\nwant %s", out, doc)
		}
	})
	for _, bad := range []string{
		`{"weekly":{"monday":[]}}`,
		`{"weekly":{"mon":[{"start":"9:00","end":"12:00"}]}}`,
		`{"weekly":{"mon":[{"start":"09:00","end":"24:30"}]}}`,
		`{"overrides":[{"date":"2027-02-30"}]}`,
	} {
		t.Run("refuses "+bad, func(t *testing.T) {
			var r Rules
			if err := json.Unmarshal([]byte(bad), &r); err == nil {
				t.Errorf("read %s without an error", bad)
			}
		})
	}
}

// TestAtAgreesWithCalendar checks the shortcut in plan.at against
// calendar.At for every quarter hour of the days around each zone's
// changes, including 24:00.
func TestAtAgreesWithCalendar(t *testing.T) {
	changes := map[string][]string{
		london:           {"2027-03-28", "2027-10-31"},
		newYork:          {"2027-03-14", "2027-11-07"},
		auckland:         {"2027-04-04", "2027-09-26"},
		"America/Havana": {"2027-03-14", "2027-11-07"}, // changes at midnight
		tokyo:            {"2027-03-14"},
	}
	for zone, dates := range changes {
		t.Run(zone, func(t *testing.T) {
			p, err := newPlan(Host{Rules: Rules{Zone: zone}}, base(), utc(t, longAgo))
			if err != nil {
				t.Fatal(err)
			}
			for _, change := range dates {
				for d := -2; d <= 2; d++ {
					date := mustDate(t, change).AddDays(d)
					for c := Clock(0); c <= Midnight24; c += 15 {
						got := p.at(date, c)
						day, clock := date, c
						if c == Midnight24 {
							day, clock = date.AddDays(1), 0
						}
						want, err := calendar.At(zone, day.Year, day.Month, day.Day, int(clock)/60, int(clock)%60)
						if err != nil {
							t.Fatal(err)
						}
						if !got.Equal(want) {
							t.Errorf("%s %s: got %s, want %s", date, c, got, want.UTC())
						}
					}
				}
			}
		})
	}
}

func TestParseClock(t *testing.T) {
	for _, good := range []string{"00:00", "09:05", "23:59", "24:00"} {
		if c, err := ParseClock(good); err != nil || c.String() != good {
			t.Errorf("%s: got %s, %v", good, c, err)
		}
	}
	for _, bad := range []string{"", "9:00", "09:60", "24:01", "25:00", "09-00", "+9:00", "09:00 "} {
		if _, err := ParseClock(bad); err == nil || !strings.Contains(err.Error(), "availability") {
			t.Errorf("%q: got %v, want an error", bad, err)
		}
	}
}
