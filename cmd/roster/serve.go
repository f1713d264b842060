package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"

	"github.com/roster-app/roster/web/server"
)

// shutdownGrace is how long in-flight requests get to finish after SIGTERM.
const shutdownGrace = 20 * time.Second

// serve runs the web server (withHTTP) and the background workers until ctx
// is cancelled, then drains and returns nil.
func (m *Main) serve(ctx context.Context, args []string, withHTTP bool) error {
	started := time.Now()
	var cfg Config
	name := "serve"
	if !withHTTP {
		name = "worker"
	}
	fs := m.flags(name, &cfg)
	demo := fs.Bool("demo", false, "load the Career Clarity Lab demo into an empty database")
	noWorkers := fs.Bool("no-workers", false, "serve HTTP only; run the workers elsewhere with roster worker")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	release, err := lockForServe(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer release()
	var welcome readyNote
	if *demo {
		welcome.demo = true
		if welcome.password, err = loadDemo(ctx, a); err != nil {
			return err
		}
	}
	workers := newWorkers(a)
	if withHTTP && *noWorkers {
		workers = nil
	}
	// The workers stop when the server does, whether on SIGTERM or because
	// the HTTP server could not start.
	ctx, stopWorkers := context.WithCancel(ctx)
	defer stopWorkers()
	workersDone := workers.start(ctx, a.log)
	if !withHTTP {
		a.log.Info("workers running", "startup_ms", time.Since(started).Milliseconds())
		tellSystemd(a.log, daemon.SdNotifyReady)
		<-ctx.Done()
		tellSystemd(a.log, daemon.SdNotifyStopping)
		<-workersDone
		a.log.Info("workers stopped")
		return nil
	}
	err = m.runHTTP(ctx, a, started, welcome)
	stopWorkers()
	<-workersDone
	return err
}

func (m *Main) runHTTP(ctx context.Context, a *app, started time.Time, welcome readyNote) error {
	webCfg, err := a.cfg.web()
	if err != nil {
		return err
	}
	reg := a.metricsRegistry()
	handler, err := server.New(webCfg, server.Deps{
		DB: a.db, Coaches: a.coaches, Events: a.events, Booking: a.booking, Outbox: a.outbox, Notifier: a.notifier, Mailbox: a.mailbox,
		Stripe: a.stripe, Offline: a.offline, Log: a.log, Now: a.now, Registry: reg,
	})
	if err != nil {
		return err
	}
	metricsAddr, stopMetrics, err := startMetricsListener(a, reg)
	if err != nil {
		return err
	}
	defer stopMetrics()
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           handler.WithTimeout(30*time.Second, `{"error":{"code":"unavailable","message":"request timed out"}}`),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	addr := ln.Addr().String()
	a.warnRelaxedDefaults()
	a.log.Info("listening", "addr", addr, "base_url", a.cfg.BaseURL, "database", string(a.db.Dialect),
		"payments", a.booking.PaymentsName(), "mail", a.mailName(),
		"startup_ms", float64(time.Since(started).Microseconds())/1000)
	welcome.print(m.Stdout, a, webCfg.ShowDevMailbox)
	if m.Ready != nil {
		m.Ready(addr)
	}
	if m.MetricsReady != nil && metricsAddr != "" {
		m.MetricsReady(metricsAddr)
	}
	tellSystemd(a.log, daemon.SdNotifyReady)
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	tellSystemd(a.log, daemon.SdNotifyStopping)
	a.log.Info("shutting down: draining requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	a.log.Info("stopped")
	return nil
}
