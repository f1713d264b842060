package booking_test

import (
	"context"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

// setTypes replaces the event's ticket types and returns the event with
// them, in order.
func (fx *fixture) setTypes(t testing.TB, e events.Event, types ...events.TicketTypeInput) events.Event {
	t.Helper()
	updated, err := fx.events.UpdateEvent(context.Background(), fx.coach.ID, e.Slug, events.EventPatch{TicketTypes: types})
	if err != nil {
		t.Fatalf("set ticket types: %v", err)
	}
	if len(updated.TicketTypes) != len(types) {
		t.Fatalf("event has %d ticket types, want %d", len(updated.TicketTypes), len(types))
	}
	return updated
}

func (fx *fixture) code(t testing.TB, in booking.DiscountCodeInput) booking.DiscountCode {
	t.Helper()
	c, err := fx.svc.CreateDiscountCode(context.Background(), fx.coach.ID, in)
	if err != nil {
		t.Fatalf("create code: %v", err)
	}
	return c
}

func (fx *fixture) reserveTickets(sessionID int64, email, code string, tickets ...booking.TicketRequest) (booking.Result, error) {
	return fx.svc.Reserve(context.Background(), booking.Request{SessionID: sessionID, Name: "Ada Lovelace", Email: email,
		Tickets: tickets, DiscountCode: code})
}

func (fx *fixture) sold(t testing.TB, typeID int64) int {
	t.Helper()
	tt, err := events.TicketTypeByID(context.Background(), fx.db, typeID)
	if err != nil {
		t.Fatal(err)
	}
	return tt.Sold
}

func (fx *fixture) uses(t testing.TB, codeID int64) int {
	t.Helper()
	var n int
	if err := fx.db.GetContext(context.Background(), &n, fx.db.Rebind(`SELECT uses FROM discount_codes WHERE id = ?`), codeID); err != nil {
		t.Fatal(err)
	}
	return n
}

func standardAndConcession() []events.TicketTypeInput {
	return []events.TicketTypeInput{{Name: "Standard", PriceCents: 4900}, {Name: "Concession", PriceCents: 2500}}
}

func at2026(month time.Month, day int) *time.Time {
	return ptr(time.Date(2026, month, day, 0, 0, 0, 0, time.UTC))
}
