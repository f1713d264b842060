// Package metrics exposes Roster's product metrics to Prometheus: gauges
// read from the database at scrape time (bookings by status, open holds,
// the email backlog and its age, refunds pending and failed, webhook events
// by outcome) and counters the workers increment (busy-feed fetch errors).
// It knows nothing of HTTP routing; whoever serves /metrics registers a
// Product on its registry.
package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/calendar"
	"github.com/roster-app/roster/notify"
)

// scrapeTimeout bounds the database reads of one scrape, so a stuck
// database makes a scrape fail instead of piling scrapes up.
const scrapeTimeout = 5 * time.Second

// The sources the gauges read; booking.Service, notify.Outbox and a
// function over payments.EventOutcomes satisfy them.
type (
	BookingSource interface {
		Gauges(ctx context.Context) (booking.Gauges, error)
	}
	OutboxSource interface {
		Backlog(ctx context.Context) (notify.Backlog, error)
	}
	// PaymentEventSource counts webhook events by kind of outcome.
	PaymentEventSource func(ctx context.Context) (map[string]int64, error)
)

var (
	bookingsDesc = prometheus.NewDesc("roster_bookings",
		"Bookings by status (pending_payment, confirmed, cancelled, expired, refunded).", []string{"status"}, nil)
	batchesDesc = prometheus.NewDesc("roster_booking_group_commits_total",
		"Transactions this process ran for batches of concurrent bookings of one date.", nil, nil)
	batchedDesc = prometheus.NewDesc("roster_booking_group_committed_requests_total",
		"Booking requests those transactions carried (divided by the transactions: the mean batch).", nil, nil)
	relockedDesc = prometheus.NewDesc("roster_booking_group_commits_relocked_total",
		"Batches that ran without locking their date and were run again locked (an edit or another process came between, or a booking needed the lock).", nil, nil)
	holdsDesc = prometheus.NewDesc("roster_holds_open",
		"Bookings holding seats while awaiting payment.", nil, nil)
	outboxUnsentDesc = prometheus.NewDesc("roster_outbox_unsent",
		"Emails in the outbox not yet accepted by the SMTP server.", nil, nil)
	outboxFailedDesc = prometheus.NewDesc("roster_outbox_failed",
		"Emails given up on after every retry.", nil, nil)
	outboxAgeDesc = prometheus.NewDesc("roster_outbox_oldest_unsent_age_seconds",
		"Age in seconds of the oldest unsent email; 0 when none waits.", nil, nil)
	refundsDesc = prometheus.NewDesc("roster_refunds",
		"Refunds not yet done, by state: pending (the worker will try), failed (a coach must act).", []string{"state"}, nil)
	webhookDesc = prometheus.NewDesc("roster_payment_events",
		"Payment webhook events applied, by kind of outcome.", []string{"outcome"}, nil)
)

// Product is the prometheus.Collector of Roster's product metrics. Its
// gauges are read from the database at each scrape; a source that fails
// makes its metrics fail in that scrape (and only those).
type Product struct {
	bookings BookingSource
	outbox   OutboxSource
	payments PaymentEventSource

	feedErrors *prometheus.CounterVec
}

// New returns the collector over the given sources; any may be nil, and its
// metrics are then left out.
func New(bookings BookingSource, outbox OutboxSource, payments PaymentEventSource) *Product {
	return &Product{
		bookings: bookings, outbox: outbox, payments: payments,
		feedErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roster_busy_feed_fetch_errors_total",
			Help: "Failed fetches of coaches' busy feeds, by problem (address, unreachable, redirects, status, too_large, unreadable, other).",
		}, []string{"problem"}),
	}
}

// FeedFetchFailed counts one failed busy-feed fetch, labelled by the
// calendar.ErrFeed* problem err carries. The feed worker calls it.
func (p *Product) FeedFetchFailed(err error) {
	p.feedErrors.WithLabelValues(feedProblem(err)).Inc()
}

func feedProblem(err error) string {
	for _, k := range []struct {
		err  error
		name string
	}{
		{calendar.ErrFeedAddress, "address"}, {calendar.ErrFeedUnreachable, "unreachable"},
		{calendar.ErrFeedRedirects, "redirects"}, {calendar.ErrFeedStatus, "status"},
		{calendar.ErrFeedTooLarge, "too_large"}, {calendar.ErrFeedUnreadable, "unreadable"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	return "other"
}

// Describe sends every metric's description.
func (p *Product) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{bookingsDesc, batchesDesc, batchedDesc, relockedDesc, holdsDesc, outboxUnsentDesc, outboxFailedDesc, outboxAgeDesc, refundsDesc, webhookDesc} {
		ch <- d
	}
	p.feedErrors.Describe(ch)
}

// Collect reads the gauges from the database and sends them with the
// counters.
func (p *Product) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if p.bookings != nil {
		p.collectBookings(ctx, ch)
	}
	if p.outbox != nil {
		p.collectOutbox(ctx, ch)
	}
	if p.payments != nil {
		if counts, err := p.payments(ctx); err != nil {
			ch <- prometheus.NewInvalidMetric(webhookDesc, err)
		} else {
			for outcome, n := range counts {
				ch <- prometheus.MustNewConstMetric(webhookDesc, prometheus.GaugeValue, float64(n), outcome)
			}
		}
	}
	p.feedErrors.Collect(ch)
}

func (p *Product) collectBookings(ctx context.Context, ch chan<- prometheus.Metric) {
	g, err := p.bookings.Gauges(ctx)
	if err != nil {
		for _, d := range []*prometheus.Desc{bookingsDesc, batchesDesc, batchedDesc, relockedDesc, holdsDesc, refundsDesc} {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	for status, n := range g.ByStatus {
		ch <- prometheus.MustNewConstMetric(bookingsDesc, prometheus.GaugeValue, float64(n), string(status))
	}
	ch <- prometheus.MustNewConstMetric(batchesDesc, prometheus.CounterValue, float64(g.GroupCommit.Transactions))
	ch <- prometheus.MustNewConstMetric(batchedDesc, prometheus.CounterValue, float64(g.GroupCommit.Requests))
	ch <- prometheus.MustNewConstMetric(relockedDesc, prometheus.CounterValue, float64(g.GroupCommit.Relocked))
	ch <- prometheus.MustNewConstMetric(holdsDesc, prometheus.GaugeValue, float64(g.HoldsOpen))
	ch <- prometheus.MustNewConstMetric(refundsDesc, prometheus.GaugeValue, float64(g.RefundsPending), "pending")
	ch <- prometheus.MustNewConstMetric(refundsDesc, prometheus.GaugeValue, float64(g.RefundsFailed), "failed")
}

func (p *Product) collectOutbox(ctx context.Context, ch chan<- prometheus.Metric) {
	b, err := p.outbox.Backlog(ctx)
	if err != nil {
		for _, d := range []*prometheus.Desc{outboxUnsentDesc, outboxFailedDesc, outboxAgeDesc} {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	ch <- prometheus.MustNewConstMetric(outboxUnsentDesc, prometheus.GaugeValue, float64(b.Unsent))
	ch <- prometheus.MustNewConstMetric(outboxFailedDesc, prometheus.GaugeValue, float64(b.Failed))
	ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, b.OldestUnsent.Seconds())
}
