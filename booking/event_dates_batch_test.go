package booking_test

import (
	"context"
	"testing"
	"time"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

func TestAddSessions(t *testing.T) {
	ctx := context.Background()
	weekly := func(hh, mm, weeks int) []events.SessionInput {
		var out []events.SessionInput
		for i := range weeks {
			start := at(hh, mm).AddDate(0, 0, 7*i)
			out = append(out, events.SessionInput{StartsAt: start, EndsAt: start.Add(time.Hour), Capacity: 5})
		}
		return out
	}
	t.Run("a weekly series is added whole", func(t *testing.T) {
		fx := newCoachingFixture(t)
		added, err := fx.svc.AddSessions(ctx, fx.coach.ID, fx.workshop.Slug, weekly(15, 0, 4))
		if err != nil {
			t.Fatal(err)
		}
		e, err := fx.events.EventBySlug(ctx, fx.workshop.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if len(added) != 4 || len(e.Sessions) != len(fx.workshop.Sessions)+4 {
			t.Errorf("added %d, event has %d dates; want 4 more than %d", len(added), len(e.Sessions), len(fx.workshop.Sessions))
		}
		fx.mustCheck(t)
	})
	t.Run("one date over a host's appointment refuses the whole series", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		fx.mustBookAt(t, "career-chat", at(10, 30), "ada@example.com")
		_, err := fx.svc.AddSessions(ctx, fx.coach.ID, fx.workshop.Slug, weekly(10, 0, 3))
		wantHostBusy(t, err)
		e, err := fx.events.EventBySlug(ctx, fx.workshop.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Sessions) != len(fx.workshop.Sessions) {
			t.Errorf("%d dates stored, want none of the series", len(e.Sessions)-len(fx.workshop.Sessions))
		}
	})
	t.Run("none, or more than a year of dates, is invalid", func(t *testing.T) {
		fx := newCoachingFixture(t)
		for _, n := range []int{0, 54} {
			if _, err := fx.svc.AddSessions(ctx, fx.coach.ID, fx.workshop.Slug, weekly(15, 0, n)); fault.CodeOf(err) != fault.Invalid {
				t.Errorf("%d dates: %v, want invalid", n, err)
			}
		}
	})
}
