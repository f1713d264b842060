package availability

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/roster-app/roster/fault"
)

func TestSlotsSeveralHosts(t *testing.T) {
	collective := base()
	collective.Assignment = AssignAll
	collectiveHalfHour := collective
	collectiveHalfHour.SlotIntervalMinutes = 30
	officeHours := hours(t, "09:00-17:00")
	cases := []slotCase{
		{
			name: "all: only the hours London and New York share",
			typ:  collective,
			hosts: []Host{
				host(1, rules(t, london, officeHours)),
				host(2, rules(t, newYork, officeHours)),
			},
			zone: london, from: "2027-11-10", to: "2027-11-10",
			want: []string{"2027-11-10 14:00 GMT [1 2]", "2027-11-10 15:00 GMT [1 2]", "2027-11-10 16:00 GMT [1 2]"},
		},
		{
			name: "all: hosts half an hour apart meet on each other's grids",
			typ:  collectiveHalfHour,
			hosts: []Host{
				host(1, rules(t, london, officeHours)),
				host(2, rules(t, kolkata, officeHours)), // 03:30-11:30 UTC
			},
			zone: london, from: "2027-11-10", to: "2027-11-10",
			want: []string{
				"2027-11-10 09:00 GMT [1 2]", "2027-11-10 09:30 GMT [1 2]",
				"2027-11-10 10:00 GMT [1 2]", "2027-11-10 10:30 GMT [1 2]",
			},
		},
		{
			name: "all: one host's busy time removes the slot for everyone",
			typ:  collectiveHalfHour,
			hosts: []Host{
				{ID: 1, Rules: rules(t, london, officeHours), Busy: []Busy{{
					From: wall(t, london, "2027-11-10 10:00"), To: wall(t, london, "2027-11-10 10:30")}}},
				host(2, rules(t, kolkata, officeHours)),
			},
			zone: london, from: "2027-11-10", to: "2027-11-10",
			want: []string{"2027-11-10 09:00 GMT [1 2]", "2027-11-10 10:30 GMT [1 2]"},
		},
		{
			name: "all: across New York's spring forward, London's shared hours move",
			typ:  collective,
			hosts: []Host{
				host(1, rules(t, london, officeHours)),
				host(2, rules(t, newYork, officeHours)),
			},
			zone: london, from: "2027-03-12", to: "2027-03-15",
			want: []string{
				"2027-03-12 14:00 GMT [1 2]", "2027-03-12 15:00 GMT [1 2]", "2027-03-12 16:00 GMT [1 2]",
				"2027-03-13 14:00 GMT [1 2]", "2027-03-13 15:00 GMT [1 2]", "2027-03-13 16:00 GMT [1 2]",
				"2027-03-14 13:00 GMT [1 2]", "2027-03-14 14:00 GMT [1 2]", "2027-03-14 15:00 GMT [1 2]", "2027-03-14 16:00 GMT [1 2]",
				"2027-03-15 13:00 GMT [1 2]", "2027-03-15 14:00 GMT [1 2]", "2027-03-15 15:00 GMT [1 2]", "2027-03-15 16:00 GMT [1 2]",
			},
		},
		{
			name: "any: each start once, with every free host",
			typ:  base(),
			hosts: []Host{
				{ID: 1, Rules: rules(t, london, hours(t, "09:00-12:00")), Busy: []Busy{{
					From: wall(t, london, "2027-11-10 10:00"), To: wall(t, london, "2027-11-10 11:00")}}},
				host(2, rules(t, newYork, hours(t, "05:00-08:00"))), // 10:00-13:00 GMT
			},
			zone: london, from: "2027-11-10", to: "2027-11-10",
			want: []string{
				"2027-11-10 09:00 GMT [1]", "2027-11-10 10:00 GMT [2]",
				"2027-11-10 11:00 GMT [1 2]", "2027-11-10 12:00 GMT [2]",
			},
		},
		{
			name: "any: a host at their daily limit drops out while the other stays",
			typ:  func() Type { typ := base(); typ.MaxPerDay = 1; return typ }(),
			hosts: []Host{
				{ID: 1, Rules: rules(t, london, hours(t, "09:00-11:00")),
					Booked: []time.Time{wall(t, london, "2027-11-10 16:00")}},
				host(2, rules(t, auckland, hours(t, "22:00-24:00"))), // 09:00-11:00 GMT
			},
			zone: london, from: "2027-11-10", to: "2027-11-10",
			want: []string{"2027-11-10 09:00 GMT [2]", "2027-11-10 10:00 GMT [2]"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

func TestPickHost(t *testing.T) {
	yesterday := utc(t, "2027-11-09T12:00:00Z")
	lastWeek := utc(t, "2027-11-02T12:00:00Z")
	q := Query{Hosts: []Host{
		{ID: 7, LastBookedAt: yesterday},
		{ID: 3, LastBookedAt: lastWeek},
		{ID: 9},
		{ID: 5},
	}}
	cases := []struct {
		name string
		free []HostID
		want HostID
	}{
		{"a host never booked goes first", []HostID{7, 3, 9}, 9},
		{"two never booked: the lower id", []HostID{9, 5, 7}, 5},
		{"otherwise the host booked longest ago", []HostID{7, 3}, 3},
		{"a single free host", []HostID{7}, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := q.PickHost(c.free)
			if !ok || got != c.want {
				t.Errorf("got %d, %v; want %d", got, ok, c.want)
			}
		})
	}
	t.Run("no free host", func(t *testing.T) {
		if got, ok := q.PickHost(nil); ok {
			t.Errorf("got host %d for no free hosts", got)
		}
	})
}

func TestBookable(t *testing.T) {
	typ := base()
	typ.MinNoticeMinutes, typ.HorizonDays, typ.SlotIntervalMinutes = 60, 2, 30
	now := wall(t, london, "2027-11-10 09:00")
	q := Query{Now: now, Type: typ, Hosts: []Host{
		{ID: 1, Rules: rules(t, london, hours(t, "09:00-17:00")), Busy: []Busy{{
			From: wall(t, london, "2027-11-10 14:00"), To: wall(t, london, "2027-11-10 15:00")}}},
		{ID: 2, Rules: rules(t, london, hours(t, "09:00-17:00")), Busy: []Busy{{
			From: wall(t, london, "2027-11-10 14:30"), To: wall(t, london, "2027-11-10 16:00")}}},
	}}
	cases := []struct {
		name      string
		start     string // London wall clock
		wantHosts []HostID
		wantErr   error
	}{
		{"a free start with both hosts", "2027-11-10 11:00", []HostID{1, 2}, nil},
		{"a start only host 1 is free for", "2027-11-10 15:00", []HostID{1}, nil},
		{"a start only host 2 is free for", "2027-11-10 13:30", []HostID{2}, nil},
		{"a start exactly at the notice", "2027-11-10 10:00", []HostID{1, 2}, nil},
		{"the last day of the horizon", "2027-11-12 16:00", []HostID{1, 2}, nil},
		{"a start off the grid", "2027-11-10 11:10", nil, ErrNotASlot},
		{"a start outside working hours", "2027-11-10 18:00", nil, ErrNotASlot},
		{"a call that would run past working hours", "2027-11-10 16:30", nil, ErrNotASlot},
		{"a start inside the notice", "2027-11-10 09:30", nil, ErrTooSoon},
		{"a start past the horizon", "2027-11-13 09:00", nil, ErrBeyondHorizon},
		{"a start both hosts are busy at", "2027-11-10 14:30", nil, ErrTaken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hosts, err := Bookable(q, wall(t, london, c.start))
			if !errors.Is(err, c.wantErr) || (err == nil) != (c.wantErr == nil) {
				t.Fatalf("got error %v, want %v", err, c.wantErr)
			}
			if !slices.Equal(hosts, c.wantHosts) {
				t.Errorf("got hosts %v, want %v", hosts, c.wantHosts)
			}
		})
	}
	t.Run("a start with seconds is not a slot", func(t *testing.T) {
		_, err := Bookable(q, wall(t, london, "2027-11-10 11:00").Add(time.Second))
		if !errors.Is(err, ErrNotASlot) {
			t.Errorf("got %v, want ErrNotASlot", err)
		}
	})
	t.Run("the refusals are conflicts", func(t *testing.T) {
		for _, err := range []error{ErrNotASlot, ErrTooSoon, ErrBeyondHorizon, ErrTaken} {
			if got := fault.CodeOf(err); got != fault.Conflict {
				t.Errorf("%v: code %q, want %q", err, got, fault.Conflict)
			}
		}
	})
	t.Run("invalid rules are a validation error, not a refusal", func(t *testing.T) {
		bad := q
		bad.Hosts = []Host{{ID: 1, Rules: Rules{Zone: "Mars/Olympus_Mons"}}}
		if _, err := Bookable(bad, now); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Bookable: got %v, want a validation error", err)
		}
		if _, err := Slots(bad); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Slots: got %v, want a validation error", err)
		}
	})
}

func TestSlotsOverAHugeRange(t *testing.T) {
	typ := base()
	typ.DurationMinutes, typ.HorizonDays = 5, 2
	q := Query{
		Now: utc(t, "2027-11-10T00:00:00Z"), From: time.Time{}, To: utc(t, "9999-12-31T00:00:00Z"),
		Type: typ, Hosts: []Host{host(1, rules(t, "UTC", hours(t, "00:00-24:00")))},
	}
	slots, err := Slots(q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(slots), 3*24*12; got != want {
		t.Errorf("got %d slots, want %d: today and the two days of the horizon, every five minutes", got, want)
	}
}
