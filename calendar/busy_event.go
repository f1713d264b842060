package calendar

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// feedTime is a DATE or DATE-TIME value of a feed: a wall-clock reading and the
// zone it is read in (time.UTC for a value ending in Z).
type feedTime struct {
	wall time.Time // the clock reading, held in UTC fields; an instant only as arithmetic
	loc  *time.Location
	date bool // VALUE=DATE: wall is a midnight, loc the coach's zone
}

// instant resolves the wall reading in its zone with At's DST rule.
func (s feedTime) instant() time.Time {
	return wallInstant(s.wall, s.loc)
}

func wallInstant(wall time.Time, loc *time.Location) time.Time {
	if loc == time.UTC {
		return wall
	}
	return resolveWall(wall, loc).UTC()
}

// span is how long each instance of an event lasts: a nominal part added to
// the start's wall clock (days of an all-day event, a DTEND in the start's
// zone, the days of a DURATION) and an exact part added to the resulting
// instant (the time part of a DURATION, a DTEND in another zone).
type span struct {
	wall  time.Duration
	exact time.Duration
}

// end returns when an instance starting at start ends.
func (s span) end(start feedTime) time.Time {
	return wallInstant(start.wall.Add(s.wall), start.loc).Add(s.exact)
}

// feedEvent is what ParseBusy needs of one VEVENT.
type feedEvent struct {
	uid          string
	start        feedTime
	length       span
	blocks       bool       // not transparent, cancelled or free
	recurrenceID *time.Time // the instant of the instance this VEVENT overrides, if any
	rules        []string   // RRULE values
	rdates       []rdate
	exdates      map[int64]bool // Unix seconds of excluded instance starts
}

// rdate is an extra instance; a PERIOD value brings its own end.
type rdate struct {
	start feedTime
	end   *time.Time
}

// first is the event's own DTSTART to DTEND, the only instance of an event
// that does not recur.
func (e feedEvent) first() Busy {
	return Busy{From: e.start.instant(), To: e.length.end(e.start)}
}

// eventReader turns VEVENTs into feedEvents, resolving zones through one
// cache per feed.
type eventReader struct {
	zones *zoneResolver
}

// read returns the event of a VEVENT, or false if it has no readable
// DTSTART.
func (r eventReader) read(c *ics.ComponentBase) (feedEvent, bool) {
	startProp := propertyNamed(c, "DTSTART")
	if startProp == nil {
		return feedEvent{}, false
	}
	start, err := r.readTime(startProp, startProp.Value)
	if err != nil {
		return feedEvent{}, false
	}
	event := feedEvent{
		uid:    valueOf(c, "UID"),
		start:  start,
		length: r.length(c, start),
		blocks: blocks(c),
	}
	if p := propertyNamed(c, "RECURRENCE-ID"); p != nil {
		id, err := r.readTime(p, p.Value)
		if err != nil {
			return feedEvent{}, false
		}
		instant := id.instant()
		event.recurrenceID = &instant
	}
	for _, p := range propertiesNamed(c, "RRULE") {
		event.rules = append(event.rules, strings.TrimSpace(p.Value))
	}
	for _, p := range propertiesNamed(c, "RDATE") {
		event.rdates = append(event.rdates, r.rdates(p)...)
	}
	event.exdates = make(map[int64]bool)
	for _, p := range propertiesNamed(c, "EXDATE") {
		for _, value := range strings.Split(p.Value, ",") {
			if ex, err := r.readTime(p, value); err == nil {
				event.exdates[ex.instant().Unix()] = true
			}
		}
	}
	return event, true
}

// blocks reports whether an event makes its owner busy.
func blocks(c *ics.ComponentBase) bool {
	return !strings.EqualFold(valueOf(c, "TRANSP"), "TRANSPARENT") &&
		!strings.EqualFold(valueOf(c, "STATUS"), "CANCELLED") &&
		!strings.EqualFold(valueOf(c, "X-MICROSOFT-CDO-BUSYSTATUS"), "FREE")
}

