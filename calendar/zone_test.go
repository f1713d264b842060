package calendar

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo
)

// zoneCase is a wall-clock time in a zone and the instant it names, worked
// out by hand from each zone's rules.
type zoneCase struct {
	name   string
	zone   string
	year   int
	month  time.Month
	day    int
	hour   int
	minute int
	want   string // DTSTART value
}

var zoneCases = []zoneCase{
	{"London on an ordinary summer day (BST)", "Europe/London", 2027, time.September, 22, 18, 0, "20270922T170000Z"},
	{"London on an ordinary winter day (GMT)", "Europe/London", 2027, time.January, 15, 18, 0, "20270115T180000Z"},
	{"London the day clocks go forward", "Europe/London", 2027, time.March, 28, 18, 0, "20270328T170000Z"},
	{"London the day clocks go back", "Europe/London", 2027, time.October, 31, 18, 0, "20271031T180000Z"},
	{"London the day clocks go forward in 2028", "Europe/London", 2028, time.March, 26, 18, 0, "20280326T170000Z"},
	{"London the day clocks go back in 2028", "Europe/London", 2028, time.October, 29, 18, 0, "20281029T180000Z"},
	{"London in the skipped hour reads as GMT", "Europe/London", 2027, time.March, 28, 1, 30, "20270328T013000Z"},
	{"London in the repeated hour means the first, BST", "Europe/London", 2027, time.October, 31, 1, 30, "20271031T003000Z"},

	{"New York on an ordinary summer day (EDT)", "America/New_York", 2027, time.September, 22, 18, 0, "20270922T220000Z"},
	{"New York on an ordinary winter day (EST)", "America/New_York", 2027, time.January, 15, 18, 0, "20270115T230000Z"},
	{"New York the day clocks go forward", "America/New_York", 2027, time.March, 14, 18, 0, "20270314T220000Z"},
	{"New York the day clocks go back", "America/New_York", 2027, time.November, 7, 18, 0, "20271107T230000Z"},
	{"New York the day clocks go forward in 2028", "America/New_York", 2028, time.March, 12, 18, 0, "20280312T220000Z"},
	{"New York the day clocks go back in 2028", "America/New_York", 2028, time.November, 5, 18, 0, "20281105T230000Z"},
	{"New York 01:30 before clocks go forward is still EST", "America/New_York", 2027, time.March, 14, 1, 30, "20270314T063000Z"},
	{"New York 02:30 when clocks go forward reads as EST (03:30 EDT)", "America/New_York", 2027, time.March, 14, 2, 30, "20270314T073000Z"},
	{"New York 03:30 after clocks go forward is EDT", "America/New_York", 2027, time.March, 14, 3, 30, "20270314T073000Z"},
	{"New York 01:30 when clocks go back means the first, EDT", "America/New_York", 2027, time.November, 7, 1, 30, "20271107T053000Z"},

	{"Sydney on an ordinary winter day (AEST)", "Australia/Sydney", 2027, time.September, 22, 18, 0, "20270922T080000Z"},
	{"Sydney on an ordinary summer day (AEDT)", "Australia/Sydney", 2027, time.January, 15, 18, 0, "20270115T070000Z"},
	{"Sydney the day clocks go back", "Australia/Sydney", 2027, time.April, 4, 18, 0, "20270404T080000Z"},
	{"Sydney the day clocks go forward", "Australia/Sydney", 2027, time.October, 3, 18, 0, "20271003T070000Z"},
	{"Sydney the day clocks go back in 2028", "Australia/Sydney", 2028, time.April, 2, 18, 0, "20280402T080000Z"},
	{"Sydney the day clocks go forward in 2028", "Australia/Sydney", 2028, time.October, 1, 18, 0, "20281001T070000Z"},
	{"Sydney in the skipped hour reads as AEST", "Australia/Sydney", 2027, time.October, 3, 2, 30, "20271002T163000Z"},
	{"Sydney in the repeated hour means the first, AEDT", "Australia/Sydney", 2027, time.April, 4, 2, 30, "20270403T153000Z"},

	{"Kolkata is UTC+05:30 all year", "Asia/Kolkata", 2027, time.September, 22, 18, 0, "20270922T123000Z"},
	{"Kolkata keeps its offset when London's clocks change", "Asia/Kolkata", 2027, time.March, 28, 18, 0, "20270328T123000Z"},
	{"Kolkata keeps its offset when New York's clocks change", "Asia/Kolkata", 2027, time.November, 7, 18, 0, "20271107T123000Z"},
	{"Kolkata late evening falls on the same UTC day", "Asia/Kolkata", 2027, time.December, 31, 23, 45, "20271231T181500Z"},
}

