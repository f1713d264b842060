package booking

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roster-app/roster/availability"
)

// zoneCache loads each IANA zone once per service: time.LoadLocation
// reads and parses the zone's file on every call (about 14 µs), more than
// the rest of a short slot listing. Zone data does not change while the
// process runs, so an entry never goes stale.
type zoneCache struct {
	zones sync.Map // zone name -> *time.Location
}

var errLocalZone = errors.New(`"Local" is not a time zone a person lives in`)

// location returns the loaded zone, or LoadLocation's error. "Local" is
// refused: it is the server's zone, not a zone a person lives in.
func (c *zoneCache) location(name string) (*time.Location, error) {
	if loc, ok := c.zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "Local" {
		return nil, errLocalZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	c.zones.Store(name, loc)
	return loc, nil
}

// maxCachedListings bounds the slot cache: keys come from query strings,
// so without a bound a client could fill memory with distinct ranges.
const maxCachedListings = 1024

// slotCache keeps slot listings for a moment (Config.SlotCacheTTL), so a
// burst of visitors looking at the same week costs one computation. A
// listing is served from the cache only while
//
//   - nothing in this process changed any coach's schedule since it was
//     computed (a booking, reschedule, cancellation, expiry, availability,
//     busy feed or workshop date: see invalidate), and
//   - the service's clock is less than the TTL past its computation; slots
//     that the minimum notice has closed meanwhile are dropped on the way
//     out.
//
// What can be stale, for at most the TTL: a change made by another
// replica, or by the events service alone (an appointment type's settings,
// a workshop date added without a coach check); a change whose transaction
// was still committing while the listing was computed; and the horizon's
// new day after midnight. A stale listing can show a slot that was just
// taken (booking it is then 409 slot_unavailable: the booking path always
// decides under the coaches' lock from the database, never from here) or
// miss one that was just freed. It never causes a double booking.
type slotCache struct {
	ttl      time.Duration
	gen      atomic.Uint64 // bumped by every schedule change
	versions atomic.Uint64 // numbers each listing stored

	mu      sync.Mutex
	entries map[slotKey]slotEntry
}

type slotKey struct {
	typeSlug string
	from, to availability.Date
	zone     string
}

type slotEntry struct {
	gen        uint64
	computedAt time.Time     // the service clock's reading
	notice     time.Duration // the type's minimum notice
	list       SlotList
}

// invalidate forgets every cached listing. Writers call it when they take
// the coaches' schedule lock and again after committing, so that a listing
// computed while the change was in flight is not kept.
func (c *slotCache) invalidate() {
	if c == nil {
		return
	}
	c.gen.Add(1)
}

// get returns the cached listing for key as of now, without the slots the
// notice closed since, or false.
func (c *slotCache) get(key slotKey, now time.Time) (SlotList, bool) {
	if c == nil {
		return SlotList{}, false
	}
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if !ok || e.gen != c.gen.Load() || now.Before(e.computedAt) || now.Sub(e.computedAt) >= c.ttl {
		return SlotList{}, false
	}
	earliest := now.Add(e.notice)
	first := 0
	for first < len(e.list.Slots) && e.list.Slots[first].Start.Before(earliest) {
		first++
	}
	// A copy, so that no caller can change what the next one is served.
	return SlotList{Timezone: e.list.Timezone, Slots: append([]Slot(nil), e.list.Slots[first:]...), Version: e.list.Version}, true
}

// put stores a listing computed at now from the state of generation gen
// (read before the computation started), and returns it with its Version.
func (c *slotCache) put(key slotKey, gen uint64, now time.Time, notice time.Duration, list SlotList) SlotList {
	if c == nil || gen != c.gen.Load() {
		return list
	}
	list.Version = c.versions.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedListings {
		clear(c.entries)
	}
	c.entries[key] = slotEntry{gen: gen, computedAt: now, notice: notice,
		list: SlotList{Timezone: list.Timezone, Slots: append([]Slot(nil), list.Slots...), Version: list.Version}}
	return list
}

// generation is the current generation, read before computing a listing.
func (c *slotCache) generation() uint64 {
	if c == nil {
		return 0
	}
	return c.gen.Load()
}

func newSlotCache(ttl time.Duration) *slotCache {
	if ttl <= 0 {
		return nil
	}
	return &slotCache{ttl: ttl, entries: make(map[slotKey]slotEntry)}
}
