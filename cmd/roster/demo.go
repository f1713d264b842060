package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
)

const demoDescription = `Feeling stuck, or between two paths? The **Career Clarity Lab** is a two-hour,
small-group workshop run by coaches James and Parveen Downer.

- Map what energises you and what drains you
- Turn three possible next steps into one small experiment
- Leave with a plan for the next 30 days

Bring a notebook. Cameras on is encouraged but never required.`

// loadDemo loads the Career Clarity Lab into an empty database: two coaches,
// a date a few days ahead, the next Sept 22 and 29, and (with offline
// payments) a date last week with bookings on it. It returns the demo
// coach James's new password. A database that already has events is left
// alone, so a second start does not duplicate it, and "" is returned.
func loadDemo(ctx context.Context, a *app) (string, error) {
	n, err := a.events.CountEvents(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "", nil
	}
	james, err := demoCoach(ctx, a, "james@example.com", "James Downer")
	if err != nil {
		return "", err
	}
	parveen, err := demoCoach(ctx, a, "parveen@example.com", "Parveen Downer")
	if err != nil {
		return "", err
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	in := events.EventInput{
		Slug: "career-clarity-lab", Title: "Career Clarity Lab",
		Summary:     "A two-hour small-group workshop to find your next career step.",
		Description: demoDescription, Timezone: "Europe/London", Location: "Online (Zoom)",
		OnlineURL: "https://zoom.example.com/j/career-clarity-lab", PriceCents: 4900, Currency: "GBP",
		Status: events.Published, HostEmails: []string{"parveen@example.com"},
	}
	soon := demoDay(a.now(), demoSoon, london)
	in.Sessions = append(in.Sessions, events.SessionInput{StartsAt: soon, EndsAt: soon.Add(2 * time.Hour), Capacity: 12})
	for _, day := range []int{22, 29} {
		start := nextSeptember(a.now(), day, london)
		if start.Sub(soon).Abs() < 24*time.Hour {
			continue // the near date is that day
		}
		in.Sessions = append(in.Sessions, events.SessionInput{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 12})
	}
	// Demo data tells nobody: its co-host gets no "you are now a host"
	// email, so this events service has no host notifier. The demo loads
	// into an empty database, so no appointment can clash with its dates.
	lab, err := events.NewService(a.db, a.now).CreateEvent(ctx, james.ID, in)
	if errors.Is(err, events.ErrSlugTaken) {
		return "", nil // another server loaded it at the same moment
	}
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	if err := loadDemoHistory(ctx, a, james, lab, london); err != nil {
		return "", err
	}
	if err := loadCoachingDemo(ctx, a, james, parveen); err != nil {
		return "", err
	}
	if err := a.coaches.SetReceiptAddress(ctx, james.ID, "Downer Coaching Ltd\n12 Canal Street\nOxford OX2 6BH"); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	password, err := demoPassword(ctx, a)
	if err != nil {
		return "", err
	}
	a.log.Info("demo loaded", "event", in.Slug, "url", a.cfg.BaseURL+"/events/"+in.Slug, "coaching", a.cfg.BaseURL+"/coaching/career-chat")
	return password, nil
}

func demoCoach(ctx context.Context, a *app, email, name string) (coaches.Coach, error) {
	c, err := a.coaches.Add(ctx, email, name, "")
	if errors.Is(err, coaches.ErrExists) {
		return a.coaches.ByEmail(ctx, email)
	}
	return c, err
}

// nextSeptember returns 18:00 London time on the given September day of the
// first year in which it is still ahead of now.
func nextSeptember(now time.Time, day int, london *time.Location) time.Time {
	for year := now.Year(); ; year++ {
		start := time.Date(year, time.September, day, 18, 0, 0, 0, london)
		if start.After(now) {
			return start
		}
	}
}
