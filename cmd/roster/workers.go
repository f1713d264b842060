package main

import (
	"context"
	"log/slog"
	"sync"
)

// worker is a background loop that runs until its context ends.
type worker struct {
	name string
	run  func(ctx context.Context)
}

// workers are the background jobs roster serve and roster worker run.
type workers []worker

func newWorkers(a *app) workers {
	return workers{}
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
