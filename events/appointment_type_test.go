package events_test

import (
	"context"
	"errors"
	"testing"

	"github.com/roster-app/roster/events"
)

func chatInput() events.AppointmentTypeInput {
	return events.AppointmentTypeInput{
		Slug: "career-chat", Title: "Career chat", Description: "Talk it through.", DurationMinutes: 45,
		PriceCents: 9000, Currency: "gbp", Location: "Online", OnlineURL: "https://meet.example.com/chat",
		HostEmails: []string{"parveen@example.com"}, BufferAfterMinutes: 15, MinNoticeMinutes: 240,
		Status: events.Published,
	}
}

func TestAppointmentTypes(t *testing.T) {
	ctx := context.Background()
	t.Run("create fills defaults and lists the acting coach first", func(t *testing.T) {
		fx := newFixture(t)
		got, err := fx.svc.CreateAppointmentType(ctx, fx.james.ID, chatInput())
		if err != nil {
			t.Fatal(err)
		}
		if got.Currency != "GBP" || got.Assignment != "any" || got.HorizonDays != events.DefaultHorizonDays ||
			got.RefundCutoffHours != events.DefaultRefundCutoffHours || len(got.ReminderOffsetsMinutes) != 2 {
			t.Errorf("defaults: %+v", got)
		}
		if len(got.Hosts) != 2 || got.Hosts[0].CoachID != fx.james.ID || got.Hosts[1].CoachID != fx.parveen.ID {
			t.Errorf("hosts %+v", got.Hosts)
		}
		public, err := fx.svc.PublicAppointmentType(ctx, "career-chat")
		if err != nil || public.ID != got.ID {
			t.Errorf("public: %v", err)
		}
		if _, err := fx.svc.CreateAppointmentType(ctx, fx.james.ID, chatInput()); !errors.Is(err, events.ErrAppointmentSlugTaken) {
			t.Errorf("second create: %v", err)
		}
	})
	t.Run("validation names every bad field by its JSON name", func(t *testing.T) {
		fx := newFixture(t)
		cases := map[string]func(*events.AppointmentTypeInput){
			"title":                    func(in *events.AppointmentTypeInput) { in.Title = "" },
			"slug":                     func(in *events.AppointmentTypeInput) { in.Slug = "Not A Slug" },
			"duration_minutes":         func(in *events.AppointmentTypeInput) { in.DurationMinutes = 0 },
			"price_cents":              func(in *events.AppointmentTypeInput) { in.PriceCents = -1 },
			"currency":                 func(in *events.AppointmentTypeInput) { in.Currency = "XAU" },
			"online_url":               func(in *events.AppointmentTypeInput) { in.OnlineURL = "javascript:alert(1)" },
			"hosts":                    func(in *events.AppointmentTypeInput) { in.HostEmails = []string{"nobody"} },
			"assignment":               func(in *events.AppointmentTypeInput) { in.Assignment = "some" },
			"buffer_before_minutes":    func(in *events.AppointmentTypeInput) { in.BufferBeforeMinutes = -5 },
			"horizon_days":             func(in *events.AppointmentTypeInput) { in.HorizonDays = 731 },
			"slot_interval_minutes":    func(in *events.AppointmentTypeInput) { in.SlotIntervalMinutes = -1 },
			"max_per_day":              func(in *events.AppointmentTypeInput) { in.MaxPerDay = -1 },
			"reminder_offsets_minutes": func(in *events.AppointmentTypeInput) { in.ReminderOffsetsMinutes = events.Minutes{60, 60} },
			"status":                   func(in *events.AppointmentTypeInput) { in.Status = "live" },
		}
		for field, spoil := range cases {
			in := chatInput()
			spoil(&in)
			_, err := fx.svc.CreateAppointmentType(ctx, fx.james.ID, in)
			assertFields(t, err, field)
		}
	})
	t.Run("only a host edits, and drafts are not public", func(t *testing.T) {
		fx := newFixture(t)
		in := chatInput()
		in.HostEmails = nil
		if _, err := fx.svc.CreateAppointmentType(ctx, fx.james.ID, in); err != nil {
			t.Fatal(err)
		}
		in.Status = events.Draft
		if _, err := fx.svc.UpdateAppointmentType(ctx, fx.parveen.ID, "career-chat", in); !errors.Is(err, events.ErrAppointmentTypeNotFound) {
			t.Errorf("a non-host edited: %v", err)
		}
		updated, err := fx.svc.UpdateAppointmentType(ctx, fx.james.ID, "career-chat", in)
		if err != nil || updated.Status != events.Draft {
			t.Fatalf("update: %+v, %v", updated, err)
		}
		if _, err := fx.svc.PublicAppointmentType(ctx, "career-chat"); !errors.Is(err, events.ErrAppointmentTypeNotFound) {
			t.Errorf("a draft is public: %v", err)
		}
		list, err := fx.svc.CoachAppointmentTypes(ctx, fx.james.ID)
		if err != nil || len(list) != 1 {
			t.Errorf("coach types %v, %v", list, err)
		}
	})
}
