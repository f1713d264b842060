package booking_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

func wantHostBusy(t testing.TB, err error) {
	t.Helper()
	if fault.CodeOf(err) != fault.HostBusy {
		t.Fatalf("got %v, want host_busy", err)
	}
}

func TestWorkshopDatesOverAppointments(t *testing.T) {
	ctx := context.Background()
	newDate := func(hh, mm, hours int) events.SessionInput {
		start := at(hh, mm)
		return events.SessionInput{StartsAt: start, EndsAt: start.Add(time.Duration(hours) * time.Hour), Capacity: 5}
	}
	t.Run("adding a date over a host's appointment is host_busy naming the host and time", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		fx.mustBookAt(t, "career-chat", at(10, 30), "ada@example.com")
		_, err := fx.svc.AddSession(ctx, fx.coach.ID, fx.workshop.Slug, newDate(10, 0, 2))
		wantHostBusy(t, err)
		if msg := err.Error(); !strings.Contains(msg, fx.coach.Name) || !strings.Contains(msg, "10:30") {
			t.Errorf("message %q names neither the host nor the time", msg)
		}
		e, err := fx.events.EventBySlug(ctx, fx.workshop.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Sessions) != len(fx.workshop.Sessions) {
			t.Errorf("a refused date was stored: %d dates, want %d", len(e.Sessions), len(fx.workshop.Sessions))
		}
	})
	t.Run("a date in the call's buffer is refused, one after it is added", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		fx.mustBookAt(t, "career-chat", at(10, 30), "ada@example.com") // 10:30–11:15, buffer to 11:30
		_, err := fx.svc.AddSession(ctx, fx.coach.ID, fx.workshop.Slug, newDate(11, 15, 1))
		wantHostBusy(t, err)
		if _, err := fx.svc.AddSession(ctx, fx.coach.ID, fx.workshop.Slug, newDate(11, 30, 1)); err != nil {
			t.Fatal(err)
		}
		fx.mustCheck(t)
	})
	t.Run("creating an event with a date over a co-host's appointment is refused whole", func(t *testing.T) {
		fx := newCoachingFixture(t)
		typ := chatInput("parveen-chat", 0, "any")
		typ.HostEmails = nil
		if _, err := fx.events.CreateAppointmentType(ctx, fx.parveen.ID, typ); err != nil {
			t.Fatal(err)
		}
		fx.mustBookAt(t, "parveen-chat", at(13, 30), "ada@example.com")
		in := events.EventInput{Slug: "team-lab", Title: "Team lab", Timezone: "Europe/London", Currency: "GBP",
			Location: "Online", Status: events.Published, HostEmails: []string{"parveen@example.com"},
			Sessions: []events.SessionInput{newDate(9, 0, 1), newDate(13, 30, 1)}}
		_, err := fx.svc.CreateEvent(ctx, fx.coach.ID, in)
		wantHostBusy(t, err)
		if _, err := fx.events.EventBySlug(ctx, "team-lab"); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("a refused event was stored: %v", err)
		}
		in.Sessions = in.Sessions[:1]
		if _, err := fx.svc.CreateEvent(ctx, fx.coach.ID, in); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAddingCoHostOverAppointment(t *testing.T) {
	ctx := context.Background()
	t.Run("a co-host added to an event whose date overlaps their appointment is host_busy naming them", func(t *testing.T) {
		fx := newCoachingFixture(t)
		typ := chatInput("parveen-chat", 0, "any")
		typ.HostEmails = nil
		if _, err := fx.events.CreateAppointmentType(ctx, fx.parveen.ID, typ); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.AddSession(ctx, fx.coach.ID, fx.workshop.Slug,
			events.SessionInput{StartsAt: at(10, 0), EndsAt: at(12, 0), Capacity: 5}); err != nil {
			t.Fatal(err)
		}
		fx.mustBookAt(t, "parveen-chat", at(10, 30), "ada@example.com")
		hosts := []string{fx.coach.Email, fx.parveen.Email}
		_, err := fx.svc.UpdateEvent(ctx, fx.coach.ID, fx.workshop.Slug, events.EventPatch{HostEmails: hosts})
		wantHostBusy(t, err)
		if !strings.Contains(err.Error(), fx.parveen.Name) {
			t.Errorf("message %q does not name the new host", err)
		}
		e, err := fx.events.EventBySlug(ctx, fx.workshop.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Hosts) != 1 {
			t.Errorf("a refused co-host was stored: %d hosts", len(e.Hosts))
		}
		fx.mustCheck(t)
	})
	t.Run("a co-host free at every date is added", func(t *testing.T) {
		fx := newCoachingFixture(t)
		hosts := []string{fx.coach.Email, fx.parveen.Email}
		e, err := fx.svc.UpdateEvent(ctx, fx.coach.ID, fx.workshop.Slug, events.EventPatch{HostEmails: hosts})
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Hosts) != 2 {
			t.Errorf("got %d hosts, want 2", len(e.Hosts))
		}
	})
}
