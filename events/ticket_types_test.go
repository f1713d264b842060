package events_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

func TestTicketTypes(t *testing.T) {
	ctx := context.Background()
	ptr := func(n int) *int { return &n }
	at := func(day int) *time.Time { d := time.Date(2027, 8, day, 0, 0, 0, 0, time.UTC); return &d }
	for _, tc := range []struct {
		name  string
		types []events.TicketTypeInput
		field string
	}{
		{"a name is required", []events.TicketTypeInput{{PriceCents: 100}}, "ticket_types[0].name"},
		{"names differ", []events.TicketTypeInput{{Name: "Standard"}, {Name: "standard"}}, "ticket_types[1].name"},
		{"a price is not negative", []events.TicketTypeInput{{Name: "A", PriceCents: -1}}, "ticket_types[0].price_cents"},
		{"a minimum is at most the price", []events.TicketTypeInput{{Name: "A", PriceCents: 100, MinPriceCents: cents(101)}}, "ticket_types[0].min_price_cents"},
		{"a quota is not negative", []events.TicketTypeInput{{Name: "A", Quota: ptr(-1)}}, "ticket_types[0].quota"},
		{"a sale window runs forwards", []events.TicketTypeInput{{Name: "A", OnSaleFrom: at(2), OnSaleUntil: at(1)}}, "ticket_types[0].on_sale_until"},
		{"an id names a type of this event", []events.TicketTypeInput{{ID: 999, Name: "A"}}, "ticket_types[0].id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			e, err := fx.svc.CreateEvent(ctx, fx.james.ID, labInput())
			if err != nil {
				t.Fatal(err)
			}
			_, err = fx.svc.UpdateEvent(ctx, fx.james.ID, e.Slug, events.EventPatch{TicketTypes: tc.types})
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Fields[tc.field] == "" {
				t.Errorf("err %v, want validation_failed naming %s", err, tc.field)
			}
		})
	}

	t.Run("phases follow the window and the quota", func(t *testing.T) {
		sold := events.TicketType{Quota: ptr(2), Sold: 2}
		window := events.TicketType{OnSaleFrom: at(2), OnSaleUntil: at(4)}
		for _, c := range []struct {
			tt   events.TicketType
			now  time.Time
			want events.SalePhase
		}{
			{window, *at(1), events.NotYet}, {window, *at(2), events.OnSale}, {window, *at(4), events.SaleEnded},
			{sold, *at(1), events.QuotaTaken}, {events.TicketType{}, *at(1), events.OnSale},
		} {
			if got := c.tt.Phase(c.now); got != c.want {
				t.Errorf("Phase(%v) = %s, want %s", c.now, got, c.want)
			}
		}
	})

	t.Run("the public event lists its types in order and an empty list archives them", func(t *testing.T) {
		fx := newFixture(t)
		e, err := fx.svc.CreateEvent(ctx, fx.james.ID, labInput())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.UpdateEvent(ctx, fx.james.ID, e.Slug, events.EventPatch{TicketTypes: []events.TicketTypeInput{
			{Name: "Early bird", PriceCents: 3900}, {Name: "Standard", PriceCents: 4900}}}); err != nil {
			t.Fatal(err)
		}
		got, err := fx.svc.PublicEvent(ctx, e.Slug)
		if err != nil || len(got.TicketTypes) != 2 || got.TicketTypes[0].Name != "Early bird" || got.TicketTypes[1].Name != "Standard" {
			t.Fatalf("types %+v (%v)", got.TicketTypes, err)
		}
		if _, err := fx.svc.UpdateEvent(ctx, fx.james.ID, e.Slug, events.EventPatch{TicketTypes: []events.TicketTypeInput{}}); err != nil {
			t.Fatal(err)
		}
		if got, _ := fx.svc.PublicEvent(ctx, e.Slug); len(got.TicketTypes) != 0 {
			t.Errorf("after archiving all: %+v", got.TicketTypes)
		}
	})
}

func cents(n int64) *int64 { return &n }
