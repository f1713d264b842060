package booking_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
)

// monday is a day the coaching fixture's coaches work, 09:00–17:00 in
// London (UTC in November), four days after the fixture's clock.
var monday = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

// at returns monday at hh:mm UTC.
func at(hh, mm int) time.Time {
	return monday.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
}

type coachingFixture struct {
	*fixture
	parveen coaches.Coach
}

// newCoachingFixture is the booking fixture plus a second coach, Parveen,
// and weekday hours 09:00–17:00 Europe/London for both coaches.
func newCoachingFixture(t testing.TB) *coachingFixture {
	t.Helper()
	fx := &coachingFixture{fixture: newFixture(t)}
	ctx := context.Background()
	var err error
	if fx.parveen, err = fx.coaches.Add(ctx, "parveen@example.com", "Parveen Singh", ""); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{fx.coach.ID, fx.parveen.ID} {
		fx.putHours(t, id, weekdays("09:00", "17:00"))
	}
	return fx
}

func weekdays(start, end string) availability.Weekly {
	s, _ := availability.ParseClock(start)
	e, _ := availability.ParseClock(end)
	var w availability.Weekly
	for day := time.Monday; day <= time.Friday; day++ {
		w[day] = []availability.Interval{{Start: s, End: e}}
	}
	return w
}

func (fx *coachingFixture) putHours(t testing.TB, coachID int64, week availability.Weekly) {
	t.Helper()
	_, err := fx.svc.PutAvailability(context.Background(), coachID, booking.Availability{
		Rules: availability.Rules{Zone: "Europe/London", Weekly: week}})
	if err != nil {
		t.Fatal(err)
	}
}

// chatInput is a 45-minute call with 15 minutes kept free after it,
// 4 hours' notice, hosted by the given coaches (James is always first).
func chatInput(slug string, price int64, assignment string, coHosts ...string) events.AppointmentTypeInput {
	return events.AppointmentTypeInput{
		Slug: slug, Title: "Career chat", Description: "Talk it through.", DurationMinutes: 45,
		PriceCents: price, Currency: "GBP", Location: "Online", OnlineURL: "https://meet.example.com/chat",
		HostEmails: coHosts, Assignment: assignment, BufferAfterMinutes: 15, MinNoticeMinutes: 240,
		HorizonDays: 60, Status: events.Published,
	}
}

func (fx *coachingFixture) createType(t testing.TB, in events.AppointmentTypeInput) events.AppointmentType {
	t.Helper()
	typ, err := fx.events.CreateAppointmentType(context.Background(), fx.coach.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

// slotStarts lists the starts of a type's slots on monday, in UTC.
func (fx *coachingFixture) slotStarts(t testing.TB, slug string) []time.Time {
	t.Helper()
	day := availability.DateOf(monday)
	list, err := fx.svc.Slots(context.Background(), slug, day, day, "Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]time.Time, len(list.Slots))
	for i, s := range list.Slots {
		out[i] = s.Start.UTC()
	}
	return out
}

func (fx *coachingFixture) bookAt(slug string, start time.Time, email string) (booking.AppointmentResult, error) {
	return fx.svc.BookAppointment(context.Background(), booking.AppointmentRequest{
		TypeSlug: slug, Start: start, Name: "Ada Lovelace", Email: email, Timezone: "America/New_York"})
}

func (fx *coachingFixture) mustBookAt(t testing.TB, slug string, start time.Time, email string) booking.AppointmentResult {
	t.Helper()
	res, err := fx.bookAt(slug, start, email)
	if err != nil {
		t.Fatalf("book %s at %s: %v", slug, start.Format(time.Kitchen), err)
	}
	return res
}

func containsTime(list []time.Time, x time.Time) bool {
	for _, v := range list {
		if v.Equal(x) {
			return true
		}
	}
	return false
}

func hostEmail(res booking.AppointmentResult) string {
	if len(res.Appointment.Hosts) == 0 {
		return ""
	}
	return res.Appointment.Hosts[0].Email
}

func wantSlotUnavailable(t testing.TB, err error) {
	t.Helper()
	if !errors.Is(err, booking.ErrSlotUnavailable) {
		t.Fatalf("got %v, want slot_unavailable", err)
	}
}
