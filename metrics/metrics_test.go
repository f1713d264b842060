package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/calendar"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/metrics"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestProductGaugesReadTheDatabase(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db := sqldbtest.MustOpenDB(t)
	ev := events.NewService(db, clock)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: "http://roster.test", From: "Roster <r@example.com>"}, clock, log)
	if err != nil {
		t.Fatal(err)
	}
	svc := booking.NewService(db, notifier, booking.Config{BaseURL: "http://roster.test",
		Payments: payments.NewOfflineWithClock("http://roster.test", clock)}, clock)
	outbox := notify.NewOutbox(db, clock)
	coach, err := coaches.NewService(db, clock).Add(ctx, "james@example.com", "James Downer", "")
	if err != nil {
		t.Fatal(err)
	}
	start := now.Add(30 * 24 * time.Hour)
	for _, price := range []int64{0, 4900} {
		e, err := ev.CreateEvent(ctx, coach.ID, events.EventInput{
			Title: fmt.Sprintf("Price %d", price), Timezone: "Europe/London", PriceCents: price, Currency: "GBP",
			Status: events.Published, Sessions: []events.SessionInput{{StartsAt: start, EndsAt: start.Add(time.Hour), Capacity: 10}},
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if _, err := svc.Reserve(ctx, booking.Request{SessionID: e.Sessions[0].ID, Name: "A", Email: fmt.Sprintf("a%d-%d@example.com", price, i), Seats: 1}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The confirmations were written an hour ago, by this clock.
	now = now.Add(time.Hour)

	product := metrics.New(svc, outbox, func(ctx context.Context) (map[string]int64, error) {
		return payments.EventOutcomes(ctx, db)
	})
	product.FeedFetchFailed(&calendar.FeedError{Problem: calendar.ErrFeedTooLarge, Message: "too large"})
	product.FeedFetchFailed(errors.New("something else"))
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(product)

	want := `
# HELP roster_bookings Bookings by status (pending_payment, confirmed, cancelled, expired, refunded).
# TYPE roster_bookings gauge
roster_bookings{status="cancelled"} 0
roster_bookings{status="confirmed"} 2
roster_bookings{status="expired"} 0
roster_bookings{status="pending_payment"} 2
roster_bookings{status="refunded"} 0
# HELP roster_holds_open Bookings holding seats while awaiting payment.
# TYPE roster_holds_open gauge
roster_holds_open 2
# HELP roster_refunds Refunds not yet done, by state: pending (the worker will try), failed (a coach must act).
# TYPE roster_refunds gauge
roster_refunds{state="failed"} 0
roster_refunds{state="pending"} 0
# HELP roster_busy_feed_fetch_errors_total Failed fetches of coaches' busy feeds, by problem (address, unreachable, redirects, status, too_large, unreadable, other).
# TYPE roster_busy_feed_fetch_errors_total counter
roster_busy_feed_fetch_errors_total{problem="other"} 1
roster_busy_feed_fetch_errors_total{problem="too_large"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"roster_bookings", "roster_holds_open", "roster_refunds", "roster_busy_feed_fetch_errors_total"); err != nil {
		t.Error(err)
	}
	t.Run("the outbox backlog and its age", func(t *testing.T) {
		b, err := outbox.Backlog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.Unsent < 2 || b.OldestUnsent != time.Hour || b.Failed != 0 {
			t.Errorf("backlog %+v, want at least 2 unsent, the oldest an hour old", b)
		}
		want := `
# HELP roster_outbox_oldest_unsent_age_seconds Age in seconds of the oldest unsent email; 0 when none waits.
# TYPE roster_outbox_oldest_unsent_age_seconds gauge
roster_outbox_oldest_unsent_age_seconds 3600
`
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "roster_outbox_oldest_unsent_age_seconds"); err != nil {
			t.Error(err)
		}
	})
}

func TestProductFailsOnlyTheMetricsOfAFailingSource(t *testing.T) {
	broken := func(context.Context) (map[string]int64, error) { return nil, errors.New("database down") }
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.New(nil, nil, broken))
	if _, err := reg.Gather(); err == nil || !strings.Contains(err.Error(), "database down") {
		t.Errorf("gather: %v, want the source's error", err)
	}
}
