package availability

import (
	"cmp"
	"slices"
	"time"

	"github.com/roster-app/roster/calendar"
)

// plan is one host prepared for one query: zone loaded, busy time sorted and
// merged, appointments counted per host-local day, working hours turned
// into instants per date on first use.
type plan struct {
	id         HostID
	rules      Rules
	loc        *time.Location
	overrides  map[Date][]Interval
	busy       []span // sorted, disjoint, not touching
	perDay     map[Date]int
	lastBooked time.Time
	earliest   time.Time // now + notice: no call starts before it
	horizonEnd time.Time // no call starts at or after it
	windows    map[Date][]window
}

// window is a working interval of one date as instants, [from, to).
type window struct{ from, to time.Time }

func newPlan(h Host, t Type, now time.Time) (*plan, error) {
	loc := h.Loc
	if loc == nil || loc.String() != h.Rules.Zone {
		var err error
		if loc, err = h.Rules.validate(); err != nil {
			return nil, err
		}
	}
	p := &plan{
		id:         h.ID,
		rules:      h.Rules,
		loc:        loc,
		overrides:  make(map[Date][]Interval, len(h.Rules.Overrides)),
		busy:       mergeBusy(h.Busy),
		perDay:     make(map[Date]int, len(h.Booked)),
		lastBooked: h.LastBookedAt,
		earliest:   now.Add(minutes(t.MinNoticeMinutes)),
		windows:    map[Date][]window{},
	}
	for _, o := range h.Rules.Overrides {
		p.overrides[o.Date] = o.Intervals
	}
	for _, start := range h.Booked {
		p.perDay[p.dateOf(start)]++
	}
	lastDay := p.dateOf(now).AddDays(t.HorizonDays)
	p.horizonEnd = p.at(lastDay.AddDays(1), 0)
	return p, nil
}

// span is a busy interval as Unix nanoseconds, [from, to): sorting and
// searching thousands of them (a busy feed) compares integers rather than
// time.Time values, which is most of the cost of a listing otherwise.
// Busy times are within the years 1678–2262 that int64 nanoseconds hold.
type span struct{ from, to int64 }

