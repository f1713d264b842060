package main

import (
	"context"
	"time"

	"github.com/roster-app/roster/privacy"
)

// privacyInterval is how often due erasure requests are carried out and
// the retention rules applied; both are measured in days, so a run an
// hour late is on time.
const privacyInterval = time.Hour

// newPrivacyWorker returns the worker that carries out erasure requests
// whose grace period ended and applies retention, on the app's clock.
func newPrivacyWorker(a *app) func(ctx context.Context) {
	svc := privacy.NewService(a.db, a.booking, a.now)
	return func(ctx context.Context) {
		every(ctx, privacyInterval, func() {
			if _, err := svc.EraseDue(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("erasure requests failed; the next run tries again", "err", err)
			}
			if _, err := svc.Retain(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("retention failed; the next run tries again", "err", err)
			}
		})
	}
}
