package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestFeedReaderStoresBusyTimes(t *testing.T) {
	ctx := context.Background()
	start := testNow.Add(48 * time.Hour)
	stamp := func(at time.Time) string { return at.Format("20060102T150405Z") }
	feed := fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"+
		"BEGIN:VEVENT\r\nUID:busy-1\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\n"+
		"BEGIN:VEVENT\r\nUID:free-1\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"+
		"END:VCALENDAR\r\n", stamp(start), stamp(start), stamp(start.Add(time.Hour)),
		stamp(start), stamp(start.Add(3*time.Hour)), stamp(start.Add(4*time.Hour)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		fmt.Fprint(w, feed)
	}))
	defer srv.Close()

	m, _, _ := newMain(map[string]string{"DATABASE_URL": sqldbtest.URL(t), "ROSTER_ALLOW_PRIVATE_FEEDS": "true"})
	var cfg Config
	if err := m.flags("test", &cfg).Parse(nil); err != nil {
		t.Fatal(err)
	}
	a, err := m.open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	coach, err := a.coaches.Add(ctx, "james@example.com", "James", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.booking.PutAvailability(ctx, coach.ID, booking.Availability{
		Rules: availability.Rules{Zone: "Europe/London"}, BusyFeedURL: srv.URL + "/basic.ics"}); err != nil {
		t.Fatal(err)
	}
	newFeedReader(a).refresh(ctx)
	var got []struct {
		From time.Time `db:"busy_from"`
		To   time.Time `db:"busy_to"`
	}
	if err := a.db.Select(&got, `SELECT busy_from, busy_to FROM coach_feed_busy`); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].From.Equal(start) || !got[0].To.Equal(start.Add(time.Hour)) {
		t.Errorf("stored %+v, want the one opaque hour from %s", got, start)
	}
}
