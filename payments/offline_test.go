package payments

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/roster-app/roster/fault"
)

func TestOfflineCreateCheckout(t *testing.T) {
	ctx := context.Background()
	o := NewOffline("http://localhost:8080/")
	req := testCheckoutRequest()
	req.ExpiresAt = time.Now().Add(15 * time.Minute)

	t.Run("OK", func(t *testing.T) {
		got, err := o.CreateCheckout(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !validOfflineID(got.ID, "cs") {
			t.Errorf("ID = %q, want offline_cs_<hex>", got.ID)
		}
		if want := "http://localhost:8080/checkout/test/" + got.ID + "?ref=CCL-7KQ2M9"; got.URL != want {
			t.Errorf("URL = %q, want %q", got.URL, want)
		}
		if !got.ExpiresAt.Equal(req.ExpiresAt) {
			t.Errorf("ExpiresAt = %v, want the hold's %v, unclamped", got.ExpiresAt, req.ExpiresAt)
		}
	})

	t.Run("a retry with the same idempotency key gets the same checkout", func(t *testing.T) {
		first, errFirst := o.CreateCheckout(ctx, req)
		retry, errRetry := o.CreateCheckout(ctx, req)
		next := req
		next.IdempotencyKey = "checkout-CCL-7KQ2M9-1"
		other, errOther := o.CreateCheckout(ctx, next)
		if err := errors.Join(errFirst, errRetry, errOther); err != nil {
			t.Fatal(err)
		}
		if first != retry {
			t.Errorf("retry = %+v, want %+v", retry, first)
		}
		if other.ID == first.ID {
			t.Errorf("keys %q and %q share checkout %s", req.IdempotencyKey, next.IdempotencyKey, first.ID)
		}
	})

	t.Run("an incomplete request is refused", func(t *testing.T) {
		bad := req
		bad.UnitAmount = 0
		if _, err := o.CreateCheckout(ctx, bad); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("err = %v, want %s", err, fault.Invalid)
		}
	})

	t.Run("ErrHoldExpired", func(t *testing.T) {
		late := req
		late.ExpiresAt = time.Now().Add(-time.Minute)
		if _, err := o.CreateCheckout(ctx, late); fault.CodeOf(err) != fault.HoldExpired {
			t.Errorf("err = %v, want %s", err, fault.HoldExpired)
		}
	})
}

