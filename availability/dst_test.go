package availability

import (
	"slices"
	"testing"
)

// slotCase is one query and the slots it must list, read on the visitor's
// wall clock.
type slotCase struct {
	name     string
	typ      Type
	now      string // RFC 3339; longAgo if empty
	hosts    []Host
	zone     string // the visitor's zone: from, to and want are read in it
	from, to string // whole days in zone, inclusive
	want     []string
}

func (c slotCase) query(t testing.TB) Query {
	now := c.now
	if now == "" {
		now = longAgo
	}
	from, to := days(t, c.zone, c.from, c.to)
	return Query{Now: utc(t, now), From: from, To: to, Type: c.typ, Hosts: c.hosts}
}

func (c slotCase) run(t *testing.T) {
	q := c.query(t)
	slots, err := Slots(q)
	if err != nil {
		t.Fatal(err)
	}
	got := describe(t, slots, c.zone, len(c.hosts) > 1)
	if !slices.Equal(got, c.want) {
		t.Errorf("slots:\n got %q\nwant %q", got, c.want)
	}
	for _, s := range slots {
		hosts, err := Bookable(q, s.Start)
		if err != nil || !slices.Equal(hosts, s.Hosts) {
			t.Errorf("listed %s with hosts %v, but Bookable says %v, %v", s.Start, s.Hosts, hosts, err)
		}
	}
}

func host(id HostID, r Rules) Host { return Host{ID: id, Rules: r} }

const (
	newYork  = "America/New_York"
	london   = "Europe/London"
	auckland = "Pacific/Auckland"
	tokyo    = "Asia/Tokyo"
	kolkata  = "Asia/Kolkata"
)

