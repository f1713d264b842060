package api

import (
	"encoding/json"
	"sync"

	"github.com/roster-app/roster/booking"
)

// slotBodies keeps the JSON of the latest slot listing of each query, so
// that a listing the booking service served from its cache (same Version,
// as many slots) is not encoded again: for a week of slots the encoding
// costs more than the rest of the request. Bounded like the service's
// cache: keys come from query strings.
type slotBodies struct {
	mu     sync.Mutex
	bodies map[string]slotBody
}

type slotBody struct {
	version uint64
	slots   int
	json    []byte
}

const maxSlotBodies = 1024

// encode returns the JSON of what view makes of list, reusing the one made
// for key when list is the same listing.
func (m *slotBodies) encode(key string, list booking.SlotList, view func() any) ([]byte, error) {
	if list.Version == 0 {
		return json.Marshal(view())
	}
	m.mu.Lock()
	b, ok := m.bodies[key]
	m.mu.Unlock()
	if ok && b.version == list.Version && b.slots == len(list.Slots) {
		return b.json, nil
	}
	body, err := json.Marshal(view())
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.bodies) >= maxSlotBodies {
		clear(m.bodies)
	}
	m.bodies[key] = slotBody{version: list.Version, slots: len(list.Slots), json: body}
	return body, nil
}
