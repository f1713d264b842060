// Package availability decides when an appointment type can be booked: a
// coach's weekly hours and date overrides, the type's buffers, notice,
// horizon, interval and daily limit, and the time the coach is already busy
// go in; slots come out. It is pure: no database, no HTTP, no clock of its
// own (the caller passes now). The slot list (Slots) and the booking path
// (Bookable) ask it the same question through the same code, so a listed
// slot is bookable and an unlisted start is not (DESIGN.md invariant 8;
// the booking service must still re-check under its lock).
//
// Units and readings:
//   - Every length is minutes of elapsed time; a 45-minute call lasts 45
//     minutes even across a DST change.
//   - Every instant in and out is a time.Time; the slots come out in UTC.
//   - Working hours (Interval) are wall-clock readings "HH:MM" in the host's
//     own IANA zone (Rules.Zone), minutes since midnight; an interval may
//     end at 24:00, the next day's 00:00. An Override replaces the weekly
//     hours of one host-local date; no intervals means the day off.
//   - A wall time becomes an instant as calendar.At reads it, following RFC
//     5545 section 3.3.5: a time skipped when clocks go forward is read with
//     the offset before the gap (02:30 on a New York spring-forward day is
//     03:30 EDT); a time that happens twice when clocks go back means the
//     first occurrence (01:30 EDT, not EST).
//
// The rules of a slot:
//   - Starts: on each host-local date, from each working interval's start,
//     every SlotIntervalMinutes of elapsed time (default: the duration),
//     while the call still ends inside that interval. The call must fit
//     wholly inside one working interval; its buffers may fall outside
//     working hours (as Cal.com allows), but never over busy time.
//   - Busy: a call's buffered span [start-BufferBefore, end+BufferAfter)
//     must not overlap any of the host's Busy spans. Existing appointments
//     are passed with their own buffers applied (Buffered), so two calls
//     keep both their buffers between them. Spans that only touch
//     (one ends as the other starts) do not overlap.
//   - Notice: start >= now + MinNoticeMinutes.
//   - Horizon: counted in whole host-local days: a start is offered if its
//     host-local date is at most HorizonDays after the host-local date of
//     now, so the last day offered is offered whole.
//   - Daily limit: fewer than MaxPerDay of the host's counted appointments
//     (Host.Booked) start on the same host-local date.
//   - Assignment "any" (round robin): a start is a slot if it is on some
//     host's grid and at least one host is free then; PickHost gives the
//     call to the free host booked longest ago, ties by lower id. "all"
//     (collective): every host must be free, each by their own hours, zone
//     and busy time. In both, a host is free at a start on another host's
//     grid if the call fits their hours: grids in zones half an hour apart
//     would otherwise never meet.
//
// The caller turns the visitor's days into the instant range [From, To) and
// formats the slots in the visitor's zone; the visitor's zone plays no other
// part.
package availability
