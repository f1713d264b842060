package booking_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

func TestBookAppointment(t *testing.T) {
	ctx := context.Background()
	t.Run("booking a listed slot succeeds and takes it off the list", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		starts := fx.slotStarts(t, "career-chat")
		if len(starts) != 10 || !starts[0].Equal(at(9, 0)) || !starts[9].Equal(at(15, 45)) {
			t.Fatalf("slots %v, want ten from 09:00 to 15:45", starts)
		}
		res := fx.mustBookAt(t, "career-chat", at(9, 0), "ada@example.com")
		if res.Booking.Status != booking.Confirmed || !res.Appointment.StartsAt.Equal(at(9, 0)) || !res.Appointment.EndsAt.Equal(at(9, 45)) {
			t.Errorf("got %+v", res.Appointment)
		}
		if hostEmail(res) != "james@example.com" || res.Token == "" {
			t.Errorf("host %q, token %q", hostEmail(res), res.Token)
		}
		after := fx.slotStarts(t, "career-chat")
		// 09:45 is gone too: its call would start inside 09:00's buffer.
		if containsTime(after, at(9, 0)) || containsTime(after, at(9, 45)) || !containsTime(after, at(10, 30)) {
			t.Errorf("slots after booking 09:00: %v", after)
		}
		if kinds := fx.notices.kinds(res.Booking.Ref); len(kinds) != 2 || kinds[0] != booking.NoticeConfirmed {
			t.Errorf("notices %v", kinds)
		}
		fx.mustCheck(t)
	})
	t.Run("an unlisted start is slot_unavailable", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		for _, start := range []time.Time{at(9, 10), at(16, 30), at(8, 0), monday.AddDate(0, 0, -2).Add(10 * time.Hour), at(-80, 0)} {
			_, err := fx.bookAt("career-chat", start, "ada@example.com")
			wantSlotUnavailable(t, err)
		}
		fx.mustBookAt(t, "career-chat", at(12, 0), "ada@example.com")
		_, err := fx.bookAt("career-chat", at(12, 0), "grace@example.com")
		wantSlotUnavailable(t, err)
	})
	t.Run("the manage link, cancel and reschedule work on an appointment", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		res := fx.mustBookAt(t, "career-chat", at(10, 30), "ada@example.com")
		d, err := fx.svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
		if err != nil || d.Appointment == nil || d.Event.Title != "Career chat" || !d.Session.StartsAt.Equal(at(10, 30)) || d.Event.Timezone != "America/New_York" {
			t.Fatalf("get: %+v, %v", d, err)
		}
		moved, err := fx.svc.Reschedule(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}, at(13, 30))
		if err != nil {
			t.Fatal(err)
		}
		if !moved.Session.StartsAt.Equal(at(13, 30)) || moved.Booking.Sequence != 1 {
			t.Errorf("rescheduled to %v, sequence %d", moved.Session.StartsAt, moved.Booking.Sequence)
		}
		if starts := fx.slotStarts(t, "career-chat"); !containsTime(starts, at(10, 30)) || containsTime(starts, at(13, 30)) {
			t.Errorf("after reschedule: %v", starts)
		}
		if _, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{CoachID: fx.parveen.ID}); err == nil {
			t.Error("a coach who neither hosts the type nor attends cancelled it")
		}
		if _, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{CoachID: fx.coach.ID}); err != nil {
			t.Fatal(err)
		}
		if starts := fx.slotStarts(t, "career-chat"); !containsTime(starts, at(13, 30)) {
			t.Errorf("cancelled time not listed again: %v", starts)
		}
		if _, err := fx.svc.Move(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}, fx.workshop.Sessions[0].ID); err == nil {
			t.Error("an appointment was moved onto a workshop date")
		}
		fx.mustCheck(t)
	})
	t.Run("a client cancels with the manage link and the time is offered again", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		res := fx.mustBookAt(t, "career-chat", at(15, 0), "ada@example.com")
		got, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
		if err != nil || got.Status != booking.Cancelled {
			t.Fatalf("cancel: %+v, %v", got, err)
		}
		if !containsTime(fx.slotStarts(t, "career-chat"), at(15, 0)) {
			t.Error("cancelled time not listed again")
		}
		if kinds := fx.notices.kinds(res.Booking.Ref); kinds[len(kinds)-1] != booking.NoticeCoachCancellation {
			t.Errorf("notices %v", kinds)
		}
		fx.mustCheck(t)
	})
	t.Run("a workshop session its coach hosts blocks slots", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		if _, err := fx.events.AddSession(ctx, fx.coach.ID, fx.workshop.Slug, events.SessionInput{
			StartsAt: at(10, 0), EndsAt: at(12, 0), Capacity: 5}); err != nil {
			t.Fatal(err)
		}
		starts := fx.slotStarts(t, "career-chat")
		for _, blocked := range []time.Time{at(9, 45), at(10, 30), at(11, 15)} {
			if containsTime(starts, blocked) {
				t.Errorf("%s listed during the workshop", blocked.Format(time.Kitchen))
			}
			_, err := fx.bookAt("career-chat", blocked, "ada@example.com")
			wantSlotUnavailable(t, err)
		}
		if !containsTime(starts, at(9, 0)) || !containsTime(starts, at(12, 0)) {
			t.Errorf("slots around the workshop: %v", starts)
		}
	})
	t.Run("a workshop session cannot be moved onto its host's appointment", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		fx.mustBookAt(t, "career-chat", at(10, 30), "ada@example.com")
		sess, err := fx.events.AddSession(ctx, fx.coach.ID, fx.workshop.Slug, events.SessionInput{
			StartsAt: at(13, 0), EndsAt: at(15, 0), Capacity: 5})
		if err != nil {
			t.Fatal(err)
		}
		from, to := at(10, 0), at(12, 0)
		_, err = fx.svc.RescheduleSession(ctx, fx.coach.ID, sess.ID, events.SessionPatch{StartsAt: &from, EndsAt: &to})
		wantHostBusy(t, err)
		from, to = at(11, 30), at(12, 30) // starts as the call's buffer ends
		if _, err := fx.svc.RescheduleSession(ctx, fx.coach.ID, sess.ID, events.SessionPatch{StartsAt: &from, EndsAt: &to}); err != nil {
			t.Fatal(err)
		}
		fx.mustCheck(t)
	})
	t.Run("busy-feed times block slots", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		if err := fx.svc.ReplaceFeedBusy(ctx, fx.coach.ID, []availability.Busy{{From: at(13, 0), To: at(14, 0)}}); err != nil {
			t.Fatal(err)
		}
		if starts := fx.slotStarts(t, "career-chat"); containsTime(starts, at(12, 45)) || containsTime(starts, at(13, 30)) || !containsTime(starts, at(14, 15)) {
			t.Errorf("slots with 13:00–14:00 busy: %v", starts)
		}
	})
	t.Run("round robin picks the least recently booked host", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any", "parveen@example.com"))
		var got []string
		for i, start := range []time.Time{at(9, 0), at(10, 30), at(12, 0), at(13, 30)} {
			fx.clock.Advance(time.Minute) // bookings made at distinct moments
			got = append(got, hostEmail(fx.mustBookAt(t, "career-chat", start, fmt.Sprintf("c%d@example.com", i))))
		}
		want := []string{"james@example.com", "parveen@example.com", "james@example.com", "parveen@example.com"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("hosts %v, want %v", got, want)
		}
		// James has 09:00 already, so the free host takes it whatever the order.
		if h := hostEmail(fx.mustBookAt(t, "career-chat", at(9, 0), "late@example.com")); h != "parveen@example.com" {
			t.Errorf("09:00 again went to %s, want the free host", h)
		}
		fx.mustCheck(t)
	})
	t.Run("all needs every host free", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("duo", 0, "all", "parveen@example.com"))
		solo, err := fx.events.CreateAppointmentType(ctx, fx.parveen.ID, chatInput("parveen-solo", 0, "any"))
		if err != nil {
			t.Fatal(err)
		}
		fx.mustBookAt(t, solo.Slug, at(12, 0), "ada@example.com")
		if starts := fx.slotStarts(t, "duo"); containsTime(starts, at(12, 0)) || !containsTime(starts, at(10, 30)) {
			t.Errorf("joint slots with Parveen busy at 12:00: %v", starts)
		}
		_, err = fx.bookAt("duo", at(12, 0), "grace@example.com")
		wantSlotUnavailable(t, err)
		res := fx.mustBookAt(t, "duo", at(10, 30), "grace@example.com")
		if len(res.Appointment.Hosts) != 2 {
			t.Errorf("joint call hosts %v", res.Appointment.Hosts)
		}
		if starts := fx.slotStarts(t, solo.Slug); containsTime(starts, at(10, 30)) {
			t.Errorf("the joint call did not block Parveen's own type: %v", starts)
		}
		fx.mustCheck(t)
	})
}

