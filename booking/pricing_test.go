package booking_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

func TestTicketTypes(t *testing.T) {
	ctx := context.Background()
	t.Run("a booking mixes types on the same seats", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.setTypes(t, fx.lab, standardAndConcession()...)
		std, con := e.TicketTypes[0], e.TicketTypes[1]
		res, err := fx.reserveTickets(e.Sessions[0].ID, "ada@example.com", "",
			booking.TicketRequest{TicketTypeID: std.ID, Quantity: 2}, booking.TicketRequest{TicketTypeID: con.ID, Quantity: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Booking.AmountCents, int64(2*4900+2500); got != want {
			t.Errorf("amount %d, want %d", got, want)
		}
		if got, want := res.Booking.Seats, 3; got != want {
			t.Errorf("seats %d, want %d", got, want)
		}
		if got, want := fx.seatsLeft(t, e.Sessions[0].ID), 9; got != want {
			t.Errorf("seats left %d, want %d", got, want)
		}
		lines, err := fx.svc.Lines(ctx, res.Booking.ID)
		if err != nil || len(lines) != 2 || lines[0].Name != "Standard" || lines[0].Quantity != 2 || lines[1].GrossCents != 2500 {
			t.Errorf("lines %+v (%v)", lines, err)
		}
		fx.mustCheck(t)
	})

	t.Run("seats alone buy the event's one type", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.setTypes(t, fx.lab, events.TicketTypeInput{Name: "Standard", PriceCents: 3900})
		res := fx.book(t, e.Sessions[0].ID, "ada@example.com", 2)
		if res.Booking.AmountCents != 7800 || fx.sold(t, e.TicketTypes[0].ID) != 2 {
			t.Errorf("amount %d, sold %d; want 7800 and 2", res.Booking.AmountCents, fx.sold(t, e.TicketTypes[0].ID))
		}
	})

	t.Run("seats alone are refused when there is a choice", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.setTypes(t, fx.lab, standardAndConcession()...)
		_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: e.Sessions[0].ID, Name: "Ada", Email: "ada@example.com", Seats: 1})
		if fault.CodeOf(err) != fault.Invalid {
			t.Errorf("err %v, want validation_failed", err)
		}
	})

	t.Run("sale windows follow the clock", func(t *testing.T) {
		fx := newFixture(t) // the clock reads 2026-11-26
		e := fx.setTypes(t, fx.lab,
			events.TicketTypeInput{Name: "Early bird", PriceCents: 3900, OnSaleUntil: at2026(12, 1)},
			events.TicketTypeInput{Name: "Standard", PriceCents: 4900, OnSaleFrom: at2026(12, 1)})
		early, std := e.TicketTypes[0], e.TicketTypes[1]
		if _, err := fx.reserveTickets(e.Sessions[0].ID, "a@example.com", "", booking.TicketRequest{TicketTypeID: std.ID, Quantity: 1}); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("standard before its sale: %v, want validation_failed", err)
		}
		if _, err := fx.reserveTickets(e.Sessions[0].ID, "b@example.com", "", booking.TicketRequest{TicketTypeID: early.ID, Quantity: 1}); err != nil {
			t.Errorf("early bird on sale: %v", err)
		}
		fx.clock.Advance(5 * 24 * time.Hour)
		if _, err := fx.reserveTickets(e.Sessions[0].ID, "c@example.com", "", booking.TicketRequest{TicketTypeID: early.ID, Quantity: 1}); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("early bird after its sale: %v, want validation_failed", err)
		}
		if _, err := fx.reserveTickets(e.Sessions[0].ID, "d@example.com", "", booking.TicketRequest{TicketTypeID: std.ID, Quantity: 1}); err != nil {
			t.Errorf("standard on sale: %v", err)
		}
	})

	t.Run("a quota counts across dates and a cancel gives tickets back", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.setTypes(t, fx.workshop, events.TicketTypeInput{Name: "Early bird", PriceCents: 0, Quota: ptr(3)},
			events.TicketTypeInput{Name: "Standard", PriceCents: 0})
		early := e.TicketTypes[0]
		first, err := fx.reserveTickets(e.Sessions[0].ID, "a@example.com", "", booking.TicketRequest{TicketTypeID: early.ID, Quantity: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.reserveTickets(e.Sessions[1].ID, "b@example.com", "", booking.TicketRequest{TicketTypeID: early.ID, Quantity: 2}); fault.CodeOf(err) != fault.SoldOut {
			t.Fatalf("past the quota on the other date: %v, want sold_out", err)
		}
		if _, err := fx.svc.Cancel(ctx, first.Booking.Ref, booking.Actor{Token: first.Token}); err != nil {
			t.Fatal(err)
		}
		if got := fx.sold(t, early.ID); got != 0 {
			t.Fatalf("sold %d after the cancel, want 0", got)
		}
		if _, err := fx.reserveTickets(e.Sessions[1].ID, "b@example.com", "", booking.TicketRequest{TicketTypeID: early.ID, Quantity: 3}); err != nil {
			t.Errorf("the quota given back: %v", err)
		}
	})

	t.Run("a quota cannot drop below what is sold", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.setTypes(t, fx.workshop, events.TicketTypeInput{Name: "Early bird", Quota: ptr(3)})
		fx.book(t, e.Sessions[0].ID, "a@example.com", 2)
		_, err := fx.events.UpdateEvent(ctx, fx.coach.ID, e.Slug, events.EventPatch{TicketTypes: []events.TicketTypeInput{
			{ID: e.TicketTypes[0].ID, Name: "Early bird", Quota: ptr(1)}}})
		if fault.CodeOf(err) != fault.Invalid {
			t.Errorf("quota below sold: %v, want validation_failed", err)
		}
	})

	t.Run("a removed type is archived and its bookings keep their lines", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.setTypes(t, fx.lab, standardAndConcession()...)
		res, err := fx.reserveTickets(e.Sessions[0].ID, "a@example.com", "", booking.TicketRequest{TicketTypeID: e.TicketTypes[1].ID, Quantity: 1})
		if err != nil {
			t.Fatal(err)
		}
		e = fx.setTypes(t, e, events.TicketTypeInput{Name: "Standard", PriceCents: 5900})
		if e.TicketTypes[0].PriceCents != 5900 {
			t.Errorf("price change not applied: %+v", e.TicketTypes[0])
		}
		lines, err := fx.svc.Lines(ctx, res.Booking.ID)
		if err != nil || len(lines) != 1 || lines[0].UnitCents != 2500 {
			t.Errorf("lines %+v (%v), want the concession at 2500", lines, err)
		}
	})

	t.Run("pay what you want has a minimum", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.setTypes(t, fx.lab, events.TicketTypeInput{Name: "Pay what you can", PriceCents: 4900, MinPriceCents: ptr(int64(1000))})
		id := e.TicketTypes[0].ID
		if _, err := fx.reserveTickets(e.Sessions[0].ID, "a@example.com", "", booking.TicketRequest{TicketTypeID: id, Quantity: 1, PriceCents: ptr(int64(999))}); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("below the minimum: %v", err)
		}
		res, err := fx.reserveTickets(e.Sessions[0].ID, "b@example.com", "", booking.TicketRequest{TicketTypeID: id, Quantity: 2, PriceCents: ptr(int64(1500))})
		if err != nil || res.Booking.AmountCents != 3000 {
			t.Errorf("amount %d (%v), want 3000", res.Booking.AmountCents, err)
		}
	})

	t.Run("a hidden type needs a code", func(t *testing.T) {
		fx := newFixture(t)
		e := fx.setTypes(t, fx.lab, events.TicketTypeInput{Name: "Standard", PriceCents: 4900},
			events.TicketTypeInput{Name: "Alumni", PriceCents: 2900, Hidden: true})
		fx.code(t, booking.DiscountCodeInput{Code: "alumni", PercentOff: ptr(0 + 5), EventSlugs: []string{e.Slug}})
		alumni := booking.TicketRequest{TicketTypeID: e.TicketTypes[1].ID, Quantity: 1}
		if _, err := fx.reserveTickets(e.Sessions[0].ID, "a@example.com", "", alumni); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("hidden without a code: %v", err)
		}
		if res, err := fx.reserveTickets(e.Sessions[0].ID, "a@example.com", "ALUMNI", alumni); err != nil || res.Booking.AmountCents != 2755 {
			t.Errorf("hidden with the code: amount %d (%v), want 2755", res.Booking.AmountCents, err)
		}
	})
}