// mergeBusy sorts busy time and merges overlapping or touching intervals,
// so that one binary search answers "does anything overlap [a, b)?".
// Empty or inverted intervals block nothing and are dropped.
func mergeBusy(in []Busy) []span {
	out := make([]span, 0, len(in))
	for _, b := range in {
		if b.From.Before(b.To) {
			out = append(out, span{from: b.From.UnixNano(), to: b.To.UnixNano()})
		}
	}
	slices.SortFunc(out, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	merged := out[:0]
	for _, b := range out {
		if n := len(merged); n > 0 && b.from <= merged[n-1].to {
			merged[n-1].to = max(merged[n-1].to, b.to)
			continue
		}
		merged = append(merged, b)
	}
	return merged
}

// busyDuring reports whether any busy time overlaps [from, to). Touching is
// not overlapping: busy ending at from, or starting at to, is fine.
func (p *plan) busyDuring(from, to time.Time) bool {
	// The first interval that ends after from is the only one that can
	// overlap, because the merged intervals are disjoint and sorted.
	a, b := from.UnixNano(), to.UnixNano()
	i, _ := slices.BinarySearchFunc(p.busy, a, func(s span, t int64) int {
		if s.to <= t {
			return -1
		}
		return 1
	})
	return i < len(p.busy) && p.busy[i].from < b
}

// dateOf returns the host-local date of an instant.
func (p *plan) dateOf(t time.Time) Date { return DateOf(t.In(p.loc)) }

// at returns the instant the host's wall clock reads c on date; 24:00 is the
// next day's 00:00. It gives calendar.At's answer (RFC 5545: a skipped wall
// time moves forward by the gap, a repeated one means its first
// occurrence), calling it only near an offset change: calendar.At loads the
// zone on every call, which costs more than the whole slot computation of a
// day, and when the offset a day and a half either side is the same there is
// only one answer, the one computed here.
func (p *plan) at(date Date, c Clock) time.Time {
	if c == Midnight24 {
		date, c = date.AddDays(1), 0
	}
	wall := time.Date(date.Year, date.Month, date.Day, int(c)/60, int(c)%60, 0, 0, time.UTC)
	_, before := wall.Add(-36 * time.Hour).In(p.loc).Zone()
	_, after := wall.Add(36 * time.Hour).In(p.loc).Zone()
	if before == after {
		return wall.Add(-time.Duration(before) * time.Second)
	}
	instant, err := calendar.At(p.rules.Zone, date.Year, date.Month, date.Day, int(c)/60, int(c)%60)
	if err != nil {
		// Unreachable: the zone loaded in newPlan and the date and clock are
		// in range. The offset before the change is calendar.At's own answer
		// for a gap, so fall back to it rather than fail a whole listing.
		return wall.Add(-time.Duration(before) * time.Second)
	}
	return instant.UTC()
}

// windowsOn returns the host's working intervals on date as instants.
func (p *plan) windowsOn(date Date) []window {
	if w, ok := p.windows[date]; ok {
		return w
	}
	hours := p.rules.hoursOn(date, p.overrides)
	w := make([]window, 0, len(hours))
	for _, iv := range hours {
		w = append(w, window{from: p.at(date, iv.Start), to: p.at(date, iv.End)})
	}
	p.windows[date] = w
	return w
}

// addCandidates appends the starts in [from, to) on this host's grid: on
// each host-local date, from each working interval's start in steps of the
// type's interval, while the call still ends inside the working interval.
// Steps are elapsed time, so on a DST day an interval that spans the change
// holds one hour of starts more or fewer, as the coach's working day does.
func (p *plan) addCandidates(out []time.Time, t Type, from, to time.Time) []time.Time {
	step, length := t.step(), t.duration()
	// The day before from's date too: a date's last interval may end after
	// the next date's midnight when midnight itself is skipped by DST.
	for date, last := p.dateOf(from).AddDays(-1), p.dateOf(to); !last.Before(date); date = date.AddDays(1) {
		for _, w := range p.windowsOn(date) {
			start := w.from
			if start.Before(from) {
				skip := (from.Sub(start) + step - 1) / step
				start = start.Add(skip * step)
			}
			for ; start.Before(to) && !start.Add(length).After(w.to); start = start.Add(step) {
				out = append(out, start)
			}
		}
	}
	return out
}

// reason says why a host cannot take a call at a start; isFree if it can.
type reason int

const (
	isFree reason = iota
	tooSoon
	beyondHorizon
	outsideHours
	busy
	dailyLimit
)

// free is THE predicate: can this host take a call of type t at start? The
// call must lie wholly inside one working interval of the host (buffers may
// fall outside working hours), start no sooner than the notice allows and
// before the horizon, have its buffered span [start-before, end+after)
// clear of all busy time, and leave the host under the daily limit.
func (p *plan) free(t Type, start time.Time) reason {
	end := start.Add(t.duration())
	switch {
	case start.Before(p.earliest):
		return tooSoon
	case !start.Before(p.horizonEnd):
		return beyondHorizon
	case !p.inHours(start, end):
		return outsideHours
	case p.busyDuring(start.Add(-t.bufferBefore()), end.Add(t.bufferAfter())):
		return busy
	case t.MaxPerDay > 0 && p.perDay[p.dateOf(start)] >= t.MaxPerDay:
		return dailyLimit
	}
	return isFree
}

// inHours reports whether [start, end) lies inside one working interval of
// start's host-local date or the date before (see addCandidates).
func (p *plan) inHours(start, end time.Time) bool {
	date := p.dateOf(start)
	for _, d := range [2]Date{date, date.AddDays(-1)} {
		for _, w := range p.windowsOn(d) {
			if !start.Before(w.from) && !end.After(w.to) {
				return true
			}
		}
	}
	return false
}
