package main

import (
	"context"
	"testing"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestDemoHasCareerChat(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"DATABASE_URL": sqldbtest.URL(t)}
	m, _, stderr := newMain(env)
	if err := m.Run(ctx, []string{"demo"}); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	db, err := sqldb.Open(ctx, env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	chat, err := events.NewService(db, time.Now).PublicAppointmentType(ctx, "career-chat")
	if err != nil {
		t.Fatal(err)
	}
	if chat.DurationMinutes != 45 || chat.Assignment != "any" || len(chat.Hosts) != 2 ||
		chat.Hosts[0].Email != "james@example.com" || chat.Hosts[1].Email != "parveen@example.com" {
		t.Errorf("career chat %+v", chat)
	}
	svc := booking.NewService(db, nil, booking.Config{}, time.Now)
	today := availability.DateOf(time.Now().In(time.UTC))
	list, err := svc.Slots(ctx, "career-chat", today, today.AddDays(7), "Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Slots) == 0 {
		t.Fatal("no career chat slots in the coming week")
	}
	for _, s := range list.Slots {
		wall := s.Start.Format("15:04")
		if day := s.Start.Weekday(); day == time.Saturday || day == time.Sunday || wall < "09:00" || s.End.Format("15:04") > "17:00" {
			t.Errorf("slot %s outside weekday hours in London", s.Start)
		}
	}
}
