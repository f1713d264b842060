// Package limit throttles requests per key (a client address, an account)
// with token buckets kept in memory: each server process counts its own.
package limit

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/roster-app/roster/fault"
)

// Limiter hands out a token bucket per key (a client address, an account),
// forgetting buckets that have been idle long enough to be full again.
type Limiter struct {
	every time.Duration // one token per every
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	limiter *rate.Limiter
	seen    time.Time
}

// New allows perMinute requests a minute per key, in bursts of up to
// burst. perMinute <= 0 allows everything (a nil *Limiter).
func New(perMinute, burst int) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	return &Limiter{every: time.Minute / time.Duration(perMinute), burst: burst, buckets: map[string]*bucket{}}
}

// Allow takes a token for key, or says how long until one is free.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{limiter: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.limiter.ReserveN(now, 1)
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		return false, delay
	}
	return true, 0
}

// sweep drops buckets idle for longer than it takes to refill, at most once
// a minute, so memory stays bounded by recent clients.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	idle := l.every * time.Duration(l.burst)
	for key, b := range l.buckets {
		if now.Sub(b.seen) > idle {
			delete(l.buckets, key)
		}
	}
}

// ErrRateLimited is answered with 429 and Retry-After.
var ErrRateLimited = fault.New(fault.RateLimited, "too many requests; please wait a moment and try again")

// ByIP answers 429 with Retry-After once a client address has used its
// allowance on the guarded routes; now is the clock.
func ByIP(l *Limiter, now func() time.Time) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ok, wait := l.Allow(c.RealIP(), now())
			if !ok {
				c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				return ErrRateLimited
			}
			return next(c)
		}
	}
}

// Wait returns how long until key may try again: zero while it has a
// token left. Unlike Allow, it takes nothing.
func (l *Limiter) Wait(key string, now time.Time) time.Duration {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		return 0
	}
	tokens := b.limiter.TokensAt(now)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) * float64(l.every))
}