func (zc zoneCase) entry(t testing.TB, i int) Entry {
	start := mustAt(t, zc.zone, zc.year, zc.month, zc.day, zc.hour, zc.minute)
	return Entry{
		UID:     fmt.Sprintf("zone-%d@roster.example", i),
		Summary: zc.name,
		Start:   start,
		End:     start.Add(2 * time.Hour),
		Stamp:   stamp,
	}
}

func TestAt(t *testing.T) {
	for _, zc := range zoneCases {
		t.Run(zc.name, func(t *testing.T) {
			at := mustAt(t, zc.zone, zc.year, zc.month, zc.day, zc.hour, zc.minute)
			if got, want := at.UTC().Format("20060102T150405Z"), zc.want; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
			loc, err := time.LoadLocation(zc.zone)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := at.Location().String(), loc.String(); got != want {
				t.Errorf("got location %s, want %s", got, want)
			}
		})
	}
}

func TestAtRejects(t *testing.T) {
	for _, tc := range []struct {
		name              string
		zone              string
		month             time.Month
		day, hour, minute int
		wantInvalid       bool
	}{
		{name: "an unknown zone", zone: "Europe/Atlantis", month: time.September, day: 22, hour: 18},
		{name: "month 13", zone: "Europe/London", month: 13, day: 1, hour: 18, wantInvalid: true},
		{name: "31 September", zone: "Europe/London", month: time.September, day: 31, hour: 18, wantInvalid: true},
		{name: "hour 24", zone: "Europe/London", month: time.September, day: 22, hour: 24, wantInvalid: true},
		{name: "minute 60", zone: "Europe/London", month: time.September, day: 22, hour: 18, minute: 60, wantInvalid: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := At(tc.zone, 2027, tc.month, tc.day, tc.hour, tc.minute)
			if err == nil {
				t.Fatal("got no error")
			}
			if got, want := errors.Is(err, ErrInvalid), tc.wantInvalid; got != want {
				t.Errorf("errors.Is(%v, ErrInvalid) = %v, want %v", err, got, want)
			}
		})
	}
}

func TestZonesAreWrittenAndReadAsUTCInstants(t *testing.T) {
	entries := make([]Entry, len(zoneCases))
	for i, zc := range zoneCases {
		entries[i] = zc.entry(t, i)
		t.Run("DTSTART: "+zc.name, func(t *testing.T) {
			body, err := Publish("zones", entries[i])
			if err != nil {
				t.Fatal(err)
			}
			if got, want := property(body, "DTSTART"), "DTSTART:"+zc.want; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	t.Run("ical.js reads the same instants", func(t *testing.T) {
		body, err := Publish("zones", entries...)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "zones.ics")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		files := readWithICALJS(t, path)
		want := make([]icaljsEvent, len(entries))
		for i, e := range entries {
			want[i] = intended(e, "CONFIRMED")
			if got, wantAt := want[i].Start.At, isoFromDTSTART(t, zoneCases[i].want); got != wantAt {
				t.Fatalf("fixture %d: intended start %s, hand-worked %s", i, got, wantAt)
			}
		}
		compareEvents(t, files[0].Events, want)
	})
}

func isoFromDTSTART(t *testing.T, value string) string {
	t.Helper()
	at, err := time.Parse("20060102T150405Z", value)
	if err != nil {
		t.Fatal(err)
	}
	return at.Format("2006-01-02T15:04:05.000Z")
}
