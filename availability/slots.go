package availability

import (
	"cmp"
	"slices"
	"time"

	"github.com/roster-app/roster/fault"
)

// HostID identifies a coach who hosts an appointment type (the coach's id).
type HostID int64

// Busy is a span of time, [From, To) as instants, in which a host cannot
// take a call or its buffers.
type Busy struct {
	From, To time.Time
}

// Buffered returns the busy span of an existing appointment from start to
// end with its own type's buffers, in minutes, around it. Pass existing
// appointments this way: a new call's buffered span must not overlap it.
func Buffered(start, end time.Time, bufferBeforeMinutes, bufferAfterMinutes int) Busy {
	return Busy{From: start.Add(-minutes(bufferBeforeMinutes)), To: end.Add(minutes(bufferAfterMinutes))}
}

// Host is one host of an appointment type with everything that decides when
// they are free.
type Host struct {
	ID    HostID
	Rules Rules
	// Busy is every span the host is taken: live appointments of any type
	// as Buffered spans, workshop sessions they host, busy-feed events.
	Busy []Busy
	// Booked are the starts of the host's live appointments that count
	// towards the type's daily limit, counted per host-local date.
	Booked []time.Time
	// LastBookedAt is when the host was last given an appointment of the
	// type (zero: never); PickHost prefers the longest ago.
	LastBookedAt time.Time
	// Loc, if set, is Rules.Zone already loaded, and says the caller
	// validated Rules when they were stored: the rules are then used as
	// they are, without loading the zone and checking them again on every
	// query (the two cost more than listing a week of slots). Nil: Rules
	// are validated here, as for rules from a request.
	Loc *time.Location
}

// Query asks for the slots of one appointment type.
type Query struct {
	Now      time.Time // the injected clock's reading; notice and horizon count from it
	From, To time.Time // slots whose start lies in [From, To); the caller turns visitor days into instants
	Type     Type
	Hosts    []Host
}

// Slot is a start at which the type can be booked now.
type Slot struct {
	Start, End time.Time // UTC; End is Start plus the duration
	// Hosts are the hosts free at Start, in the query's order: for
	// AssignAll every host, for AssignAny at least one (see PickHost).
	Hosts []HostID
}

// Why Bookable refuses a start. Each is a fault.Conflict; the booking
// service reports any of them to a client as slot_unavailable.
var (
	ErrNotASlot      = &fault.Error{Code: fault.Conflict, Message: "that time is not one of the offered starts"}
	ErrTooSoon       = &fault.Error{Code: fault.Conflict, Message: "that time is sooner than the minimum notice allows"}
	ErrBeyondHorizon = &fault.Error{Code: fault.Conflict, Message: "that time is further ahead than bookings are taken"}
	ErrTaken         = &fault.Error{Code: fault.Conflict, Message: "no host is free at that time"}
)

// Slots lists the slots with a start in [q.From, q.To), sorted by start,
// each start once. It returns a fault.Invalid error if the type or any
// host's rules do not validate.
func Slots(q Query) ([]Slot, error) {
	plans, err := prepare(q)
	if err != nil {
		return nil, err
	}
	from, to := clamp(plans, q.From, q.To)
	var slots []Slot
	for _, start := range candidates(plans, q.Type, from, to) {
		if hosts, why := decide(plans, q.Type, start); why == isFree {
			slots = append(slots, Slot{Start: start, End: start.Add(q.Type.duration()), Hosts: hosts})
		}
	}
	return slots, nil
}

// Bookable returns the hosts free for a call at start, exactly as Slots
// would list them: it runs the same candidate generation over the one
// instant and the same per-host predicate, so a start Slots lists is
// bookable and any other is not. q.From and q.To are ignored. It returns
// ErrNotASlot, ErrTooSoon, ErrBeyondHorizon or ErrTaken when the start is
// not bookable, and a fault.Invalid error if the type or rules do not
// validate.
func Bookable(q Query, start time.Time) ([]HostID, error) {
	plans, err := prepare(q)
	if err != nil {
		return nil, err
	}
	if len(candidates(plans, q.Type, start, start.Add(time.Nanosecond))) == 0 {
		return nil, ErrNotASlot
	}
	hosts, why := decide(plans, q.Type, start)
	switch why {
	case isFree:
		return hosts, nil
	case tooSoon:
		return nil, ErrTooSoon
	case beyondHorizon:
		return nil, ErrBeyondHorizon
	}
	return nil, ErrTaken
}

// PickHost chooses the host for a round-robin (AssignAny) appointment among
// free, the hosts Slots or Bookable returned: the one whose LastBookedAt is
// longest ago (never booked first), ties broken by the lower id. It reports
// false if free is empty.
func (q Query) PickHost(free []HostID) (HostID, bool) {
	last := make(map[HostID]time.Time, len(q.Hosts))
	for _, h := range q.Hosts {
		last[h.ID] = h.LastBookedAt
	}
	if len(free) == 0 {
		return 0, false
	}
	return slices.MinFunc(free, func(a, b HostID) int {
		if c := last[a].Compare(last[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}), true
}

// clamp narrows [from, to) to the starts some host could take, from the
// notice to the furthest horizon: nothing outside is free, and a range of
// years from a query string must not cost a walk over every day in it.
func clamp(plans []*plan, from, to time.Time) (time.Time, time.Time) {
	var latest time.Time
	for _, p := range plans {
		if p.earliest.After(from) {
			from = p.earliest // the same for every host
		}
		if p.horizonEnd.After(latest) {
			latest = p.horizonEnd
		}
	}
	if latest.Before(to) {
		to = latest
	}
	return from, to
}

func prepare(q Query) ([]*plan, error) {
	if err := q.Type.Validate(); err != nil {
		return nil, err
	}
	plans := make([]*plan, 0, len(q.Hosts))
	for _, h := range q.Hosts {
		p, err := newPlan(h, q.Type, q.Now)
		if err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// candidates are the starts in [from, to) on any host's grid, sorted, each
// once. For AssignAll too, any host's grid offers a start: hosts in zones
// half an hour apart would otherwise never share one.
func candidates(plans []*plan, t Type, from, to time.Time) []time.Time {
	var starts []time.Time
	for _, p := range plans {
		starts = p.addCandidates(starts, t, from, to)
	}
	slices.SortFunc(starts, time.Time.Compare)
	return slices.CompactFunc(starts, time.Time.Equal)
}

// decide applies the free predicate to every host at start. It returns the
// free hosts and isFree if the type's assignment is satisfied, else the
// reason of the first host that is not free (AssignAll) or, when no host is
// free (AssignAny), the reason that applies to them all if there is one.
func decide(plans []*plan, t Type, start time.Time) ([]HostID, reason) {
	var hosts []HostID
	why := isFree
	for i, p := range plans {
		r := p.free(t, start)
		if r == isFree {
			hosts = append(hosts, p.id)
			continue
		}
		switch {
		case t.Assignment == AssignAll:
			return nil, r
		case i == 0:
			why = r
		case r != why:
			why = busy
		}
	}
	if len(hosts) == 0 {
		if why == isFree { // no hosts at all
			why = busy
		}
		return nil, why
	}
	return hosts, isFree
}
