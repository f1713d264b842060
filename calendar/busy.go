package calendar

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// Busy is a span of time a coach's own calendar marks as taken, in UTC:
// From inclusive, To exclusive.
type Busy struct {
	From, To time.Time
}

// The caps that keep one feed from costing more than a busy-feed refresh is
// worth. A feed that reaches one still yields the busy time found before it;
// only the rest of that series (or of the feed) is left out.
const (
	// maxRuleSteps is how many occurrences one RRULE may produce, counted
	// from its DTSTART (so the ones before the window count too), before its
	// expansion stops. A daily meeting since 2000 uses about 10,000.
	maxRuleSteps = 100_000
	// maxSeriesInstances is how many instances of one recurring event may
	// fall inside the window: an hourly series over 60 days is 1,440.
	maxSeriesInstances = 2_000
	// maxFeedIntervals is how many busy intervals the whole feed may
	// contribute before merging.
	maxFeedIntervals = 20_000
)

// ParseBusy reads an iCalendar feed (as Google Calendar, Outlook / Office
// 365 and iCloud publish them) and returns the times its events keep the
// coach busy between from (inclusive) and to (exclusive): in UTC, sorted,
// with overlapping and touching intervals merged and each clipped to
// [from, to).
//
// hostZone is the coach's IANA time zone. It gives all-day events (VALUE=DATE)
// their span, the coach's whole day with DTEND exclusive (one day if DTEND is
// missing), and it is the zone of floating times and of TZIDs that cannot be
// resolved (see zoneResolver.resolve for the order in which a TZID is tried).
//
// Not busy: events with TRANSP:TRANSPARENT, STATUS:CANCELLED or Outlook's
// X-MICROSOFT-CDO-BUSYSTATUS:FREE; events without DTSTART or with one that
// cannot be read (skipped one by one, so one odd event does not hide the
// rest). Recurring events expand their RRULEs and RDATEs minus EXDATEs; an
// instance with its own VEVENT (same UID, RECURRENCE-ID) is replaced by that
// VEVENT, which may move it, change its length or cancel it. RANGE=
// THISANDFUTURE is read as an override of the one instance. An RRULE that
// cannot be read keeps only its first instance busy. Expansion is bounded by
// maxRuleSteps, maxSeriesInstances and maxFeedIntervals.
//
// Wall times become instants by RFC 5545's rule for DST gaps and overlaps
// (see At): a 09:00 weekly meeting in America/New_York is busy 09:00-10:00
// New York time on both sides of a DST change.
//
// It returns an error wrapping ErrInvalid if hostZone is unknown or to is
// not after from, and a *FeedError (ErrFeedUnreadable) if the body is not
// an iCalendar file.
func ParseBusy(r io.Reader, hostZone string, from, to time.Time) ([]Busy, error) {
	host, err := hostLocation(hostZone)
	if err != nil {
		return nil, err
	}
	if !to.After(from) {
		return nil, fmt.Errorf("%w: busy window %s to %s is empty", ErrInvalid,
			from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	cal, err := ics.ParseCalendarWithOptions(r, ics.WithUnknownPropertyHandler(ics.AcceptUnknownPropertyHandler))
	if err != nil {
		return nil, &FeedError{Problem: ErrFeedUnreadable, Message: "the feed is not a valid iCalendar (.ics) file", Err: err}
	}
	w := window{from: from.UTC(), to: to.UTC()}
	reader := eventReader{zones: newZoneResolver(host, zoneHints(cal))}
	var masters, overrides []feedEvent
	for _, component := range cal.Components {
		vevent, ok := component.(*ics.VEvent)
		if !ok {
			continue
		}
		event, ok := reader.read(&vevent.ComponentBase)
		switch {
		case !ok:
		case event.recurrenceID != nil:
			overrides = append(overrides, event)
		default:
			masters = append(masters, event)
		}
	}
	return collectBusy(masters, overrides, w), nil
}

func hostLocation(zone string) (*time.Location, error) {
	if zone == "" || zone == "Local" {
		return nil, fmt.Errorf("%w: host time zone %q is not an IANA name", ErrInvalid, zone)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("%w: host time zone %q: %v", ErrInvalid, zone, err)
	}
	return loc, nil
}

// window is the span ParseBusy was asked about, in UTC.
type window struct{ from, to time.Time }

// collectBusy expands every master event, leaving out the instances that
// overrides replace, adds the overrides that block, then sorts, clips and
// merges.
func collectBusy(masters, overrides []feedEvent, w window) []Busy {
	replaced := make(map[string]map[int64]bool)
	for _, o := range overrides {
		if replaced[o.uid] == nil {
			replaced[o.uid] = make(map[int64]bool)
		}
		replaced[o.uid][o.recurrenceID.Unix()] = true
	}
	var intervals []Busy
	add := func(b Busy) bool {
		if len(intervals) >= maxFeedIntervals {
			return false
		}
		if b.To.After(w.from) && b.From.Before(w.to) {
			intervals = append(intervals, b)
		}
		return true
	}
	for _, o := range overrides {
		if o.blocks && !add(o.first()) {
			break
		}
	}
	for _, m := range masters {
		if !m.blocks {
			continue
		}
		if !m.expand(w, replaced[m.uid], add) {
			break
		}
	}
	return mergeBusy(intervals, w)
}

// mergeBusy clips intervals to w, drops the empty ones and merges the rest
// into sorted, disjoint, non-touching intervals.
func mergeBusy(intervals []Busy, w window) []Busy {
	clipped := intervals[:0]
	for _, b := range intervals {
		if b.From.Before(w.from) {
			b.From = w.from
		}
		if b.To.After(w.to) {
			b.To = w.to
		}
		if b.To.After(b.From) {
			clipped = append(clipped, Busy{From: b.From.UTC(), To: b.To.UTC()})
		}
	}
	slices.SortFunc(clipped, func(a, b Busy) int { return a.From.Compare(b.From) })
	var merged []Busy
	for _, b := range clipped {
		if n := len(merged); n > 0 && !b.From.After(merged[n-1].To) {
			if b.To.After(merged[n-1].To) {
				merged[n-1].To = b.To
			}
			continue
		}
		merged = append(merged, b)
	}
	return merged
}

// property returns the first property named name (case-insensitively) of
// component, or nil.
func propertyNamed(component *ics.ComponentBase, name string) *ics.IANAProperty {
	for i := range component.Properties {
		if strings.EqualFold(component.Properties[i].IANAToken, name) {
			return &component.Properties[i]
		}
	}
	return nil
}

// properties returns every property named name of component.
func propertiesNamed(component *ics.ComponentBase, name string) []*ics.IANAProperty {
	var found []*ics.IANAProperty
	for i := range component.Properties {
		if strings.EqualFold(component.Properties[i].IANAToken, name) {
			found = append(found, &component.Properties[i])
		}
	}
	return found
}

// param returns the first value of a property's parameter, unquoted, or "".
func param(p *ics.IANAProperty, name string) string {
	for key, values := range p.ICalParameters {
		if strings.EqualFold(key, name) && len(values) > 0 {
			return strings.Trim(strings.TrimSpace(values[0]), `"`)
		}
	}
	return ""
}

// valueOf returns the trimmed value of a component's property, or "".
func valueOf(component *ics.ComponentBase, name string) string {
	if p := propertyNamed(component, name); p != nil {
		return strings.TrimSpace(p.Value)
	}
	return ""
}
