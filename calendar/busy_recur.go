package calendar

import (
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// expandSlack widens the window when comparing wall-clock readings with
// instants: no zone is more than 14 hours from UTC, so two days is safe.
const expandSlack = 48 * time.Hour

// expand passes add each busy instance of a master event inside w, except
// the instances whose start is an EXDATE or a RECURRENCE-ID in replaced.
// An event without RRULE or RDATE has one instance. It returns false once
// add refuses an interval (the feed's cap is reached).
func (e feedEvent) expand(w window, replaced map[int64]bool, add func(Busy) bool) bool {
	skip := func(start time.Time) bool {
		return e.exdates[start.Unix()] || replaced[start.Unix()]
	}
	if len(e.rules) == 0 && len(e.rdates) == 0 {
		first := e.first()
		return skip(first.From) || add(first)
	}
	emitted, feedFull := 0, false
	instance := func(start feedTime) bool {
		from := start.instant()
		if skip(from) {
			return true
		}
		emitted++
		feedFull = !add(Busy{From: from, To: e.length.end(start)})
		return !feedFull
	}
	// DTSTART is the first instance of a series, whether or not the RRULE
	// would produce it (RFC 5545 section 3.8.5.3); the walks below skip it.
	if !instance(e.start) {
		return false
	}
	for _, extra := range e.rdates {
		if emitted >= maxSeriesInstances {
			return true
		}
		from := extra.start.instant()
		if skip(from) || from.Equal(e.start.instant()) {
			continue
		}
		to := e.length.end(extra.start)
		if extra.end != nil {
			to = *extra.end
		}
		emitted++
		if !add(Busy{From: from, To: to}) {
			return false
		}
	}
	for _, rule := range e.rules {
		e.walkRule(rule, w, func(wall time.Time) bool {
			return emitted < maxSeriesInstances &&
				instance(feedTime{wall: wall, loc: e.start.loc, date: e.start.date})
		})
		if feedFull {
			return false
		}
	}
	return true
}

// walkRule passes visit the wall-clock start of each occurrence of rule
// that may touch w, other than DTSTART's own. The rule runs on wall-clock
// readings (held as UTC) so that a 09:00 series stays at 09:00 across DST
// changes; each reading becomes an instant later, by At's rule. It stops
// after maxRuleSteps occurrences, past the window, or when visit returns
// false. A rule that cannot be read is ignored.
func (e feedEvent) walkRule(rule string, w window, visit func(time.Time) bool) {
	options, err := ruleOptions(rule, e.start)
	if err != nil {
		return
	}
	recurrence, err := rrule.NewRRule(*options)
	if err != nil {
		return
	}
	// Compare wall readings with the window widened by the slack and by
	// the length of an instance, so that nothing that may touch it is lost.
	longest := e.length.wall + e.length.exact
	if longest < 0 {
		longest = 0
	}
	earliest := w.from.Add(-expandSlack - longest)
	latest := w.to.Add(expandSlack)
	next := recurrence.Iterator()
	for step := 0; step < maxRuleSteps; step++ {
		wall, ok := next()
		if !ok || wall.After(latest) {
			return
		}
		if wall.Before(earliest) || wall.Equal(e.start.wall) {
			continue
		}
		if !visit(wall) {
			return
		}
	}
}

// ruleOptions reads an RRULE value for a series starting at start, as
// wall-clock arithmetic: DTSTART is the start's reading, and an UNTIL given
// in UTC is turned into the start's zone first. Parts rrule-go does not
// know (X- names, RSCALE, SKIP) are dropped rather than failing the rule.
func ruleOptions(rule string, start feedTime) (*rrule.ROption, error) {
	var kept []string
	untilUTC, untilDate := false, false
	for _, part := range strings.Split(strings.TrimPrefix(strings.ToUpper(rule), "RRULE:"), ";") {
		name, value, _ := strings.Cut(part, "=")
		switch name {
		case "FREQ", "INTERVAL", "WKST", "COUNT", "BYSETPOS", "BYMONTH", "BYMONTHDAY",
			"BYYEARDAY", "BYWEEKNO", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND":
			kept = append(kept, part)
		case "UNTIL":
			kept = append(kept, part)
			untilUTC = strings.HasSuffix(value, "Z")
			untilDate = len(value) == len("20060102")
		}
	}
	options, err := rrule.StrToROptionInLocation(strings.Join(kept, ";"), time.UTC)
	if err != nil {
		return nil, err
	}
	options.Dtstart = start.wall
	if untilUTC && !options.Until.IsZero() && start.loc != time.UTC {
		local := options.Until.In(start.loc)
		options.Until = time.Date(local.Year(), local.Month(), local.Day(),
			local.Hour(), local.Minute(), local.Second(), 0, time.UTC)
	}
	if untilDate && !start.date {
		// A DATE-valued UNTIL on a timed series includes its own day.
		options.Until = options.Until.Add(24*time.Hour - time.Second)
	}
	return options, nil
}