func TestSlotsAcrossDST(t *testing.T) {
	none := []Interval{}
	halfHour := base()
	halfHour.DurationMinutes = 30
	cases := []slotCase{
		{
			name:  "New York spring forward: 01:00-04:00 holds two real hours",
			typ:   base(),
			hosts: []Host{host(1, rules(t, newYork, none, "2027-03-14=01:00-04:00"))},
			zone:  newYork, from: "2027-03-14", to: "2027-03-14",
			want: []string{"2027-03-14 01:00 EST", "2027-03-14 03:00 EDT"},
		},
		{
			name:  "New York fall back: 01:00-04:00 holds four real hours, the repeated hour twice",
			typ:   base(),
			hosts: []Host{host(1, rules(t, newYork, none, "2027-11-07=01:00-04:00"))},
			zone:  newYork, from: "2027-11-07", to: "2027-11-07",
			want: []string{"2027-11-07 01:00 EDT", "2027-11-07 01:00 EST", "2027-11-07 02:00 EST", "2027-11-07 03:00 EST"},
		},
		{
			name:  "New York office hours keep their wall clock across spring forward",
			typ:   base(),
			hosts: []Host{host(1, rules(t, newYork, hours(t, "09:00-11:00")))},
			zone:  newYork, from: "2027-03-13", to: "2027-03-15",
			want: []string{
				"2027-03-13 09:00 EST", "2027-03-13 10:00 EST",
				"2027-03-14 09:00 EDT", "2027-03-14 10:00 EDT",
				"2027-03-15 09:00 EDT", "2027-03-15 10:00 EDT",
			},
		},
		{
			name:  "New York office hours keep their wall clock across fall back",
			typ:   base(),
			hosts: []Host{host(1, rules(t, newYork, hours(t, "09:00-10:00")))},
			zone:  newYork, from: "2027-11-06", to: "2027-11-08",
			want: []string{"2027-11-06 09:00 EDT", "2027-11-07 09:00 EST", "2027-11-08 09:00 EST"},
		},
		{
			name:  "London office hours keep their wall clock across spring forward",
			typ:   base(),
			hosts: []Host{host(1, rules(t, london, hours(t, "09:00-10:00")))},
			zone:  london, from: "2027-03-27", to: "2027-03-29",
			want: []string{"2027-03-27 09:00 GMT", "2027-03-28 09:00 BST", "2027-03-29 09:00 BST"},
		},
		{
			name:  "London office hours keep their wall clock across fall back",
			typ:   base(),
			hosts: []Host{host(1, rules(t, london, hours(t, "09:00-10:00")))},
			zone:  london, from: "2027-10-30", to: "2027-11-01",
			want: []string{"2027-10-30 09:00 BST", "2027-10-31 09:00 GMT", "2027-11-01 09:00 GMT"},
		},
		{
			name:  "London fall back: the repeated hour is offered twice",
			typ:   base(),
			hosts: []Host{host(1, rules(t, london, none, "2027-10-31=00:00-03:00"))},
			zone:  london, from: "2027-10-31", to: "2027-10-31",
			want: []string{"2027-10-31 00:00 BST", "2027-10-31 01:00 BST", "2027-10-31 01:00 GMT", "2027-10-31 02:00 GMT"},
		},
		{
			name:  "London spring forward: hours starting in the skipped hour start when it ends",
			typ:   halfHour,
			hosts: []Host{host(1, rules(t, london, none, "2027-03-28=01:30-03:00"))},
			zone:  london, from: "2027-03-28", to: "2027-03-28",
			want: []string{"2027-03-28 02:30 BST"},
		},
		{
			name:  "Auckland spring forward (late September): 01:00-04:00 holds two real hours",
			typ:   base(),
			hosts: []Host{host(1, rules(t, auckland, none, "2027-09-26=01:00-04:00"))},
			zone:  auckland, from: "2027-09-26", to: "2027-09-26",
			want: []string{"2027-09-26 01:00 NZST", "2027-09-26 03:00 NZDT"},
		},
		{
			name:  "Auckland fall back (early April): the repeated hour is offered twice",
			typ:   base(),
			hosts: []Host{host(1, rules(t, auckland, none, "2027-04-04=01:00-04:00"))},
			zone:  auckland, from: "2027-04-04", to: "2027-04-04",
			want: []string{"2027-04-04 01:00 NZDT", "2027-04-04 02:00 NZDT", "2027-04-04 02:00 NZST", "2027-04-04 03:00 NZST"},
		},
		{
			name:  "Auckland office hours keep their wall clock across both changes",
			typ:   base(),
			hosts: []Host{host(1, rules(t, auckland, hours(t, "09:00-10:00")))},
			zone:  auckland, from: "2027-04-03", to: "2027-04-05",
			want: []string{"2027-04-03 09:00 NZDT", "2027-04-04 09:00 NZST", "2027-04-05 09:00 NZST"},
		},
		{
			name:  "Auckland hours seen from London come an hour earlier once Auckland springs forward",
			typ:   base(),
			hosts: []Host{host(1, rules(t, auckland, hours(t, "09:00-10:00")))},
			zone:  london, from: "2027-09-24", to: "2027-09-26",
			want: []string{"2027-09-24 22:00 BST", "2027-09-25 21:00 BST", "2027-09-26 21:00 BST"},
		},
		{
			name:  "Tokyo hours stay put while a New York visitor's clock changes",
			typ:   base(),
			hosts: []Host{host(1, rules(t, tokyo, hours(t, "09:00-10:00")))},
			zone:  newYork, from: "2027-03-13", to: "2027-03-14",
			want: []string{"2027-03-13 19:00 EST", "2027-03-14 20:00 EDT"},
		},
		{
			name:  "a Kolkata 00:00-01:00 override falls on the previous UTC day",
			typ:   halfHour,
			hosts: []Host{host(1, rules(t, kolkata, none, "2027-11-13=00:00-01:00"))},
			zone:  "UTC", from: "2027-11-12", to: "2027-11-12",
			want: []string{"2027-11-12 18:30 UTC", "2027-11-12 19:00 UTC"},
		},
		{
			name:  "a Tokyo 23:00-24:00 override runs to the next midnight",
			typ:   halfHour,
			hosts: []Host{host(1, rules(t, tokyo, none, "2027-11-13=23:00-24:00"))},
			zone:  tokyo, from: "2027-11-13", to: "2027-11-14",
			want: []string{"2027-11-13 23:00 JST", "2027-11-13 23:30 JST"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}
