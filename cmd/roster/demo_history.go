package main

import (
	"context"
	"fmt"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/secret"
)

// demoSoon is how far ahead the demo's near date is: close enough that
// its reminders come due while the demo runs.
const demoSoon = 3 * 24 * time.Hour

// demoDay returns 18:00 London time on the day that is offset from now.
func demoDay(now time.Time, offset time.Duration, london *time.Location) time.Time {
	day := now.Add(offset).In(london)
	return time.Date(day.Year(), day.Month(), day.Day(), 18, 0, 0, 0, london)
}

// loadDemoHistory gives the demo workshop a past: a date last week that
// Grace attended, and bookings on the near date, so an attendee's booking
// can be followed from hold to payment to the day itself. Payments go
// through the offline TEST MODE provider; with Stripe configured the
// demo has no bookings, since nobody can pay them.
//
// The past date is added, and booked, by a booking service whose clock
// stands before it: the same code as any booking, run as of last week.
func loadDemoHistory(ctx context.Context, a *app, james coaches.Coach, lab events.Event, london *time.Location) error {
	if a.offline == nil {
		return nil
	}
	past := demoDay(a.now(), -7*24*time.Hour, london)
	lastWeek := func() time.Time { return past.Add(-3 * 24 * time.Hour) }
	provider := payments.NewOfflineWithClock(a.cfg.BaseURL, lastWeek)
	then := booking.NewService(a.db, a.notifier, booking.Config{BaseURL: a.cfg.BaseURL, Payments: provider}, lastWeek)
	sess, err := then.AddSession(ctx, james.ID, lab.Slug, events.SessionInput{StartsAt: past, EndsAt: past.Add(2 * time.Hour), Capacity: 12})
	if err != nil {
		return fmt.Errorf("demo past date: %w", err)
	}
	if err := demoPaidBooking(ctx, then, provider, lastWeek, booking.Request{SessionID: sess.ID, Name: "Grace Hopper",
		Email: "grace@example.com", Seats: 1, Timezone: "America/New_York"}); err != nil {
		return err
	}
	for _, s := range lab.Sessions {
		if s.StartsAt.Sub(a.now()) > demoSoon+24*time.Hour {
			continue
		}
		if err := demoPaidBooking(ctx, a.booking, a.offline, a.now, booking.Request{SessionID: s.ID, Name: "Ada Lovelace",
			Email: "ada@example.com", Seats: 2, Timezone: "Europe/London"}); err != nil {
			return err
		}
	}
	return nil
}

// demoPaidBooking books and pays through the offline checkout, as an
// attendee pressing Pay would.
func demoPaidBooking(ctx context.Context, svc *booking.Service, provider *payments.Offline, now func() time.Time, req booking.Request) error {
	res, err := svc.Reserve(ctx, req)
	if err != nil {
		return fmt.Errorf("demo booking for %s: %w", req.Name, err)
	}
	if _, err := svc.StartCheckout(ctx, res.Booking.Ref, res.Token); err != nil {
		return fmt.Errorf("demo checkout for %s: %w", req.Name, err)
	}
	d, err := svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
	if err != nil {
		return err
	}
	paid := provider.CompleteEvent(d.Booking.PaymentRef, d.Booking.Ref, d.Booking.AmountCents, d.Booking.Currency, now())
	if _, err := svc.ApplyPayment(ctx, paid); err != nil {
		return fmt.Errorf("demo payment for %s: %w", req.Name, err)
	}
	return nil
}

// demoPassword gives the demo coach James a new random password, which
// serve prints once with the sign-in address: a demo started on a machine
// others can reach is not open to a password in the README.
func demoPassword(ctx context.Context, a *app) (string, error) {
	password := secret.RandomString(16)
	if err := a.coaches.SetPassword(ctx, "james@example.com", password); err != nil {
		return "", fmt.Errorf("demo password: %w", err)
	}
	return password, nil
}
