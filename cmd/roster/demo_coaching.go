package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
)

const careerChatDescription = `A 45-minute one-to-one call with James or Parveen, whoever is free first.
Bring the decision you are weighing; leave with one next step.`

// loadCoachingDemo gives the demo coaches weekday hours (09:00–17:00,
// Europe/London) and the "Career chat" appointment type, hosted round
// robin by both.
func loadCoachingDemo(ctx context.Context, a *app, james, parveen coaches.Coach) error {
	var week availability.Weekly
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = []availability.Interval{{Start: 9 * 60, End: 17 * 60}}
	}
	for _, c := range []coaches.Coach{james, parveen} {
		if _, err := a.booking.PutAvailability(ctx, c.ID, booking.Availability{
			Rules: availability.Rules{Zone: "Europe/London", Weekly: week}}); err != nil {
			return fmt.Errorf("demo availability: %w", err)
		}
	}
	// Demo data tells nobody (see loadDemo).
	_, err := events.NewService(a.db, a.now).CreateAppointmentType(ctx, james.ID, events.AppointmentTypeInput{
		Slug: "career-chat", Title: "Career chat", Description: careerChatDescription, DurationMinutes: 45,
		PriceCents: 9000, Currency: "GBP", Location: "Online (Zoom)", OnlineURL: "https://zoom.example.com/j/career-chat",
		HostEmails: []string{parveen.Email}, Assignment: string(availability.AssignAny),
		BufferAfterMinutes: 15, MinNoticeMinutes: 240, HorizonDays: 60, Status: events.Published,
	})
	if errors.Is(err, events.ErrAppointmentSlugTaken) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}
