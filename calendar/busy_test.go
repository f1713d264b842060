package calendar

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// busyWindow is the three weeks most fixtures are read over: it holds the
// end of US daylight saving time (2027-11-07).
var busyWindow = [2]string{"2027-11-01T00:00:00Z", "2027-11-22T00:00:00Z"}

func TestParseBusyFixtures(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		zone    string
		window  [2]string
		want    []string // "from/to" in RFC 3339, UTC
	}{
		{
			name:    "a weekly 09:00 New York meeting stays at 09:00 local across the DST change, until its UTC UNTIL",
			fixture: "google_weekly_dst.ics",
			zone:    "Europe/London",
			window:  busyWindow,
			want: []string{
				"2027-11-01T13:00:00Z/2027-11-01T14:00:00Z", // EDT
				"2027-11-08T14:00:00Z/2027-11-08T15:00:00Z", // EST
				"2027-11-15T14:00:00Z/2027-11-15T15:00:00Z",
			},
		},
		{
			name:    "busy time crossing the window's edges is clipped to it",
			fixture: "google_weekly_dst.ics",
			zone:    "Europe/London",
			window:  [2]string{"2027-11-01T13:30:00Z", "2027-11-08T14:15:00Z"},
			want: []string{
				"2027-11-01T13:30:00Z/2027-11-01T14:00:00Z",
				"2027-11-08T14:00:00Z/2027-11-08T14:15:00Z",
			},
		},
		{
			name:    "EXDATE lists with TZID and in UTC remove instances, RDATE adds one, COUNT ends the series",
			fixture: "google_exdate.ics",
			zone:    "Europe/London",
			window:  busyWindow,
			want: []string{
				"2027-11-01T10:00:00Z/2027-11-01T10:15:00Z",
				"2027-11-04T10:00:00Z/2027-11-04T10:15:00Z",
				"2027-11-06T10:00:00Z/2027-11-06T10:15:00Z",
				"2027-11-07T10:00:00Z/2027-11-07T10:15:00Z",
				"2027-11-08T10:00:00Z/2027-11-08T10:15:00Z",
				"2027-11-09T10:00:00Z/2027-11-09T10:15:00Z",
				"2027-11-10T10:00:00Z/2027-11-10T10:15:00Z",
				"2027-11-20T16:00:00Z/2027-11-20T16:15:00Z",
			},
		},
		{
			name:    "a RECURRENCE-ID override moves its instance and a cancelled one removes it",
			fixture: "google_override.ics",
			zone:    "Europe/London",
			window:  busyWindow,
			want: []string{
				"2027-11-02T14:00:00Z/2027-11-02T15:00:00Z",
				"2027-11-09T16:30:00Z/2027-11-09T17:30:00Z",
			},
		},
		{
			name:    "Outlook's Windows zone names are mapped, free and cancelled events do not block, an unknown zone is the coach's",
			fixture: "outlook.ics",
			zone:    "America/New_York",
			window:  busyWindow,
			want: []string{
				"2027-11-03T10:00:00Z/2027-11-03T11:30:00Z", // GMT Standard Time
				"2027-11-04T13:00:00Z/2027-11-04T13:30:00Z", // Eastern Standard Time, still EDT
				"2027-11-05T16:00:00Z/2027-11-05T17:00:00Z", // "(UTC-08:00) Pacific Time", tentative blocks
				"2027-11-08T13:00:00Z/2027-11-08T13:30:00Z", // "Customized Time Zone": the coach's, EST
				"2027-11-10T10:00:00Z/2027-11-10T11:30:00Z",
				"2027-11-17T10:00:00Z/2027-11-17T11:30:00Z",
			},
		},
		{
			name:    "all-day events fill the coach's whole days, a transparent one nothing, floating times are the coach's",
			fixture: "icloud_allday.ics",
			zone:    "America/New_York",
			window:  busyWindow,
			want: []string{
				"2027-11-07T04:00:00Z/2027-11-08T05:00:00Z", // no DTEND: one day, 25 hours long
				"2027-11-10T05:00:00Z/2027-11-12T05:00:00Z", // DTEND exclusive
				"2027-11-13T10:00:00Z/2027-11-13T11:00:00Z", // /mozilla.org/.../Europe/London
				"2027-11-13T20:00:00Z/2027-11-13T21:30:00Z", // floating, DURATION
			},
		},
		{
			name:    "runaway and never-matching RRULEs are capped and the rest of the feed still counts",
			fixture: "runaway.ics",
			zone:    "UTC",
			window:  busyWindow,
			want: []string{
				"2027-11-01T12:00:00Z/2027-11-01T12:33:20Z", // maxSeriesInstances one-second instances, merged
				"2027-11-03T09:00:00Z/2027-11-03T10:00:00Z",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feed, err := os.Open(filepath.Join("testdata", "busy", tt.fixture))
			if err != nil {
				t.Fatal(err)
			}
			defer feed.Close()
			busy, err := ParseBusy(feed, tt.zone, mustInstant(t, tt.window[0]), mustInstant(t, tt.window[1]))
			if err != nil {
				t.Fatalf("ParseBusy: %v", err)
			}
			if got := formatBusy(busy); !slices.Equal(got, tt.want) {
				t.Errorf("busy:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
			}
		})
	}
}

