package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb/sqldbtest"
	"github.com/roster-app/roster/web/server"
)

// BenchmarkEventPage measures the server's handler as `roster serve`
// runs it (its middleware and request timeout included, no network) on
// the demo's event page against /healthz:
//
//   - "healthz": the floor every request pays;
//   - "event-page": GET /events/career-clarity-lab as served between two
//     refills of the page cache (the clock stands still, so every request
//     after the first finds a fresh entry);
//   - "event-page-refill": the clock moves past the cache's time-to-live
//     before every request, so each one loads the event and renders it,
//     as the first request after each second does.
//
// Run it with
//
//	go test -run '^$' -bench BenchmarkEventPage -count 5 ./web/server/
//
// (and ROSTER_TEST_POSTGRES=… for PostgreSQL). Under load, with rosterload
// browse, the figure is the page's req/s ÷ /healthz's (BENCHMARKS.md,
// "Event page").
func BenchmarkEventPage(b *testing.B) {
	var tick atomic.Int64 // nanoseconds the clock has moved past now
	clock := func() time.Time { return now.Add(time.Duration(tick.Load())) }
	handler := newEventPageServer(b, clock).WithTimeout(30*time.Second, "timed out")
	get := func(b *testing.B, path string, advance time.Duration) {
		b.ReportAllocs()
		for b.Loop() {
			tick.Add(int64(advance))
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d", path, rec.Code)
			}
		}
	}
	b.Run("healthz", func(b *testing.B) { get(b, "/healthz", 0) })
	b.Run("event-page", func(b *testing.B) { get(b, "/events/career-clarity-lab", 0) })
	b.Run("event-page-refill", func(b *testing.B) { get(b, "/events/career-clarity-lab", 2*time.Second) })
}

// newEventPageServer is a server with the demo's Career Clarity Lab
// (its description, two hosts, a paid date three days ahead — "Starting
// soon" a day before — and two in September), offline test payments and
// logs discarded.
func newEventPageServer(b testing.TB, clock func() time.Time) *server.Server {
	db := sqldbtest.MustOpenDB(b)
	logger := slog.New(slog.DiscardHandler)
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: "http://roster.test", From: "Roster <no-reply@roster.test>"}, clock, logger)
	if err != nil {
		b.Fatal(err)
	}
	offline := payments.NewOfflineWithClock("http://roster.test", clock)
	bookings := booking.NewService(db, notifier, booking.Config{BaseURL: "http://roster.test", Payments: offline}, clock)
	evs := events.NewService(db, clock)
	people := coaches.NewService(db, clock)
	handler, err := server.New(server.Config{BaseURL: "http://roster.test"}, server.Deps{DB: db, Coaches: people, Events: evs,
		Booking: bookings, Outbox: notify.NewOutbox(db, clock), Notifier: notifier, Offline: offline, Log: logger, Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	james, err := people.Add(ctx, "james@example.com", "James Downer", "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := people.Add(ctx, "parveen@example.com", "Parveen Downer", ""); err != nil {
		b.Fatal(err)
	}
	london, _ := time.LoadLocation("Europe/London")
	soon := time.Date(2026, 11, 29, 18, 0, 0, 0, london)
	in := events.EventInput{
		Slug: "career-clarity-lab", Title: "Career Clarity Lab",
		Summary: "A two-hour small-group workshop to find your next career step.",
		Description: "Feeling stuck, or between two paths? The **Career Clarity Lab** is a two-hour,\n" +
			"small-group workshop run by coaches James and Parveen Downer.\n\n" +
			"- Map what energises you and what drains you\n- Turn three possible next steps into one small experiment\n" +
			"- Leave with a plan for the next 30 days\n\nBring a notebook. Cameras on is encouraged but never required.",
		Timezone: "Europe/London", Location: "Online (Zoom)", OnlineURL: "https://zoom.example.com/j/career-clarity-lab",
		PriceCents: 4900, Currency: "GBP", Status: events.Published, HostEmails: []string{"parveen@example.com"},
	}
	for _, start := range []time.Time{soon, time.Date(2027, 9, 22, 18, 0, 0, 0, london), time.Date(2027, 9, 29, 18, 0, 0, 0, london)} {
		in.Sessions = append(in.Sessions, events.SessionInput{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 12})
	}
	if _, err := evs.CreateEvent(ctx, james.ID, in); err != nil {
		b.Fatal(err)
	}
	return handler
}
