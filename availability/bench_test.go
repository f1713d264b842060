package availability

import (
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkSlots60DaysTwoHosts lists 60 days of a round-robin type (45
// minutes every 15, weekdays 09:00-17:00 with a lunch break) for two hosts
// in London and New York, with 500 existing appointments between them and a
// 2,000-interval busy feed each. The goal is under 5 ms per call.
func BenchmarkSlots60DaysTwoHosts(b *testing.B) {
	rng := rand.New(rand.NewPCG(60, 2))
	typ := Type{DurationMinutes: 45, SlotIntervalMinutes: 15, BufferAfterMinutes: 15,
		MinNoticeMinutes: 240, HorizonDays: 60, MaxPerDay: 6, Assignment: AssignAny}
	now := utc(b, "2027-10-01T08:00:00Z") // both zones' autumn changes fall inside
	workday := hours(b, "09:00-12:30", "13:30-17:00")
	var week Weekly
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = workday
	}
	q := Query{Now: now, From: now, To: now.AddDate(0, 0, 61), Type: typ}
	for id, zone := range []string{london, newYork} {
		h := Host{ID: HostID(id + 1), Rules: Rules{Zone: zone, Weekly: week}}
		for range 250 {
			start := now.Add(time.Duration(rng.IntN(60*24*4)) * 15 * time.Minute)
			h.Busy = append(h.Busy, Buffered(start, start.Add(45*time.Minute), 0, 15))
			h.Booked = append(h.Booked, start)
		}
		for range 2000 {
			from := now.Add(time.Duration(rng.IntN(60*24*60)) * time.Minute)
			h.Busy = append(h.Busy, Busy{From: from, To: from.Add(time.Duration(15+rng.IntN(90)) * time.Minute)})
		}
		q.Hosts = append(q.Hosts, h)
	}
	slots, err := Slots(q)
	if err != nil {
		b.Fatal(err)
	}
	if len(slots) == 0 {
		b.Fatal("no slots: the benchmark measures nothing")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Slots(q); err != nil {
			b.Fatal(err)
		}
	}
}
