// Package limit throttles requests per key (a client address, an account)
// with token buckets kept in memory: each server process counts its own.
package limit

import (
	"container/list"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
)

// DefaultMaxKeys is how many keys a Limiter made by New remembers at most:
// about 150 bytes each, so a few megabytes however many addresses or
// emails clients send.
const DefaultMaxKeys = 20_000

// Limiter hands out a token bucket per key (a client address, an account).
// It remembers at most maxKeys buckets: past that, the least recently used
// is forgotten (a forgotten key starts again with a full bucket, so an
// attacker who floods the table frees others, never locks them out), and
// buckets idle long enough to be full again are dropped once a minute.
type Limiter struct {
	every   time.Duration // one token per every
	burst   int
	maxKeys int

	mu      sync.Mutex
	buckets map[string]*list.Element // of *bucket
	recent  *list.List               // most recently used first
	swept   time.Time
}

// bucket counts its tokens as time: a token is worth every, so refilling
// is adding the time passed, with no rounding.
type bucket struct {
	key    string
	credit time.Duration // tokens × every, at most burst × every
	at     time.Time     // when credit was counted
	seen   time.Time
}

// New allows perMinute requests a minute per key, in bursts of up to
// burst, remembering DefaultMaxKeys keys. perMinute <= 0 allows
// everything (a nil *Limiter).
func New(perMinute, burst int) *Limiter { return NewSized(perMinute, burst, DefaultMaxKeys) }

// NewSized is New remembering at most maxKeys keys.
func NewSized(perMinute, burst, maxKeys int) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	return &Limiter{every: time.Minute / time.Duration(perMinute), burst: burst, maxKeys: max(maxKeys, 1),
		buckets: map[string]*list.Element{}, recent: list.New()}
}

// Allow takes a token for key, or says how long until one is free.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.bucket(key, now)
	if b.credit < l.every {
		return false, l.every - b.credit
	}
	b.credit -= l.every
	return true, 0
}

// Refund gives back a token Allow took, for work that turned out not to
// count (a sign-in that succeeded).
func (l *Limiter) Refund(key string, now time.Time) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.buckets[key]; ok {
		b := e.Value.(*bucket)
		l.refill(b, now)
		b.credit = min(b.credit+l.every, l.full())
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
	e, ok := l.buckets[key]
	if !ok {
		return 0
	}
	b := e.Value.(*bucket)
	l.refill(b, now)
	return max(l.every-b.credit, 0)
}

// Len returns how many keys the limiter remembers.
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// bucket returns key's bucket, refilled to now and marked most recently
// used, making one (and forgetting the least recently used key if the
// table is full) when key has none.
func (l *Limiter) bucket(key string, now time.Time) *bucket {
	if e, ok := l.buckets[key]; ok {
		l.recent.MoveToFront(e)
		b := e.Value.(*bucket)
		l.refill(b, now)
		b.seen = now
		return b
	}
	for len(l.buckets) >= l.maxKeys {
		l.forget(l.recent.Back())
	}
	b := &bucket{key: key, credit: l.full(), at: now, seen: now}
	l.buckets[key] = l.recent.PushFront(b)
	return b
}

func (l *Limiter) refill(b *bucket, now time.Time) {
	if now.After(b.at) {
		b.credit = min(b.credit+now.Sub(b.at), l.full())
		b.at = now
	}
}

// full is the credit of a full bucket.
func (l *Limiter) full() time.Duration { return l.every * time.Duration(l.burst) }

func (l *Limiter) forget(e *list.Element) {
	l.recent.Remove(e)
	delete(l.buckets, e.Value.(*bucket).key)
}

// sweep drops buckets idle for longer than it takes to refill, at most once
// a minute, so memory follows recent clients.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	idle := l.full()
	for e := l.recent.Back(); e != nil && now.Sub(e.Value.(*bucket).seen) > idle; e = l.recent.Back() {
		l.forget(e)
	}
}

// ErrRateLimited is answered with 429 and Retry-After.
var ErrRateLimited = fault.New(fault.RateLimited, "too many requests; please wait a moment and try again")

// ByIP answers 429 with Retry-After once a client address has used its
// allowance on the guarded routes; now is the clock. The token is taken
// before the handler runs, so parallel requests cannot all pass a check
// that each would fail once the others were counted.
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
