package availability

import (
	"time"

	"github.com/roster-app/roster/fault"
)

// Assignment says how an appointment type's hosts share a call.
type Assignment string

const (
	// AssignAny is round robin: a slot needs one free host, and the call goes
	// to one of them (see PickHost).
	AssignAny Assignment = "any"
	// AssignAll is collective: a slot needs every host free, and all attend.
	AssignAll Assignment = "all"
)

// Type holds the knobs of an appointment type that decide its slots. Every
// length is in minutes of elapsed time.
type Type struct {
	DurationMinutes     int        // length of the call
	BufferBeforeMinutes int        // kept free before the call
	BufferAfterMinutes  int        // kept free after the call
	MinNoticeMinutes    int        // a slot starts at least this long after now
	HorizonDays         int        // 1–730: how many host-local days ahead slots are offered (see doc.go)
	SlotIntervalMinutes int        // step between offered starts; 0 means DurationMinutes
	MaxPerDay           int        // per host per host-local day; 0 means no limit
	Assignment          Assignment // AssignAny or AssignAll
}

// Limits of the knobs, in the units of their fields.
const (
	MaxDurationMinutes = 24 * 60
	MaxBufferMinutes   = 24 * 60
	MaxNoticeMinutes   = 365 * 24 * 60
	MaxHorizonDays     = 730
	MaxIntervalMinutes = 24 * 60
	MaxDailyLimit      = 24 * 60
)

// Validate returns a fault.Invalid error naming every bad knob by its JSON
// name in the API (duration_minutes, assignment, …), or nil.
func (t Type) Validate() error {
	var fields fault.Fields
	fields.Check(t.DurationMinutes >= 1 && t.DurationMinutes <= MaxDurationMinutes,
		"duration_minutes", "must be between 1 and 1440")
	fields.Check(t.BufferBeforeMinutes >= 0 && t.BufferBeforeMinutes <= MaxBufferMinutes,
		"buffer_before_minutes", "must be between 0 and 1440")
	fields.Check(t.BufferAfterMinutes >= 0 && t.BufferAfterMinutes <= MaxBufferMinutes,
		"buffer_after_minutes", "must be between 0 and 1440")
	fields.Check(t.MinNoticeMinutes >= 0 && t.MinNoticeMinutes <= MaxNoticeMinutes,
		"min_notice_minutes", "must be between 0 and 525600 (a year)")
	fields.Check(t.HorizonDays >= 1 && t.HorizonDays <= MaxHorizonDays,
		"horizon_days", "must be between 1 and 730")
	fields.Check(t.SlotIntervalMinutes >= 0 && t.SlotIntervalMinutes <= MaxIntervalMinutes,
		"slot_interval_minutes", "must be between 1 and 1440, or left out for the duration")
	fields.Check(t.MaxPerDay >= 0 && t.MaxPerDay <= MaxDailyLimit,
		"max_per_day", "must be between 0 (no limit) and 1440")
	fields.Check(t.Assignment == AssignAny || t.Assignment == AssignAll,
		"assignment", `must be "any" or "all"`)
	return fields.Err()
}

func (t Type) duration() time.Duration     { return minutes(t.DurationMinutes) }
func (t Type) bufferBefore() time.Duration { return minutes(t.BufferBeforeMinutes) }
func (t Type) bufferAfter() time.Duration  { return minutes(t.BufferAfterMinutes) }

// step is the distance between offered starts.
func (t Type) step() time.Duration {
	if t.SlotIntervalMinutes == 0 {
		return t.duration()
	}
	return minutes(t.SlotIntervalMinutes)
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }
