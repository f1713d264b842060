package availability

import (
	"testing"
	"time"
)

func TestSlotsKnobs(t *testing.T) {
	none := []Interval{}
	with := func(change func(*Type)) Type {
		typ := base()
		change(&typ)
		return typ
	}
	busyHost := func(r Rules, busy ...Busy) []Host {
		return []Host{{ID: 1, Rules: r, Busy: busy}}
	}
	londonAt := func(reading string) time.Time { return wall(t, london, reading) }
	cases := []slotCase{
		{
			name:  "a slot interval shorter than the duration offers overlapping starts that fit the hours",
			typ:   with(func(typ *Type) { typ.DurationMinutes, typ.SlotIntervalMinutes = 45, 15 }),
			hosts: []Host{host(1, rules(t, london, hours(t, "09:00-11:00")))},
			zone:  london, from: "2027-11-10", to: "2027-11-10",
			want: []string{
				"2027-11-10 09:00 GMT", "2027-11-10 09:15 GMT", "2027-11-10 09:30 GMT",
				"2027-11-10 09:45 GMT", "2027-11-10 10:00 GMT", "2027-11-10 10:15 GMT",
			},
		},
		{
			name:  "a slot interval longer than the duration leaves gaps",
			typ:   with(func(typ *Type) { typ.DurationMinutes, typ.SlotIntervalMinutes = 30, 60 }),
			hosts: []Host{host(1, rules(t, london, hours(t, "09:00-11:00")))},
			zone:  london, from: "2027-11-10", to: "2027-11-10",
			want: []string{"2027-11-10 09:00 GMT", "2027-11-10 10:00 GMT"},
		},
		{
			name: "busy time touching a slot's start or end does not block it",
			typ:  base(),
			hosts: busyHost(rules(t, london, hours(t, "09:00-13:00")),
				Busy{From: londonAt("2027-11-10 10:00"), To: londonAt("2027-11-10 11:00")}),
			zone: london, from: "2027-11-10", to: "2027-11-10",
			want: []string{"2027-11-10 09:00 GMT", "2027-11-10 11:00 GMT", "2027-11-10 12:00 GMT"},
		},
		{
			name: "busy time overlapping by a minute blocks a slot",
			typ:  base(),
			hosts: busyHost(rules(t, london, hours(t, "09:00-12:00")),
				Busy{From: londonAt("2027-11-10 09:59"), To: londonAt("2027-11-10 10:00")},
				Busy{From: londonAt("2027-11-10 11:00"), To: londonAt("2027-11-10 11:01")}),
			zone: london, from: "2027-11-10", to: "2027-11-10",
			want: []string{"2027-11-10 10:00 GMT"},
		},
		{
			name: "buffers keep the call's buffered span clear of busy time",
			typ: with(func(typ *Type) {
				typ.SlotIntervalMinutes, typ.BufferBeforeMinutes, typ.BufferAfterMinutes = 30, 15, 15
			}),
			hosts: busyHost(rules(t, london, hours(t, "09:00-12:00")),
				Busy{From: londonAt("2027-11-10 10:30"), To: londonAt("2027-11-10 11:00")}),
			zone: london, from: "2027-11-10", to: "2027-11-10",
			want: []string{"2027-11-10 09:00 GMT"},
		},
		{
			name:  "buffers may fall outside working hours",
			typ:   with(func(typ *Type) { typ.BufferBeforeMinutes, typ.BufferAfterMinutes = 30, 30 }),
			hosts: []Host{host(1, rules(t, london, hours(t, "09:00-10:00")))},
			zone:  london, from: "2027-11-10", to: "2027-11-10",
			want: []string{"2027-11-10 09:00 GMT"},
		},
		{
			name: "an existing appointment passed with its own buffers keeps both buffers between calls",
			typ: with(func(typ *Type) {
				typ.SlotIntervalMinutes, typ.BufferBeforeMinutes = 30, 30
			}),
			hosts: busyHost(rules(t, london, hours(t, "09:00-14:00")),
				Buffered(londonAt("2027-11-10 10:00"), londonAt("2027-11-10 11:00"), 0, 30)),
			zone: london, from: "2027-11-10", to: "2027-11-10",
			want: []string{"2027-11-10 09:00 GMT", "2027-11-10 12:00 GMT", "2027-11-10 12:30 GMT", "2027-11-10 13:00 GMT"},
		},
		{
			name:  "a day-off override replaces that date's weekly hours",
			typ:   base(),
			hosts: []Host{host(1, rules(t, london, hours(t, "09:00-10:00"), "2027-11-12="))},
			zone:  london, from: "2027-11-11", to: "2027-11-13",
			want: []string{"2027-11-11 09:00 GMT", "2027-11-13 09:00 GMT"},
		},
		{
			name: "overrides at both edges of a day",
			typ:  with(func(typ *Type) { typ.DurationMinutes = 30 }),
			hosts: []Host{host(1, rules(t, newYork, hours(t, "09:00-17:00"),
				"2027-11-13=00:00-01:00,23:00-24:00"))},
			zone: newYork, from: "2027-11-13", to: "2027-11-13",
			want: []string{"2027-11-13 00:00 EST", "2027-11-13 00:30 EST", "2027-11-13 23:00 EST", "2027-11-13 23:30 EST"},
		},
		{
			name:  "minimum notice counts elapsed minutes when it lands on spring forward",
			typ:   with(func(typ *Type) { typ.MinNoticeMinutes = 240 }),
			now:   "2027-03-14T05:00:00Z", // 00:00 EST; four hours later is 05:00 EDT
			hosts: []Host{host(1, rules(t, newYork, none, "2027-03-14=00:00-08:00"))},
			zone:  newYork, from: "2027-03-14", to: "2027-03-14",
			want: []string{"2027-03-14 05:00 EDT", "2027-03-14 06:00 EDT", "2027-03-14 07:00 EDT"},
		},
		{
			name:  "minimum notice counts elapsed minutes when it lands on fall back",
			typ:   with(func(typ *Type) { typ.MinNoticeMinutes = 120 }),
			now:   "2027-10-30T23:00:00Z", // 00:00 BST; two hours later is the second 01:00
			hosts: []Host{host(1, rules(t, london, none, "2027-10-31=00:00-04:00"))},
			zone:  london, from: "2027-10-31", to: "2027-10-31",
			want: []string{"2027-10-31 01:00 GMT", "2027-10-31 02:00 GMT", "2027-10-31 03:00 GMT"},
		},
		{
			name:  "the horizon offers its last host-local day whole and nothing after",
			typ:   with(func(typ *Type) { typ.HorizonDays = 1 }),
			now:   "2027-11-08T10:00:00Z",
			hosts: []Host{host(1, rules(t, london, hours(t, "09:00-10:00", "11:00-12:00")))},
			zone:  london, from: "2027-11-08", to: "2027-11-10",
			want: []string{"2027-11-08 11:00 GMT", "2027-11-09 09:00 GMT", "2027-11-09 11:00 GMT"},
		},
		{
			name:  "the horizon counts days on the host's calendar, not the visitor's",
			typ:   with(func(typ *Type) { typ.HorizonDays = 1 }),
			now:   "2027-11-08T10:00:00Z", // 23:00 on 8 November in Auckland
			hosts: []Host{host(1, rules(t, auckland, hours(t, "09:00-10:00")))},
			zone:  "UTC", from: "2027-11-07", to: "2027-11-10",
			want: []string{"2027-11-08 20:00 UTC"},
		},
		{
			name: "the daily limit counts appointments on the host's calendar day",
			typ:  with(func(typ *Type) { typ.MaxPerDay = 2 }),
			hosts: []Host{{ID: 1, Rules: rules(t, newYork, hours(t, "09:00-11:00")),
				// 22:30 and 23:30 EST on 8 November, though 9 November in UTC
				Booked: []time.Time{utc(t, "2027-11-09T03:30:00Z"), utc(t, "2027-11-09T04:30:00Z")}}},
			zone: newYork, from: "2027-11-08", to: "2027-11-09",
			want: []string{"2027-11-09 09:00 EST", "2027-11-09 10:00 EST"},
		},
		{
			name: "a daily limit not yet reached leaves the day open",
			typ:  with(func(typ *Type) { typ.MaxPerDay = 3 }),
			hosts: []Host{{ID: 1, Rules: rules(t, newYork, hours(t, "09:00-11:00")),
				Booked: []time.Time{utc(t, "2027-11-09T03:30:00Z"), utc(t, "2027-11-09T04:30:00Z")}}},
			zone: newYork, from: "2027-11-08", to: "2027-11-08",
			want: []string{"2027-11-08 09:00 EST", "2027-11-08 10:00 EST"},
		},
		{
			name:  "a call may end at 24:00, the last instant of the day",
			typ:   with(func(typ *Type) { typ.DurationMinutes = 90 }),
			hosts: []Host{host(1, rules(t, london, hours(t, "22:30-24:00")))},
			zone:  london, from: "2027-11-10", to: "2027-11-10",
			want: []string{"2027-11-10 22:30 GMT"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}
