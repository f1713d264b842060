package web

import (
	"bytes"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// pageCache keeps rendered public pages for a short time. Any successful
// change made through this server empties it at once; changes made by
// other replicas show within the time-to-live, so seat counts are never
// more than a second stale.
type pageCache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cachedPage
}

type cachedPage struct {
	body    []byte
	expires time.Time
}

// newPageCache keeps pages for ttl as told by now.
func newPageCache(ttl time.Duration, now func() time.Time) *pageCache {
	return &pageCache{ttl: ttl, now: now, entries: map[string]cachedPage{}}
}

// get returns a fresh copy of the page stored under key.
func (p *pageCache) get(key string) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	page, ok := p.entries[key]
	if !ok || p.now().After(page.expires) {
		return nil, false
	}
	return page.body, true
}

func (p *pageCache) put(key string, body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.entries[key] = cachedPage{body: body, expires: p.now().Add(p.ttl)}
}

func (p *pageCache) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.entries)
}

// formNoncePlaceholder stands in a cached page for the booking form's
// one-time token; each response gets its own.
const formNoncePlaceholder = "__ROSTER_FORM_NONCE__"

// withNonce returns the cached page with a fresh form token.
func withNonce(page []byte, nonce string) []byte {
	return bytes.Replace(page, []byte(formNoncePlaceholder), []byte(nonce), 1)
}

// invalidatePages empties the page cache after every request that changed
// something, so this server never shows its own visitor a stale count.
func (s *Server) invalidatePages(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
			s.pages.clear()
		}
		return err
	}
}