func TestParseBusyInline(t *testing.T) {
	tests := []struct {
		name   string
		events string
		want   []string
	}{
		{
			name: "overlapping and touching events merge into one",
			events: event("a", "DTSTART:20271101T090000Z", "DTEND:20271101T100000Z") +
				event("b", "DTSTART:20271101T093000Z", "DTEND:20271101T110000Z") +
				event("c", "DTSTART:20271101T110000Z", "DTEND:20271101T113000Z") +
				event("d", "DTSTART:20271101T120000Z", "DTEND:20271101T123000Z"),
			want: []string{
				"2027-11-01T09:00:00Z/2027-11-01T11:30:00Z",
				"2027-11-01T12:00:00Z/2027-11-01T12:30:00Z",
			},
		},
		{
			name:   "a timed event without DTEND or DURATION blocks nothing",
			events: event("a", "DTSTART:20271101T090000Z"),
			want:   nil,
		},
		{
			name:   "a DURATION in days is nominal: one day across the DST change is 25 hours",
			events: event("a", "DTSTART;TZID=America/New_York:20271106T120000", "DURATION:P1D"),
			want:   []string{"2027-11-06T16:00:00Z/2027-11-07T17:00:00Z"},
		},
		{
			name:   "an RRULE that cannot be read keeps the first instance busy",
			events: event("a", "DTSTART:20271101T090000Z", "DTEND:20271101T100000Z", "RRULE:FREQ=FORTNIGHTLY"),
			want:   []string{"2027-11-01T09:00:00Z/2027-11-01T10:00:00Z"},
		},
		{
			name:   "an event with an unreadable DTSTART is skipped, the others count",
			events: event("a", "DTSTART:tomorrow", "DTEND:20271101T100000Z") + event("b", "DTSTART:20271102T090000Z", "DTEND:20271102T100000Z"),
			want:   []string{"2027-11-02T09:00:00Z/2027-11-02T10:00:00Z"},
		},
		{
			name: "an all-day series with a DATE UNTIL includes its last day",
			events: event("a", "DTSTART;VALUE=DATE:20271101", "DTEND;VALUE=DATE:20271102",
				"RRULE:FREQ=WEEKLY;UNTIL=20271108"),
			want: []string{
				"2027-11-01T00:00:00Z/2027-11-02T00:00:00Z",
				"2027-11-08T00:00:00Z/2027-11-09T00:00:00Z",
			},
		},
		{
			name: "an RDATE PERIOD brings its own end",
			events: event("a", "DTSTART:20271101T090000Z", "DTEND:20271101T100000Z",
				"RDATE;VALUE=PERIOD:20271103T090000Z/20271103T120000Z,20271104T090000Z/PT30M"),
			want: []string{
				"2027-11-01T09:00:00Z/2027-11-01T10:00:00Z",
				"2027-11-03T09:00:00Z/2027-11-03T12:00:00Z",
				"2027-11-04T09:00:00Z/2027-11-04T09:30:00Z",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feed := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n" + tt.events + "END:VCALENDAR\r\n"
			busy, err := ParseBusy(strings.NewReader(feed), "Europe/London",
				mustInstant(t, busyWindow[0]), mustInstant(t, busyWindow[1]))
			if err != nil {
				t.Fatalf("ParseBusy: %v", err)
			}
			if got := formatBusy(busy); !slices.Equal(got, tt.want) {
				t.Errorf("busy:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestParseBusyRefuses(t *testing.T) {
	from, to := mustInstant(t, busyWindow[0]), mustInstant(t, busyWindow[1])
	valid := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
	tests := []struct {
		name     string
		body     string
		zone     string
		from, to time.Time
		want     error
	}{
		{name: "a body that is not iCalendar", body: "<html>Sign in</html>", zone: "UTC", from: from, to: to, want: ErrFeedUnreadable},
		{name: "an unknown host zone", body: valid, zone: "Mars/Olympus_Mons", from: from, to: to, want: ErrInvalid},
		{name: "the server's Local zone", body: valid, zone: "Local", from: from, to: to, want: ErrInvalid},
		{name: "an empty window", body: valid, zone: "UTC", from: to, to: from, want: ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBusy(strings.NewReader(tt.body), tt.zone, tt.from, tt.to)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestWindowsZonesAreIANANames(t *testing.T) {
	for windows, iana := range windowsZones {
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("%q maps to %q: %v", windows, iana, err)
		}
	}
}

func event(uid string, lines ...string) string {
	return "BEGIN:VEVENT\r\nUID:" + uid + "\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VEVENT\r\n"
}

func mustInstant(t *testing.T, value string) time.Time {
	t.Helper()
	instant, err := time.Parse(time.RFC3339, value)
	if err != nil {
		t.Fatal(err)
	}
	return instant
}

func formatBusy(busy []Busy) []string {
	var out []string
	for _, b := range busy {
		if b.From.Location() != time.UTC || b.To.Location() != time.UTC {
			out = append(out, "not UTC: "+b.From.String())
		}
		out = append(out, b.From.Format(time.RFC3339)+"/"+b.To.Format(time.RFC3339))
	}
	return out
}
