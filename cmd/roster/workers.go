package main

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// worker is a background loop that runs until its context ends.
type worker struct {
	name string
	run  func(ctx context.Context)
}

// workers are the background jobs roster serve and roster worker run.
type workers []worker

// sweepInterval is how often expired holds and waitlist offers are
// released; a hold is never released early, at most this much late.
const sweepInterval = 10 * time.Second

func newWorkers(a *app) workers {
	return workers{
		{"email outbox", a.deliverer.Run},
		{"reminders", a.reminders.Run},
		{"refunds", func(ctx context.Context) {
			every(ctx, sweepInterval, func() {
				if _, err := a.booking.ProcessRefunds(ctx); err != nil && ctx.Err() == nil {
					a.log.Warn("refunds failed; the next run tries again", "err", err)
				}
				if _, err := a.booking.ProcessPackageRefunds(ctx); err != nil && ctx.Err() == nil {
					a.log.Warn("package refunds failed; the next run tries again", "err", err)
				}
			})
		}},
		{"busy feeds", newFeedReader(a).run},
		{"privacy", newPrivacyWorker(a)},
		{"hold sweeper", func(ctx context.Context) {
			every(ctx, sweepInterval, func() {
				if err := a.booking.Sweep(ctx); err != nil && ctx.Err() == nil {
					a.log.Warn("sweep failed; the next sweep tries again", "err", err)
				}
			})
		}},
	}
}

// every calls fn now and then every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, fn func()) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		fn()
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// start runs every worker and returns a channel closed when all have
// returned after ctx ends.
func (ws workers) start(ctx context.Context, log *slog.Logger) <-chan struct{} {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(ctx)
			log.Info("worker stopped", "worker", w.name)
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	return done
}
