package events

import (
	"sync"
	"time"
)

// zones memoises time.LoadLocation, which opens and parses the zone's
// tzdata on every call: rendering one booking's confirmation asks for the
// event's zone a dozen times (7 % of a booking's CPU in
// bench.BenchmarkReserveWithEmails before). It is a memo of a pure
// function, not state: only zones that load are kept, so it holds at most
// the IANA database's few hundred names, each loaded once.
var zones sync.Map // zone name → *time.Location

// Location is time.LoadLocation, memoised. Like it, "" and "UTC" are UTC
// and "Local" is the server's zone.
func Location(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}
