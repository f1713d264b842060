package payments

import (
	"context"
	"testing"
)

// TestStripeCheckoutLines is issue #20's checkout: one line per ticket
// type and the discount as a discount, so Stripe's receipt and total agree
// with Roster's.
func TestStripeCheckoutLines(t *testing.T) {
	ctx := context.Background()
	t.Run("ticket types are lines and the discount a single-use coupon", func(t *testing.T) {
		s, rec := newMockedStripe(t, testNow)
		req := testCheckoutRequest()
		req.Lines = []CheckoutLine{{Name: "Standard", UnitAmount: 4900, Quantity: 2}, {Name: "Concession", UnitAmount: 2500, Quantity: 1}}
		req.DiscountCents, req.DiscountName = 2460, "CLARITY20"
		if got, want := req.AmountCents(), int64(9840); got != want {
			t.Fatalf("AmountCents() = %d, want %d", got, want)
		}
		if _, err := s.CreateCheckout(ctx, req); err != nil {
			t.Fatal(err)
		}
		sent := rec.requests()
		if len(sent) != 2 || sent[0].Path != "/v1/coupons" || sent[1].Path != "/v1/checkout/sessions" {
			t.Fatalf("sent %d requests, want a coupon then a checkout", len(sent))
		}
		coupon, checkout := sent[0], sent[1]
		for field, want := range map[string]string{
			"amount_off": "2460", "currency": "gbp", "duration": "once", "max_redemptions": "1", "name": "CLARITY20",
			"metadata[booking_ref]": "CCL-7KQ2M9",
		} {
			if got := coupon.Form.Get(field); got != want {
				t.Errorf("coupon %s = %q, want %q", field, got, want)
			}
		}
		if got, want := coupon.Header.Get("Idempotency-Key"), req.IdempotencyKey+"-coupon"; got != want {
			t.Errorf("coupon Idempotency-Key = %q, want %q", got, want)
		}
		for field, want := range map[string]string{
			"line_items[0][price_data][unit_amount]":        "4900",
			"line_items[0][quantity]":                       "2",
			"line_items[0][price_data][product_data][name]": req.ProductName + " · Standard",
			"line_items[1][price_data][unit_amount]":        "2500",
			"line_items[1][quantity]":                       "1",
			"line_items[1][price_data][product_data][name]": req.ProductName + " · Concession",
		} {
			if got := checkout.Form.Get(field); got != want {
				t.Errorf("%s = %q, want %q", field, got, want)
			}
		}
		if checkout.Form.Get("discounts[0][coupon]") == "" {
			t.Errorf("the checkout carries no coupon: %v", checkout.Form)
		}
	})

	t.Run("tax added to prices is a line of its own", func(t *testing.T) {
		s, rec := newMockedStripe(t, testNow)
		req := testCheckoutRequest()
		req.Lines = []CheckoutLine{{Name: "Standard", UnitAmount: 4900, Quantity: 2}}
		req.DiscountCents, req.DiscountName = 1960, "CLARITY20"
		req.TaxCents, req.TaxName = 1568, "VAT 20%"
		if got, want := req.AmountCents(), int64(9408); got != want {
			t.Fatalf("AmountCents() = %d, want %d", got, want)
		}
		if _, err := s.CreateCheckout(ctx, req); err != nil {
			t.Fatal(err)
		}
		sent := rec.requests()
		checkout := sent[len(sent)-1]
		for field, want := range map[string]string{
			"line_items[1][price_data][unit_amount]":        "1568",
			"line_items[1][quantity]":                       "1",
			"line_items[1][price_data][product_data][name]": "VAT 20%",
		} {
			if got := checkout.Form.Get(field); got != want {
				t.Errorf("%s = %q, want %q", field, got, want)
			}
		}
	})

	t.Run("no discount sends no coupon", func(t *testing.T) {
		s, rec := newMockedStripe(t, testNow)
		req := testCheckoutRequest()
		req.Lines = []CheckoutLine{{Name: "Standard", UnitAmount: 4900, Quantity: 1}}
		if _, err := s.CreateCheckout(ctx, req); err != nil {
			t.Fatal(err)
		}
		if sent := rec.requests(); len(sent) != 1 || sent[0].Form.Get("discounts[0][coupon]") != "" {
			t.Errorf("sent %d requests; want one checkout without a discount", len(sent))
		}
	})

	t.Run("a total of zero is refused", func(t *testing.T) {
		req := testCheckoutRequest()
		req.Lines = []CheckoutLine{{Name: "Standard", UnitAmount: 4900, Quantity: 1}}
		req.DiscountCents = 4900
		if err := req.Validate(); err == nil {
			t.Error("a checkout for nothing validated")
		}
	})
}
