package availability

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// propertyZones include Lord Howe (a half-hour DST change) and Havana
// (changes at midnight) beside the zones of the table tests.
var propertyZones = []string{london, newYork, auckland, tokyo, kolkata, "America/Havana", "Australia/Lord_Howe"}

// changeDays are days near which some zone above changes its clocks.
var changeDays = []string{"2027-03-14", "2027-03-28", "2027-04-04", "2027-09-26", "2027-10-03", "2027-10-31", "2027-11-07"}

// TestSlotsAgreeWithBookable checks invariant 8 on random rules, busy time
// and knobs around DST changes: every start Slots lists is Bookable with
// the same hosts, and every start it does not list is refused.
func TestSlotsAgreeWithBookable(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2027))
	for round := range 200 {
		q := randomQuery(t, rng)
		slots, err := Slots(q)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		listed := map[time.Time]bool{}
		for i, s := range slots {
			listed[s.Start] = true
			if i > 0 && !slots[i-1].Start.Before(s.Start) {
				t.Fatalf("round %d: slots out of order at %s", round, s.Start)
			}
			if s.Start.Before(q.Now.Add(minutes(q.Type.MinNoticeMinutes))) || s.Start.Before(q.From) || !s.Start.Before(q.To) {
				t.Fatalf("round %d: slot %s is before the notice or outside [%s, %s)", round, s.Start, q.From, q.To)
			}
		}
		// Bookable prepares the query afresh on every call, as the booking
		// path does, so a sample of the slots keeps the test quick.
		sample := sampleSlots(rng, slots, 40)
		for _, s := range sample {
			hosts, err := Bookable(q, s.Start)
			if err != nil || !slices.Equal(hosts, s.Hosts) {
				t.Fatalf("round %d: listed %s with hosts %v, Bookable says %v, %v", round, s.Start, s.Hosts, hosts, err)
			}
		}
		for _, start := range probes(rng, q, sample) {
			if listed[start] || start.Before(q.From) || !start.Before(q.To) {
				continue
			}
			if hosts, err := Bookable(q, start); err == nil {
				t.Fatalf("round %d: %s is not listed but Bookable gives hosts %v", round, start, hosts)
			}
		}
	}
}

// probes are starts to try: random five-minute marks in the range (which
// often fall on a grid), and each sampled slot's start moved a little.
func probes(rng *rand.Rand, q Query, slots []Slot) []time.Time {
	var out []time.Time
	span := int(q.To.Sub(q.From) / (5 * time.Minute))
	for range 100 {
		out = append(out, q.From.Truncate(5*time.Minute).Add(time.Duration(rng.IntN(span+1))*5*time.Minute))
	}
	for _, s := range slots {
		for _, d := range []time.Duration{-q.Type.step(), -5 * time.Minute, time.Minute, q.Type.step()} {
			out = append(out, s.Start.Add(d))
		}
	}
	return out
}

// sampleSlots returns up to n of slots, the first and last among them.
func sampleSlots(rng *rand.Rand, slots []Slot, n int) []Slot {
	if len(slots) <= n {
		return slots
	}
	sample := []Slot{slots[0], slots[len(slots)-1]}
	for range n - 2 {
		sample = append(sample, slots[rng.IntN(len(slots))])
	}
	return sample
}

func randomQuery(t *testing.T, rng *rand.Rand) Query {
	pick := func(choices ...int) int { return choices[rng.IntN(len(choices))] }
	typ := Type{
		DurationMinutes:     pick(15, 30, 45, 60, 90),
		SlotIntervalMinutes: pick(0, 10, 15, 20, 30, 60),
		BufferBeforeMinutes: pick(0, 0, 5, 15, 30),
		BufferAfterMinutes:  pick(0, 0, 5, 15, 30),
		MinNoticeMinutes:    pick(0, 60, 240, 1440),
		HorizonDays:         1 + rng.IntN(20),
		MaxPerDay:           pick(0, 0, 1, 2, 3),
		Assignment:          []Assignment{AssignAny, AssignAll}[rng.IntN(2)],
	}
	around := wall(t, "UTC", changeDays[rng.IntN(len(changeDays))]+" 00:00")
	now := around.Add(time.Duration(rng.IntN(6*24*60)-3*24*60) * time.Minute).Add(time.Duration(rng.IntN(60)) * time.Second)
	from := now.Add(time.Duration(rng.IntN(3*24*60)-24*60) * time.Minute)
	to := from.Add(time.Duration(1+rng.IntN(10*24*60)) * time.Minute)
	q := Query{Now: now, From: from, To: to, Type: typ}
	for id := range 1 + rng.IntN(3) {
		q.Hosts = append(q.Hosts, randomHost(t, rng, HostID(id+1), now))
	}
	return q
}

func randomHost(t *testing.T, rng *rand.Rand, id HostID, now time.Time) Host {
	r := Rules{Zone: propertyZones[rng.IntN(len(propertyZones))]}
	for day := range r.Weekly {
		r.Weekly[day] = randomIntervals(rng)
	}
	for i := range rng.IntN(4) {
		date := DateOf(now).AddDays(i*2 - 3 + rng.IntN(2))
		r.Overrides = append(r.Overrides, Override{Date: date, Intervals: randomIntervals(rng)})
	}
	h := Host{ID: id, Rules: r, LastBookedAt: now.Add(-time.Duration(rng.IntN(1000)) * time.Hour)}
	for range rng.IntN(15) {
		from := now.Add(time.Duration(rng.IntN(10*24*60)-2*24*60) * time.Minute)
		h.Busy = append(h.Busy, Busy{From: from, To: from.Add(time.Duration(5+rng.IntN(180)) * time.Minute)})
	}
	for range rng.IntN(6) {
		h.Booked = append(h.Booked, now.Add(time.Duration(rng.IntN(8*24*60))*time.Minute))
	}
	if err := h.Rules.Validate(); err != nil {
		t.Fatalf("random rules do not validate: %v", err)
	}
	return h
}

// randomIntervals are zero to three disjoint intervals on five-minute
// marks, sometimes starting at 00:00 or ending at 24:00.
func randomIntervals(rng *rand.Rand) []Interval {
	marks := make([]int, 0, 6)
	for range 2 * rng.IntN(4) {
		marks = append(marks, rng.IntN(289))
	}
	if len(marks) > 0 && rng.IntN(4) == 0 {
		marks[0] = 0
	}
	if len(marks) > 0 && rng.IntN(4) == 0 {
		marks[len(marks)-1] = 288
	}
	slices.Sort(marks)
	marks = slices.Compact(marks)
	out := []Interval{}
	for i := 0; i+1 < len(marks); i += 2 {
		out = append(out, Interval{Start: Clock(marks[i] * 5), End: Clock(marks[i+1] * 5)})
	}
	return out
}
