package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPricingAPI is issue #20 over HTTP: ticket types set by PATCH and
// shown by GET, a discount code, the quote shown before paying and a
// booking that mixes types with the code, every answer checked against
// docs/openapi.yaml by env.do.
func TestPricingAPI(t *testing.T) {
	e := newEnv(t)
	e.createLab() // sessions 1 and 2, £49
	status, raw := e.do("PATCH", "/api/v1/admin/events/career-clarity-lab", e.jamesToken, `{"ticket_types": [
		{"name": "Standard", "price_cents": 4900},
		{"name": "Concession", "price_cents": 2500, "quota": 2},
		{"name": "Alumni", "price_cents": 2900, "hidden": true},
		{"name": "Late", "price_cents": 5900, "on_sale_from": "2027-09-01T00:00:00Z"}]}`)
	if status != 200 {
		t.Fatalf("patch ticket types: %d %s", status, raw)
	}
	var event struct {
		TicketTypes []struct {
			ID     int64  `json:"id"`
			Name   string `json:"name"`
			OnSale bool   `json:"on_sale"`
			Left   *int   `json:"left"`
		} `json:"ticket_types"`
	}
	_, raw = e.do("GET", "/api/v1/events/career-clarity-lab", "", "")
	if err := json.Unmarshal([]byte(raw), &event); err != nil {
		t.Fatal(err)
	}
	if len(event.TicketTypes) != 3 {
		t.Fatalf("public ticket types %s; want Standard, Concession and Late (Alumni is hidden)", raw)
	}
	std, con, late := event.TicketTypes[0], event.TicketTypes[1], event.TicketTypes[2]
	if !std.OnSale || con.Left == nil || *con.Left != 2 || late.OnSale {
		t.Errorf("ticket types %+v: want Standard on sale, 2 concessions left, Late not yet on sale", event.TicketTypes)
	}

	if status, raw := e.do("POST", "/api/v1/admin/discount-codes", e.jamesToken,
		`{"code": "CLARITY20", "percent_off": 20, "max_uses": 10, "once_per_email": true, "events": ["career-clarity-lab"]}`); status != 201 || !strings.Contains(raw, `"uses":0`) {
		t.Fatalf("create code: %d %s", status, raw)
	}
	order := `"tickets": [{"ticket_type_id": ` + itoa(std.ID) + `, "quantity": 2}, {"ticket_type_id": ` + itoa(con.ID) + `, "quantity": 1}], "discount_code": "clarity20"`
	status, raw = e.do("POST", "/api/v1/sessions/1/quote", "", `{`+order+`}`)
	if status != 200 || !strings.Contains(raw, `"amount_cents":9840`) || !strings.Contains(raw, `"discount_cents":2460`) {
		t.Fatalf("quote: %d %s; want 12300 less 2460", status, raw)
	}
	status, raw = e.do("POST", "/api/v1/bookings", "", `{"session_id": 1, "name": "Ada Lovelace", "email": "ada@example.com", `+order+`}`)
	var booked struct {
		Status      string `json:"status"`
		Seats       int    `json:"seats"`
		AmountCents int64  `json:"amount_cents"`
		CheckoutURL string `json:"checkout_url"`
		Lines       []struct {
			Name        string `json:"name"`
			AmountCents int64  `json:"amount_cents"`
		} `json:"lines"`
	}
	if err := json.Unmarshal([]byte(raw), &booked); status != 201 || err != nil {
		t.Fatalf("book: %d %s", status, raw)
	}
	if booked.Status != "pending_payment" || booked.Seats != 3 || booked.AmountCents != 9840 || booked.CheckoutURL == "" || len(booked.Lines) != 2 {
		t.Errorf("booking %s: want 3 seats held at 9840 with a checkout and two lines", raw)
	}
	if status, raw := e.do("GET", "/api/v1/admin/discount-codes", e.jamesToken, ""); status != 200 || !strings.Contains(raw, `"uses":1`) {
		t.Errorf("codes: %d %s; want one use", status, raw)
	}

	for name, tc := range map[string]struct {
		body   string
		status int
		want   string
	}{
		"a code used by the same email again": {`{"session_id": 2, "name": "Ada", "email": "ada@example.com", "seats": 1, ` + order[strings.Index(order, `"discount_code"`):] + `}`, 422, `"discount_code"`},
		"an unknown code":                     {`{"session_id": 2, "name": "Bo", "email": "bo@example.com", "tickets": [{"ticket_type_id": ` + itoa(std.ID) + `, "quantity": 1}], "discount_code": "NOPE"}`, 422, `"discount_code"`},
		"seats alone with a choice of types":  {`{"session_id": 2, "name": "Bo", "email": "bo@example.com", "seats": 1}`, 422, `"tickets"`},
		"past the concession quota":           {`{"session_id": 2, "name": "Bo", "email": "bo@example.com", "tickets": [{"ticket_type_id": ` + itoa(con.ID) + `, "quantity": 2}]}`, 409, `"sold_out"`},
		"a type not yet on sale":              {`{"session_id": 2, "name": "Bo", "email": "bo@example.com", "tickets": [{"ticket_type_id": ` + itoa(late.ID) + `, "quantity": 1}]}`, 422, `not on sale yet`},
	} {
		t.Run(name, func(t *testing.T) {
			if status, raw := e.do("POST", "/api/v1/bookings", "", tc.body); status != tc.status || !strings.Contains(raw, tc.want) {
				t.Errorf("%d %s; want %d naming %s", status, raw, tc.status, tc.want)
			}
		})
	}
}
