package public

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/roster-app/roster/events"
)

func TestEventJSONLDOffersOnlyDatesNotYetEnded(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	date := func(id int64, start time.Time, status events.SessionStatus) events.Session {
		return events.Session{ID: id, StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 10, Status: status}
	}
	e := events.Event{Title: "Career Clarity Lab", Timezone: "Europe/London", Currency: "GBP", PriceCents: 4900,
		Sessions: []events.Session{
			date(1, now.AddDate(0, 0, -7), events.Scheduled),       // over: not offered
			date(2, now.Add(-time.Hour), events.Scheduled),         // under way: still on
			date(3, now.AddDate(0, 0, 7), events.SessionCancelled), // coming, cancelled: said so
			date(4, now.AddDate(0, 0, 14), events.Scheduled),       // coming
		}}
	var got []struct {
		StartDate   string `json:"startDate"`
		EventStatus string `json:"eventStatus"`
	}
	if err := json.Unmarshal([]byte(eventJSONLD(e, "https://roster.test/events/ccl", "https://roster.test/og.png", now)), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d dates described, want 3 (the one that ended left out): %+v", len(got), got)
	}
	if got[1].EventStatus != "https://schema.org/EventCancelled" {
		t.Errorf("the cancelled date is %q, want EventCancelled", got[1].EventStatus)
	}
	if s := eventJSONLD(events.Event{Sessions: []events.Session{date(1, now.AddDate(0, 0, -7), events.Scheduled)}}, "", "", now); s != "[]" {
		t.Errorf("an event with only past dates is described as %s, want []", s)
	}
}
