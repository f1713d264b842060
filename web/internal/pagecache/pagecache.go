// Package pagecache keeps what public pages are made from for a short time.
package pagecache

import (
	"sync"
	"time"
)

// DefaultMaxEntries is how many entries a Cache made by New holds at most.
const DefaultMaxEntries = 512

// Cache keeps public pages and what they are made from (an event's page
// data and its HTML, an event's JSON) for a short time. Any successful
// change made through this server empties it at once; changes made by
// other replicas show within the time-to-live, so seat counts are never
// more than a second stale.
//
// It holds what every visitor may see alike, never a per-visitor secret:
// a form's one-time token is put into each response, after the cache (a
// Page holds a hole for it, never a token). Keys are made only from known
// values (the slug of an event that exists), and the cache holds at most
// maxEntries: a new key past that evicts the expired entries, then the
// one closest to expiry. Loads under way (GetOrLoad) are one per key, for
// as long as they run.
type Cache struct {
	ttl        time.Duration
	now        func() time.Time
	maxEntries int

	mu      sync.Mutex
	entries map[string]entry
	// loads are the loads under way, by key (see GetOrLoad).
	loads map[string]*load
	// generation counts the calls of Clear, so that a load begun before a
	// change stores nothing after it.
	generation uint64
}

// load is one call of a GetOrLoad's load function, which the callers
// that miss the same key meanwhile wait for.
type load struct {
	done    chan struct{}
	value   any
	ok      bool // loadValue returned value and no error
	waiters int  // callers waiting for it, for tests
}

type entry struct {
	value   any
	expires time.Time
	// refresh is half-way to expires: GetOrLoad loads the entry again
	// from then on, for one caller, while the others are still served it.
	refresh time.Time
}

// New keeps entries for ttl as told by now, DefaultMaxEntries at most.
func New(ttl time.Duration, now func() time.Time) *Cache {
	return NewSized(ttl, now, DefaultMaxEntries)
}

// NewSized is New holding at most maxEntries.
func NewSized(ttl time.Duration, now func() time.Time, maxEntries int) *Cache {
	return &Cache{ttl: ttl, now: now, maxEntries: max(maxEntries, 1), entries: map[string]entry{}, loads: map[string]*load{}}
}

// Get returns the fresh value stored under key. Callers share it: they
// must not change it.
func (p *Cache) Get(key string) (any, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.entries[key]
	if !ok || p.now().After(e.expires) {
		return nil, false
	}
	return e.value, true
}

// GetOrLoad returns the fresh value stored under key, or else calls
// loadValue once for all the callers that miss key at the same time: the
// others wait for it and share its value, so that when an entry expires
// under many visitors one of them loads it, not each. Past half its
// time-to-live, an entry is loaded again by the first caller to see it
// so, while the others are still served the entry until it expires: a
// value served is never older than the time-to-live, and under steady
// traffic nobody but that caller waits for a load.
//
// The value loaded is stored for the time-to-live unless Clear was
// called since the load began (it may predate the change that emptied
// the cache); a caller that comes after the Clear starts a load of its
// own. loadValue's error is returned to the caller that ran it and
// nothing is stored (an entry being loaded again stays until it
// expires); a caller that waited for a load that failed (or panicked)
// runs loadValue itself, as the first may have failed for want of its
// own request's context.
func (p *Cache) GetOrLoad(key string, loadValue func() (any, error)) (any, error) {
	p.mu.Lock()
	now := p.now()
	l, loading := p.loads[key]
	if e, ok := p.entries[key]; ok && !now.After(e.expires) {
		if loading || now.Before(e.refresh) {
			p.mu.Unlock()
			return e.value, nil
		}
	} else if loading {
		l.waiters++
		p.mu.Unlock()
		<-l.done
		if l.ok {
			return l.value, nil
		}
		return loadValue()
	}
	l = &load{done: make(chan struct{})}
	p.loads[key] = l
	generation := p.generation
	p.mu.Unlock()

	defer func() {
		p.mu.Lock()
		if p.loads[key] == l {
			delete(p.loads, key)
		}
		if l.ok && p.generation == generation {
			p.put(key, l.value)
		}
		p.mu.Unlock()
		close(l.done)
	}()
	value, err := loadValue()
	l.value, l.ok = value, err == nil
	return value, err
}

// Put stores value under key for the time-to-live.
func (p *Cache) Put(key string, value any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.put(key, value)
}

func (p *Cache) put(key string, value any) {
	now := p.now()
	if _, ok := p.entries[key]; !ok && len(p.entries) >= p.maxEntries {
		p.evict(now)
	}
	p.entries[key] = entry{value: value, expires: now.Add(p.ttl), refresh: now.Add(p.ttl / 2)}
}

// evict makes room for one entry: it drops every expired entry, or else
// the one that expires first.
func (p *Cache) evict(now time.Time) {
	oldestKey, oldest := "", time.Time{}
	for key, e := range p.entries {
		if now.After(e.expires) {
			delete(p.entries, key)
			continue
		}
		if oldestKey == "" || e.expires.Before(oldest) {
			oldestKey, oldest = key, e.expires
		}
	}
	if len(p.entries) >= p.maxEntries {
		delete(p.entries, oldestKey)
	}
}

// Len returns how many entries the cache holds.
func (p *Cache) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.entries)
}

// Clear empties the cache; a load under way stores nothing, and the next
// caller to miss starts a new one.
func (p *Cache) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.generation++
	clear(p.entries)
	clear(p.loads)
}
