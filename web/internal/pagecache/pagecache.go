// Package pagecache keeps rendered public pages for a short time.
package pagecache

import (
	"bytes"
	"sync"
	"time"
)

// Cache keeps rendered public pages for a short time. Any successful
// change made through this server empties it at once; changes made by
// other replicas show within the time-to-live, so seat counts are never
// more than a second stale.
type Cache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cachedPage
}

type cachedPage struct {
	body    []byte
	expires time.Time
}

// New keeps pages for ttl as told by now.
func New(ttl time.Duration, now func() time.Time) *Cache {
	return &Cache{ttl: ttl, now: now, entries: map[string]cachedPage{}}
}

// Get returns a fresh copy of the page stored under key.
func (p *Cache) Get(key string) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	page, ok := p.entries[key]
	if !ok || p.now().After(page.expires) {
		return nil, false
	}
	return page.body, true
}

// Put stores body under key for the time-to-live.
func (p *Cache) Put(key string, body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.entries[key] = cachedPage{body: body, expires: p.now().Add(p.ttl)}
}

// Clear empties the cache.
func (p *Cache) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.entries)
}

// FormNoncePlaceholder stands in a cached page for the booking form's
// one-time token; each response gets its own.
const FormNoncePlaceholder = "__ROSTER_FORM_NONCE__"

// WithNonce returns the cached page with a fresh form token.
func WithNonce(page []byte, nonce string) []byte {
	return bytes.Replace(page, []byte(FormNoncePlaceholder), []byte(nonce), 1)
}