// TestSlotsAreExactlyTheBookableStarts is the property of invariant 8's
// second half, on seeded random hours, knobs and existing appointments:
// a start the list offers books, and a start it does not offer is refused.
func TestSlotsAreExactlyTheBookableStarts(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 15))
			fx := newCoachingFixture(t)
			for _, id := range []int64{fx.coach.ID, fx.parveen.ID} {
				var week availability.Weekly
				for day := range week {
					from := availability.Clock(6*60 + rng.IntN(8)*30)
					week[day] = []availability.Interval{{Start: from, End: from + availability.Clock(60+rng.IntN(10)*30)}}
				}
				fx.putHours(t, id, week)
			}
			in := chatInput("prop", 0, []string{"any", "all"}[rng.IntN(2)], "parveen@example.com")
			in.DurationMinutes = 15 * (1 + rng.IntN(4))
			in.SlotIntervalMinutes = 15 * rng.IntN(3)
			in.BufferBeforeMinutes = 5 * rng.IntN(4)
			in.BufferAfterMinutes = 5 * rng.IntN(4)
			in.MaxPerDay = rng.IntN(4)
			fx.createType(t, in)
			var booked, refused int
			for i := range 30 {
				listed := fx.slotStarts(t, "prop")
				var start time.Time
				if len(listed) > 0 && rng.IntN(2) == 0 {
					start = listed[rng.IntN(len(listed))]
				} else {
					start = at(5, 0).Add(time.Duration(rng.IntN(18*12)) * 5 * time.Minute)
				}
				_, err := fx.bookAt("prop", start, fmt.Sprintf("p%d@example.com", i))
				if containsTime(listed, start) && err != nil {
					t.Fatalf("listed %s refused: %v", start.Format(time.Kitchen), err)
				}
				if !containsTime(listed, start) && err == nil {
					t.Fatalf("unlisted %s booked (listed %v)", start.Format(time.Kitchen), listed)
				}
				if err == nil {
					booked++
				} else {
					refused++
				}
			}
			if booked == 0 || refused == 0 {
				t.Errorf("%d booked, %d refused: the rules drawn test only one side", booked, refused)
			}
			fx.mustCheck(t)
		})
	}
}
