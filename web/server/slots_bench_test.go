package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb/sqldbtest"
	"github.com/roster-app/roster/web/server"
)

// BenchmarkSlotsAPI measures a week of slots from GET
// /api/v1/coaching/:slug/slots against the same server's /healthz, each
// at 32 concurrent clients over loopback HTTP, and reports requests a
// second and the 99th percentile latency. The goal: slots at least half
// the rate of /healthz, p99 at most 50 ms. "slots" runs with the slot
// cache of `roster serve` (1 s; the benchmark's clock stands still, so
// every request after the first is served from it, where a real clock
// would recompute once a second); "slots-uncached" without it, every
// request computed from the database. Run it with
//
//	go test -run '^$' -bench BenchmarkSlotsAPI -benchtime 3s ./web/server/
//
// (and ROSTER_TEST_POSTGRES=… for PostgreSQL).
func BenchmarkSlotsAPI(b *testing.B) {
	cached, uncached := newBenchServer(b, time.Second), newBenchServer(b, 0)
	const slots = "/api/v1/coaching/career-chat/slots?from=2026-11-30&to=2026-12-06&timezone=America/New_York"
	urls := map[string]string{
		"healthz":        cached + "/healthz",
		"slots":          cached + slots,
		"slots-uncached": uncached + slots,
	}
	for _, name := range []string{"healthz", "slots", "slots-uncached"} {
		b.Run(name, func(b *testing.B) {
			url := urls[name]
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var mu sync.Mutex
			var latencies []time.Duration
			// RunParallel starts parallelism × GOMAXPROCS goroutines: 32 in all.
			b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					t0 := time.Now()
					resp, err := client.Get(url)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("%s: %d", url, resp.StatusCode)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			})
			elapsed := time.Since(start)
			slices.Sort(latencies)
			if len(latencies) > 0 {
				b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "req/s")
				b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}

// newBenchServer is a server on a real database with James's hours
// (weekdays 09:00–17:00, Europe/London) and a free 45-minute "Career chat"
// every 15 minutes, with one appointment booked, as of Thursday 26
// November 2026; slotCache is booking.Config.SlotCacheTTL.
func newBenchServer(b *testing.B, slotCache time.Duration) string {
	db := sqldbtest.MustOpenDB(b)
	clock := func() time.Time { return now }
	logger := slog.New(slog.DiscardHandler)
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: "http://roster.test", From: "Roster <no-reply@roster.test>"}, clock, logger)
	if err != nil {
		b.Fatal(err)
	}
	offline := payments.NewOfflineWithClock("http://roster.test", clock)
	bookings := booking.NewService(db, notifier, booking.Config{BaseURL: "http://roster.test", Payments: offline, SlotCacheTTL: slotCache}, clock)
	evs := events.NewService(db, clock)
	people := coaches.NewService(db, clock)
	handler, err := server.New(server.Config{BaseURL: "http://roster.test"}, server.Deps{DB: db, Coaches: people, Events: evs,
		Booking: bookings, Outbox: notify.NewOutbox(db, clock), Notifier: notifier, Offline: offline, Log: logger, Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	b.Cleanup(srv.Close)
	ctx := context.Background()
	james, err := people.Add(ctx, "james@example.com", "James Downer", "")
	if err != nil {
		b.Fatal(err)
	}
	var week availability.Weekly
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = []availability.Interval{{Start: 9 * 60, End: 17 * 60}}
	}
	if _, err := bookings.PutAvailability(ctx, james.ID, booking.Availability{Rules: availability.Rules{Zone: "Europe/London", Weekly: week}}); err != nil {
		b.Fatal(err)
	}
	if _, err := evs.CreateAppointmentType(ctx, james.ID, events.AppointmentTypeInput{Slug: "career-chat", Title: "Career chat",
		DurationMinutes: 45, Currency: "GBP", SlotIntervalMinutes: 15, BufferAfterMinutes: 15, Status: events.Published}); err != nil {
		b.Fatal(err)
	}
	if _, err := bookings.BookAppointment(ctx, booking.AppointmentRequest{TypeSlug: "career-chat",
		Start: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Name: "Ada", Email: "ada@example.com"}); err != nil {
		b.Fatal(err)
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1") {
		b.Fatalf("not on loopback: %s", srv.URL)
	}
	return srv.URL
}