func TestCheckPricing(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, corrupt, want string }{
		{"a ticket type's count that drifted", `UPDATE ticket_types SET sold = sold + 1`, "ticket type"},
		{"a code's uses that drifted", `UPDATE discount_codes SET uses = uses + 1`, "discount code SAVE10"},
		{"an amount that differs from its lines", `UPDATE bookings SET amount_cents = amount_cents + 1`, "amount differs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			e := fx.setTypes(t, fx.lab, events.TicketTypeInput{Name: "Standard", PriceCents: 4900, Quota: ptr(5)})
			fx.code(t, booking.DiscountCodeInput{Code: "SAVE10", PercentOff: ptr(10)})
			if _, err := fx.svc.Reserve(ctx, booking.Request{SessionID: e.Sessions[0].ID, Name: "Ada", Email: "a@example.com", Seats: 1, DiscountCode: "SAVE10"}); err != nil {
				t.Fatal(err)
			}
			if _, err := fx.db.ExecContext(ctx, tc.corrupt); err != nil {
				t.Fatal(err)
			}
			violations, err := fx.svc.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, v := range violations {
				found = found || strings.Contains(v, tc.want)
			}
			if !found {
				t.Errorf("violations %q name nothing like %q", violations, tc.want)
			}
		})
	}
}