// The offline provider's events must be the very Events a Stripe webhook
// for the same checkout would parse into, so that they exercise the same
// confirmation and release code.
func TestOfflineEventsMatchStripe(t *testing.T) {
	o := NewOffline("http://localhost:8080")
	s := &Stripe{webhookSecret: testWebhookSecret}
	now := webhookNow.Add(123 * time.Millisecond)

	stripeParse := func(t *testing.T, offline Event, status string) Event {
		t.Helper()
		session := fmt.Sprintf(`{"id": %q, "object": "checkout.session", "amount_total": %d, "currency": %q,
			"client_reference_id": %q, "metadata": {"booking_ref": %q}, "payment_intent": %s,
			"payment_status": %q, "status": %q}`,
			offline.CheckoutID, offline.AmountCents, strings.ToLower(offline.Currency), offline.Ref, offline.Ref,
			nullableJSON(offline.PaymentIntent), offline.PaymentStatus, status)
		payload := []byte(fmt.Sprintf(`{"id": %q, "object": "event", "api_version": %q, "created": %d,
			"data": {"object": %s}, "type": %q}`,
			offline.ID, stripe.APIVersion, offline.Created.Unix(), session, offline.Type))
		got, err := s.ParseWebhook(payload, sign(payload, testWebhookSecret, now), now)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	t.Run("Pay is a paid checkout.session.completed", func(t *testing.T) {
		got := o.CompleteEvent("offline_cs_0a1b2c", "CCL-7KQ2M9", 9800, "gbp", now)
		if got.Type != EventCheckoutCompleted || !got.Paid() || got.Currency != "GBP" || !validOfflineID(got.PaymentIntent, "pi") {
			t.Errorf("event = %+v", got)
		}
		if want := stripeParse(t, got, CheckoutComplete); got != want {
			t.Errorf("offline %+v\nstripe  %+v", got, want)
		}
	})

	t.Run("Abandon is an unpaid checkout.session.expired", func(t *testing.T) {
		got := o.ExpireEvent("offline_cs_0a1b2c", "CCL-7KQ2M9", now)
		if got.Type != EventCheckoutExpired || got.Paid() {
			t.Errorf("event = %+v", got)
		}
		if want := stripeParse(t, got, CheckoutExpired); got != want {
			t.Errorf("offline %+v\nstripe  %+v", got, want)
		}
	})

	t.Run("pressing Pay twice is one event delivered twice", func(t *testing.T) {
		first := o.CompleteEvent("offline_cs_0a1b2c", "CCL-7KQ2M9", 9800, "GBP", now)
		again := o.CompleteEvent("offline_cs_0a1b2c", "CCL-7KQ2M9", 9800, "GBP", now.Add(time.Second))
		if first.ID != again.ID || first.PaymentIntent != again.PaymentIntent || !validOfflineID(first.ID, "evt") {
			t.Errorf("first %+v\nagain %+v", first, again)
		}
	})

	t.Run("distinct events have distinct ids", func(t *testing.T) {
		ids := map[string]string{}
		for name, e := range map[string]Event{
			"pay":              o.CompleteEvent("offline_cs_0a1b2c", "CCL-7KQ2M9", 9800, "GBP", now),
			"abandon":          o.ExpireEvent("offline_cs_0a1b2c", "CCL-7KQ2M9", now),
			"another checkout": o.CompleteEvent("offline_cs_3d4e5f", "CCL-7KQ2M9", 9800, "GBP", now),
		} {
			if other, seen := ids[e.ID]; seen {
				t.Errorf("%s and %s share id %s", name, other, e.ID)
			}
			ids[e.ID] = name
		}
	})
}

func nullableJSON(s string) string {
	if s == "" {
		return "null"
	}
	return fmt.Sprintf("%q", s)
}

func TestOfflineRefund(t *testing.T) {
	ctx := context.Background()
	o := NewOffline("http://localhost:8080")
	paid := o.CompleteEvent("offline_cs_0a1b2c", "CCL-7KQ2M9", 9800, "GBP", time.Now())
	req := RefundRequest{Ref: "CCL-7KQ2M9", PaymentIntent: paid.PaymentIntent, AmountCents: 9800, Currency: "GBP", IdempotencyKey: "refund-CCL-7KQ2M9-1"}

	t.Run("an offline payment is refunded", func(t *testing.T) {
		got, err := o.Refund(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !validOfflineID(got.ID, "re") || got.AmountCents != 9800 || got.Status != "succeeded" {
			t.Errorf("refund = %+v", got)
		}
		retry, err := o.Refund(ctx, req)
		if err != nil || retry != got {
			t.Errorf("retry with the same key = %+v, %v; want %+v", retry, err, got)
		}
	})

	t.Run("a real payment is refused", func(t *testing.T) {
		real := req
		real.PaymentIntent = "pi_3Pxyz"
		if _, err := o.Refund(ctx, real); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("err = %v, want %s", err, fault.Invalid)
		}
	})
}

func TestOfflineCheckoutStatus(t *testing.T) {
	ctx := context.Background()
	o := NewOffline("http://localhost:8080")
	c, err := o.CreateCheckout(ctx, func() CheckoutRequest {
		req := testCheckoutRequest()
		req.ExpiresAt = time.Now().Add(time.Hour)
		return req
	}())
	if err != nil {
		t.Fatal(err)
	}

	t.Run("an offline checkout is open", func(t *testing.T) {
		got, err := o.CheckoutStatus(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != c.ID || got.Status != CheckoutOpen || got.Paid() {
			t.Errorf("session = %+v", got)
		}
	})

	t.Run("another id is not found", func(t *testing.T) {
		if _, err := o.CheckoutStatus(ctx, "cs_test_a1"); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("err = %v, want %s", err, fault.NotFound)
		}
	})
}

func TestOfflineAllowed(t *testing.T) {
	for _, tt := range []struct {
		baseURL  string
		explicit bool
		allowed  bool
	}{
		{"http://localhost:8080", false, true},
		{"https://localhost:8443", false, true},
		{"https://roster.localhost", false, true},
		{"https://127.0.0.1", false, true},
		{"https://[::1]:8443/", false, true},
		{"http://roster.example.com", false, false}, // issue #14: http is no safer
		{"http://192.168.1.5:8080", false, false},
		{"http://roster.example.com", true, true},
		{"https://roster.example.com", false, false},
		{"HTTPS://Roster.Example.com/", false, false},
		{"https://10.0.0.5", false, false},
		{"https://localhost.example.com", false, false},
		{"https://roster.example.com", true, true},
		{"://nonsense", false, false},
	} {
		name := fmt.Sprintf("%s explicit=%v", tt.baseURL, tt.explicit)
		t.Run(name, func(t *testing.T) {
			err := OfflineAllowed(tt.baseURL, tt.explicit)
			if got := err == nil; got != tt.allowed {
				t.Errorf("allowed = %v, want %v (err %v)", got, tt.allowed, err)
			}
		})
	}
}