// length reads DTEND or DURATION. Without either, an all-day event lasts
// one day and a timed one no time at all (RFC 5545 section 3.6.1), which
// blocks nothing.
func (r eventReader) length(c *ics.ComponentBase, start feedTime) span {
	if p := propertyNamed(c, "DTEND"); p != nil {
		if end, err := r.readTime(p, p.Value); err == nil {
			if end.loc == start.loc {
				return span{wall: end.wall.Sub(start.wall)}
			}
			return span{exact: end.instant().Sub(start.instant())}
		}
	}
	if value := valueOf(c, "DURATION"); value != "" {
		if length, err := parseDuration(value); err == nil {
			return length
		}
	}
	if start.date {
		return span{wall: 24 * time.Hour}
	}
	return span{}
}

// rdates reads one RDATE property: a comma list of DATE, DATE-TIME or
// PERIOD values.
func (r eventReader) rdates(p *ics.IANAProperty) []rdate {
	var found []rdate
	for _, value := range strings.Split(p.Value, ",") {
		startText, endText, isPeriod := strings.Cut(value, "/")
		start, err := r.readTime(p, startText)
		if err != nil {
			continue
		}
		extra := rdate{start: start}
		if isPeriod {
			if length, err := parseDuration(endText); err == nil {
				end := length.end(start)
				extra.end = &end
			} else if end, err := r.readTime(p, endText); err == nil {
				instant := end.instant()
				extra.end = &instant
			}
		}
		found = append(found, extra)
	}
	return found
}

// readTime reads one DATE or DATE-TIME value of p, whose parameters say its
// type (VALUE=DATE) and zone (TZID). An eight-digit value is a DATE even
// without VALUE=DATE, as some exporters write it.
func (r eventReader) readTime(p *ics.IANAProperty, value string) (feedTime, error) {
	value = strings.TrimSpace(value)
	if len(value) == len("20060102") || strings.EqualFold(param(p, "VALUE"), "DATE") {
		day, err := time.Parse("20060102", value)
		if err != nil {
			return feedTime{}, fmt.Errorf("date %q: %w", value, err)
		}
		return feedTime{wall: day, loc: r.zones.host, date: true}, nil
	}
	if utc, ok := strings.CutSuffix(value, "Z"); ok {
		wall, err := time.Parse("20060102T150405", utc)
		if err != nil {
			return feedTime{}, fmt.Errorf("date-time %q: %w", value, err)
		}
		return feedTime{wall: wall, loc: time.UTC}, nil
	}
	wall, err := time.Parse("20060102T150405", value)
	if err != nil {
		return feedTime{}, fmt.Errorf("date-time %q: %w", value, err)
	}
	return feedTime{wall: wall, loc: r.zones.resolve(param(p, "TZID"))}, nil
}

var durationPattern = regexp.MustCompile(`^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// parseDuration reads an RFC 5545 DURATION such as "PT45M", "P1D" or
// "P1DT2H": weeks and days are nominal (wall) time, the rest exact. A
// negative duration is refused: it would end an event before it starts.
func parseDuration(value string) (span, error) {
	m := durationPattern.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(value)))
	if m == nil || m[1] == "-" || value == "P" || strings.HasSuffix(value, "T") {
		return span{}, fmt.Errorf("duration %q is not a positive RFC 5545 duration", value)
	}
	tooLong := false
	number := func(s string) time.Duration {
		n, _ := strconv.Atoi(s) // digits only, by the pattern; "" is 0
		if n > maxDurationField {
			tooLong = true
		}
		return time.Duration(n)
	}
	length := span{
		wall:  (number(m[2])*7 + number(m[3])) * 24 * time.Hour,
		exact: number(m[4])*time.Hour + number(m[5])*time.Minute + number(m[6])*time.Second,
	}
	if tooLong {
		return span{}, fmt.Errorf("duration %q is longer than a busy time can be", value)
	}
	return length, nil
}

// maxDurationField bounds each number of a DURATION so that the sum cannot
// overflow time.Duration (10,000 weeks is about 190 years).
const maxDurationField = 10_000