func TestWaitlistClaimWithTicketTypes(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	room := fx.createEvent(t, "Tiny Room", 4900, 2)
	e := fx.setTypes(t, room, events.TicketTypeInput{Name: "Early bird", PriceCents: 3900, Quota: ptr(1)},
		events.TicketTypeInput{Name: "Standard", PriceCents: 4900})
	date := e.Sessions[0]
	leaver, err := fx.reserveTickets(date.ID, "leaver@example.com", "", booking.TicketRequest{TicketTypeID: e.TicketTypes[0].ID, Quantity: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.reserveTickets(date.ID, "stayer@example.com", "", booking.TicketRequest{TicketTypeID: e.TicketTypes[1].ID, Quantity: 1}); err != nil {
		t.Fatal(err)
	}
	ben, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: date.ID, Name: "Ben", Email: "ben@example.com", Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.Cancel(ctx, leaver.Booking.Ref, booking.Actor{Token: leaver.Token}); err != nil {
		t.Fatal(err)
	}
	var claimURL string
	for _, n := range fx.notices.list {
		if n.Kind == booking.NoticeWaitlistOffer && n.Offer != nil && n.Offer.ID == ben.ID {
			claimURL = n.ClaimURL
		}
	}
	res, err := fx.svc.ClaimOffer(ctx, ben.ID, claimToken(claimURL))
	if err != nil {
		t.Fatal(err)
	}
	// The cancel gave the early-bird ticket back, so the claim gets it.
	if res.Booking.AmountCents != 3900 || fx.sold(t, e.TicketTypes[0].ID) != 1 {
		t.Errorf("claimed at %d with %d early birds sold; want 3900 and 1", res.Booking.AmountCents, fx.sold(t, e.TicketTypes[0].ID))
	}
	fx.mustCheck(t)
}
