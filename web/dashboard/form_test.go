package dashboard

import (
	"net/url"
	"testing"
	"time"

	"github.com/roster-app/roster/fault"
)

// The date form turns typed wall times into instants the way the rest of
// Roster does (calendar.At): at both clock changes of the year, a skipped
// time is read with the offset before the change and a repeated time means
// its first occurrence.
func TestSessionFromFormAcrossClockChanges(t *testing.T) {
	tests := []struct {
		name, zone, date, start, end string
		wantStart, wantEnd           string // RFC 3339, UTC
	}{
		{"London spring forward: 01:30 is skipped", "Europe/London", "2027-03-28", "01:30", "03:00",
			"2027-03-28T01:30:00Z", "2027-03-28T02:00:00Z"},
		{"London autumn back: 01:30 happens twice", "Europe/London", "2027-10-31", "01:30", "02:30",
			"2027-10-31T00:30:00Z", "2027-10-31T02:30:00Z"},
		{"New York spring forward: 02:30 is skipped", "America/New_York", "2027-03-14", "02:30", "04:00",
			"2027-03-14T07:30:00Z", "2027-03-14T08:00:00Z"},
		{"New York autumn back: 01:30 happens twice", "America/New_York", "2027-11-07", "01:30", "03:00",
			"2027-11-07T05:30:00Z", "2027-11-07T08:00:00Z"},
		{"Sydney autumn back: 02:30 happens twice", "Australia/Sydney", "2027-04-04", "02:30", "04:00",
			"2027-04-03T15:30:00Z", "2027-04-03T18:00:00Z"},
		{"Sydney spring forward: 02:30 is skipped", "Australia/Sydney", "2027-10-03", "02:30", "04:00",
			"2027-10-02T16:30:00Z", "2027-10-02T17:00:00Z"},
		{"Kolkata has no change in March", "Asia/Kolkata", "2027-03-14", "02:30", "04:00",
			"2027-03-13T21:00:00Z", "2027-03-13T22:30:00Z"},
		{"Kolkata has no change in November", "Asia/Kolkata", "2027-11-07", "01:30", "03:00",
			"2027-11-06T20:00:00Z", "2027-11-06T21:30:00Z"},
		{"an evening past midnight ends the next day", "America/New_York", "2027-03-13", "22:00", "02:30",
			"2027-03-14T03:00:00Z", "2027-03-14T07:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zone, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			var f fault.Fields
			form := url.Values{"date": {tt.date}, "start": {tt.start}, "end": {tt.end}, "capacity": {"5"}}
			in := sessionFromForm(form, zone, &f)
			if len(f) > 0 {
				t.Fatalf("form errors: %v", f)
			}
			if got := in.StartsAt.Format(time.RFC3339); got != tt.wantStart {
				t.Errorf("starts at %s, want %s", got, tt.wantStart)
			}
			if got := in.EndsAt.Format(time.RFC3339); got != tt.wantEnd {
				t.Errorf("ends at %s, want %s", got, tt.wantEnd)
			}
		})
	}
}
