package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/roster-app/roster/metrics"
	"github.com/roster-app/roster/payments"
)

// newProductMetrics returns the collector of product metrics over a's
// services. open makes the one the app keeps (productMetrics): the feed
// worker counts its failures in it and the registry serves it.
func (a *app) newProductMetrics() *metrics.Product {
	return metrics.New(a.booking, a.outbox, func(ctx context.Context) (map[string]int64, error) {
		return payments.EventOutcomes(ctx, a.db)
	})
}

// productMetrics returns the app's product metrics collector.
func (a *app) productMetrics() *metrics.Product { return a.product }

// metricsRegistry is the one registry of the process: the product
// metrics, the Go runtime, the process and the database pool; the web
// server adds its HTTP request metrics to it. /metrics serves it on the
// main listener or on --metrics-addr.
func (a *app) metricsRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(a.productMetrics(),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(a.db.DB.DB, "roster"),
	)
	return reg
}

// startMetricsListener serves /metrics on --metrics-addr when it is set,
// behind --metrics-token when that is. It returns the address it listens on
// ("" when off) and a function that stops it.
func startMetricsListener(a *app, reg *prometheus.Registry) (addr string, stop func(), err error) {
	if a.cfg.MetricsAddr == "" {
		return "", func() {}, nil
	}
	ln, err := net.Listen("tcp", a.cfg.MetricsAddr)
	if err != nil {
		return "", nil, fmt.Errorf("--metrics-addr: listen on %s: %w", a.cfg.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler(reg, a.cfg.MetricsToken))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("metrics listener stopped", "err", err)
		}
	}()
	a.log.Info("metrics listening", "addr", ln.Addr().String(), "token", a.cfg.MetricsToken != "")
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
	}, nil
}
