package booking_test

import (
	"context"
	"errors"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

func TestVisitorTimezone(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	id := fx.workshop.Sessions[0].ID

	t.Run("kept with the booking for the attendee's emails", func(t *testing.T) {
		res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "Ada Lovelace", Email: "ada@example.com", Seats: 1, Timezone: " America/New_York "})
		if err != nil {
			t.Fatal(err)
		}
		d, err := fx.svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := d.Booking.Timezone, "America/New_York"; got != want {
			t.Errorf("stored zone %q, want %q", got, want)
		}
		if got := fx.notices.list[len(fx.notices.list)-1].Booking.Timezone; got != "America/New_York" {
			t.Errorf("the confirmation notice carries zone %q", got)
		}
	})
	t.Run("not a zone is refused", func(t *testing.T) {
		_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "Bo", Email: "bo@example.com", Seats: 1, Timezone: "Mars/Olympus"})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Fields["timezone"] == "" {
			t.Fatalf("got %v, want invalid timezone", err)
		}
	})
}

func TestWaitlistPlace(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	id := fx.workshop.Sessions[0].ID
	fx.book(t, id, "holder@example.com", 10)
	var entries []booking.WaitlistEntry
	for _, email := range []string{"first@example.com", "second@example.com", "third@example.com"} {
		entry, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "Someone", Email: email, Seats: 1})
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, entry)
	}
	t.Run("counts from 1 in the order people joined", func(t *testing.T) {
		for i, entry := range entries {
			got, err := fx.svc.WaitlistPlace(ctx, entry.ID)
			if err != nil || got != i+1 {
				t.Errorf("entry %d: place %d, %v; want %d", i, got, err, i+1)
			}
		}
	})
	t.Run("an unknown entry is not found", func(t *testing.T) {
		_, err := fx.svc.WaitlistPlace(ctx, 999999)
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.NotFound {
			t.Fatalf("got %v, want not found", err)
		}
	})
}
