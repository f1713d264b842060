package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// hotPath is a booking service wired as roster serve wires it (the real
// notifier, so each confirmation renders and stores its two emails), on a
// free event with one host and a date that never sells out.
type hotPath struct {
	db       *sqldb.DB
	svc      *booking.Service
	sessions []int64
}

func newHotPath(tb testing.TB, dates int) hotPath {
	tb.Helper()
	return newHotPathOn(tb, sqldbtest.MustOpenDB(tb), dates)
}

// newHotPathOn is newHotPath on a database the caller opened.
func newHotPathOn(tb testing.TB, db *sqldb.DB, dates int) hotPath {
	tb.Helper()
	ctx := context.Background()
	const baseURL = "http://roster.test"
	eventsSvc := events.NewService(db, time.Now)
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: baseURL, From: "Roster <no-reply@localhost>"}, time.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	coach, err := coaches.NewService(db, time.Now).Add(ctx, "bench@example.com", "Bench Coach", "")
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	var dateInputs []events.SessionInput
	for i := range dates {
		at := start.Add(time.Duration(i) * 24 * time.Hour)
		dateInputs = append(dateInputs, events.SessionInput{StartsAt: at, EndsAt: at.Add(2 * time.Hour), Capacity: events.MaxCapacity})
	}
	e, err := eventsSvc.CreateEvent(ctx, coach.ID, events.EventInput{
		Title: "Flash Sale", Timezone: "Europe/London", Currency: "GBP", Status: events.Published,
		Description: "A **free** taster.", Location: "Online", Sessions: dateInputs,
	})
	if err != nil {
		tb.Fatal(err)
	}
	cfg := booking.Config{BaseURL: baseURL}
	// ROSTER_BENCH_GROUP_COMMIT=off measures Reserve with a transaction per
	// booking, for the before-and-after of group commit in one binary.
	cfg.GroupCommit.Off = os.Getenv("ROSTER_BENCH_GROUP_COMMIT") == "off"
	hp := hotPath{db: db, svc: booking.NewService(db, notifier, cfg, time.Now)}
	for _, s := range e.Sessions {
		hp.sessions = append(hp.sessions, s.ID)
	}
	return hp
}

// BenchmarkReserveWithEmails books one seat per iteration with 16
// concurrent clients (as rosterload flash-sale --clients 16 does), on the
// database ROSTER_TEST_POSTGRES selects; unlike booking's
// BenchmarkReserve, the confirmation and the host's email are rendered
// and stored, as in production.
func BenchmarkReserveWithEmails(b *testing.B) {
	hp := newHotPath(b, 1)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(max(1, 16/runtimeProcs()))
	b.ReportAllocs()
	cpu := startCPU(b, hp.db)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := hp.svc.Reserve(ctx, booking.Request{SessionID: hp.sessions[int(i)%len(hp.sessions)], Name: "Bench Client", Email: fmt.Sprintf("b%d@example.com", i), Seats: 1})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
	cpu.report(b)
	reportBatches(b, hp.svc)
}

// reportBatches reports the mean group-commit batch: requests per
// transaction.
func reportBatches(b *testing.B, svc *booking.Service) {
	g, err := svc.Gauges(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if g.GroupCommit.Transactions > 0 {
		b.ReportMetric(float64(g.GroupCommit.Requests)/float64(g.GroupCommit.Transactions), "requests/batch")
	}
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// BenchmarkReserveSpread is BenchmarkReserveWithEmails with the bookings
// spread over 16 dates, so no two clients wait for one date's row lock:
// the gap between the two is what the hot row costs.
func BenchmarkReserveSpread(b *testing.B) {
	hp := newHotPath(b, 16)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(max(1, 16/runtimeProcs()))
	b.ReportAllocs()
	cpu := startCPU(b, hp.db)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := hp.svc.Reserve(ctx, booking.Request{SessionID: hp.sessions[int(i)%len(hp.sessions)], Name: "Bench Client", Email: fmt.Sprintf("b%d@example.com", i), Seats: 1})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
	cpu.report(b)
}

// BenchmarkReserveOneClient is BenchmarkReserveWithEmails with a single
// client: the cost of a booking without any waiting for locks.
func BenchmarkReserveOneClient(b *testing.B) {
	hp := newHotPath(b, 1)
	ctx := context.Background()
	b.ReportAllocs()
	cpu := startCPU(b, hp.db)
	b.ResetTimer()
	for i := range b.N {
		_, err := hp.svc.Reserve(ctx, booking.Request{SessionID: hp.sessions[0], Name: "Bench Client", Email: fmt.Sprintf("b%d@example.com", i), Seats: 1})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
	cpu.report(b)
}
