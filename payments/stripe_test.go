package payments

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/fault"
)

var testNow = time.Date(2027, 9, 1, 9, 0, 0, 0, time.UTC)

func testCheckoutRequest() CheckoutRequest {
	return CheckoutRequest{
		Ref:            "CCL-7KQ2M9",
		ProductName:    "Career Clarity Lab — Wed 22 Sep 2027, 18:00 BST",
		UnitAmount:     4900,
		Currency:       "GBP",
		Quantity:       2,
		CustomerEmail:  "ada@example.com",
		ExpiresAt:      testNow.Add(2 * time.Hour),
		SuccessURL:     "http://localhost:8080/bookings/CCL-7KQ2M9?paid={CHECKOUT_SESSION_ID}",
		CancelURL:      "http://localhost:8080/bookings/CCL-7KQ2M9",
		IdempotencyKey: "checkout-CCL-7KQ2M9-0",
	}
}

func TestNewStripe(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  StripeConfig
	}{
		{"secret key is required", StripeConfig{WebhookSecret: "whsec_x"}},
		{"webhook secret is required", StripeConfig{SecretKey: "sk_test_x"}},
		{"API base must be an http URL", StripeConfig{SecretKey: "sk_test_x", WebhookSecret: "whsec_x", APIBase: "localhost:12111"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewStripe(tt.cfg); err == nil {
				t.Fatal("NewStripe succeeded")
			}
		})
	}
}

func TestStripeCreateCheckout(t *testing.T) {
	ctx := context.Background()

	t.Run("stripe-mock accepts the session and it carries the booking", func(t *testing.T) {
		s, rec := newMockedStripe(t, testNow)
		req := testCheckoutRequest()
		got, err := s.CreateCheckout(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.ID, "cs_") || got.URL == "" {
			t.Errorf("checkout = %+v, want a cs_ id and a URL", got)
		}
		if !got.ExpiresAt.Equal(req.ExpiresAt) {
			t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, req.ExpiresAt)
		}

		sent := rec.requests()
		if len(sent) != 1 {
			t.Fatalf("sent %d requests, want 1", len(sent))
		}
		r := sent[0]
		if r.Method != http.MethodPost || r.Path != "/v1/checkout/sessions" {
			t.Errorf("sent %s %s", r.Method, r.Path)
		}
		if got, want := r.Header.Get("Idempotency-Key"), req.IdempotencyKey; got != want {
			t.Errorf("Idempotency-Key = %q, want %q", got, want)
		}
		for field, want := range map[string]string{
			"mode":                  "payment",
			"client_reference_id":   "CCL-7KQ2M9",
			"metadata[booking_ref]": "CCL-7KQ2M9",
			"payment_intent_data[metadata][booking_ref]":    "CCL-7KQ2M9",
			"line_items[0][price_data][currency]":           "gbp",
			"line_items[0][price_data][unit_amount]":        "4900",
			"line_items[0][price_data][product_data][name]": req.ProductName,
			"line_items[0][quantity]":                       "2",
			"customer_email":                                "ada@example.com",
			"expires_at":                                    strconv.FormatInt(req.ExpiresAt.Unix(), 10),
			"success_url":                                   req.SuccessURL,
			"cancel_url":                                    req.CancelURL,
		} {
			if got := r.Form.Get(field); got != want {
				t.Errorf("%s = %q, want %q", field, got, want)
			}
		}
	})

	t.Run("a short hold is stretched to Stripe's 30 minutes", func(t *testing.T) {
		s, rec := newMockedStripe(t, testNow)
		req := testCheckoutRequest()
		req.ExpiresAt = testNow.Add(15 * time.Minute)
		got, err := s.CreateCheckout(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		want := testNow.Add(32 * time.Minute) // 31 minutes, rounded up to the minute
		if !got.ExpiresAt.Equal(want) {
			t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, want)
		}
		if got, want := rec.requests()[0].Form.Get("expires_at"), strconv.FormatInt(want.Unix(), 10); got != want {
			t.Errorf("sent expires_at = %s, want %s", got, want)
		}
	})

	t.Run("an incomplete request is refused before Stripe", func(t *testing.T) {
		s, rec := newMockedStripe(t, testNow)
		req := testCheckoutRequest()
		req.Currency, req.Quantity, req.IdempotencyKey = "pounds", 0, ""
		_, err := s.CreateCheckout(ctx, req)
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid {
			t.Fatalf("err = %v, want %s", err, fault.Invalid)
		}
		for _, field := range []string{"currency", "quantity", "idempotency_key"} {
			if fe.Fields[field] == "" {
				t.Errorf("no message for %s in %v", field, fe.Fields)
			}
		}
		if n := len(rec.requests()); n != 0 {
			t.Errorf("sent %d requests, want none", n)
		}
	})

	t.Run("ErrHoldExpired", func(t *testing.T) {
		s, _ := newMockedStripe(t, testNow)
		req := testCheckoutRequest()
		req.ExpiresAt = testNow.Add(-time.Second)
		_, err := s.CreateCheckout(ctx, req)
		if got, want := fault.CodeOf(err), fault.HoldExpired; got != want {
			t.Fatalf("code = %q, want %q (err %v)", got, want, err)
		}
	})
}

func TestClampExpiry(t *testing.T) {
	now := time.Date(2027, 9, 1, 9, 0, 20, 0, time.UTC)
	for _, tt := range []struct {
		name      string
		want, got time.Time
	}{
		{"within the window it is kept", now.Add(3 * time.Hour), now.Add(3 * time.Hour)},
		{"too soon rounds up past 31 minutes", now.Add(10 * time.Minute), time.Date(2027, 9, 1, 9, 32, 0, 0, time.UTC)},
		{"exactly 30 minutes is too soon for Stripe", now.Add(30 * time.Minute), time.Date(2027, 9, 1, 9, 32, 0, 0, time.UTC)},
		{"too late rounds down from 23h59m", now.Add(48 * time.Hour), time.Date(2027, 9, 2, 8, 59, 0, 0, time.UTC)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := clampExpiry(tt.want, now)
			if !got.Equal(tt.got) {
				t.Errorf("clampExpiry(%v) = %v, want %v", tt.want, got, tt.got)
			}
			if life := got.Sub(now); life < 30*time.Minute || life > 24*time.Hour {
				t.Errorf("life %v is outside Stripe's window", life)
			}
		})
	}
}

func TestStripeRefund(t *testing.T) {
	ctx := context.Background()
	refund := RefundRequest{
		Ref: "CCL-7KQ2M9", PaymentIntent: "pi_3Pxyz", AmountCents: 4900, Currency: "GBP",
		IdempotencyKey: "refund-CCL-7KQ2M9-1",
	}

	t.Run("stripe-mock accepts a refund with Stripe's reason", func(t *testing.T) {
		s, rec := newMockedStripe(t, testNow)
		req := refund
		req.Reason = "requested_by_customer"
		got, err := s.Refund(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.ID, "re_") || got.Status == "" {
			t.Errorf("refund = %+v, want an re_ id and a status", got)
		}
		r := rec.requests()[0]
		if r.Path != "/v1/refunds" || r.Header.Get("Idempotency-Key") != req.IdempotencyKey {
			t.Errorf("sent %s with key %q", r.Path, r.Header.Get("Idempotency-Key"))
		}
		for field, want := range map[string]string{
			"payment_intent": "pi_3Pxyz", "amount": "4900", "reason": "requested_by_customer",
			"metadata[booking_ref]": "CCL-7KQ2M9", "metadata[reason]": "requested_by_customer",
		} {
			if got := r.Form.Get(field); got != want {
				t.Errorf("%s = %q, want %q", field, got, want)
			}
		}
	})

	t.Run("a reason of our own goes only into metadata", func(t *testing.T) {
		// stripe-mock refuses reasons outside Stripe's enumeration, so this
		// passing shows the free text was kept out of reason.
		s, rec := newMockedStripe(t, testNow)
		req := refund
		req.Reason = "paid after the hold expired and the session sold out"
		if _, err := s.Refund(ctx, req); err != nil {
			t.Fatal(err)
		}
		r := rec.requests()[0]
		if r.Form.Has("reason") || r.Form.Get("metadata[reason]") != req.Reason {
			t.Errorf("reason = %q, metadata[reason] = %q", r.Form.Get("reason"), r.Form.Get("metadata[reason]"))
		}
	})

	t.Run("an offline payment is refused", func(t *testing.T) {
		s, rec := newMockedStripe(t, testNow)
		req := refund
		req.PaymentIntent = "offline_pi_0123456789abcdef01234567"
		if _, err := s.Refund(ctx, req); fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("err = %v, want %s", err, fault.Invalid)
		}
		if n := len(rec.requests()); n != 0 {
			t.Errorf("sent %d requests, want none", n)
		}
	})
}

func TestStripeCheckoutStatus(t *testing.T) {
	ctx := context.Background()

	t.Run("stripe-mock's session parses", func(t *testing.T) {
		s, rec := newMockedStripe(t, testNow)
		got, err := s.CheckoutStatus(ctx, "cs_test_a1b2c3")
		if err != nil {
			t.Fatal(err)
		}
		// stripe-mock answers with a fixture, not the session asked for.
		if !strings.HasPrefix(got.ID, "cs_") || got.Status == "" || got.PaymentStatus == "" {
			t.Errorf("session = %+v", got)
		}
		if r := rec.requests()[0]; r.Method != http.MethodGet || r.Path != "/v1/checkout/sessions/cs_test_a1b2c3" {
			t.Errorf("sent %s %s", r.Method, r.Path)
		}
	})

	t.Run("a malformed id is not found without asking Stripe", func(t *testing.T) {
		s, rec := newMockedStripe(t, testNow)
		for _, id := range []string{"", "cs_", "pi_123", "cs_../../v1/charges", "cs_a?b"} {
			if _, err := s.CheckoutStatus(ctx, id); fault.CodeOf(err) != fault.NotFound {
				t.Errorf("CheckoutStatus(%q) err = %v, want %s", id, err, fault.NotFound)
			}
		}
		if n := len(rec.requests()); n != 0 {
			t.Errorf("sent %d requests, want none", n)
		}
	})
}

// TestStripeErrors covers failures stripe-mock cannot produce: they are
// played by a small HTTP server answering as Stripe's API does.
func TestStripeErrors(t *testing.T) {
	ctx := context.Background()
	stripeAnswering := func(t *testing.T, status int, body string) *Stripe {
		t.Helper()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		return newStripeAt(t, srv.URL)
	}

	for _, tt := range []struct {
		name   string
		status int
		body   string
		want   fault.Code
	}{
		{"a 500 is provider down", 500, `{"error": {"type": "api_error", "message": "Something went wrong"}}`, fault.PaymentProviderDown},
		{"a proxy's HTML 502 is provider down", 502, `<html>Bad Gateway</html>`, fault.PaymentProviderDown},
		{"a rate limit is provider down", 429, `{"error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests"}}`, fault.PaymentProviderDown},
		{"a missing object is not found", 404, `{"error": {"type": "invalid_request_error", "code": "resource_missing", "message": "No such payment_intent"}}`, fault.NotFound},
		{"an already refunded charge is a conflict", 400, `{"error": {"type": "invalid_request_error", "code": "charge_already_refunded", "message": "Charge has already been refunded."}}`, fault.Conflict},
		{"a reused idempotency key is a conflict", 400, `{"error": {"type": "idempotency_error", "message": "Keys for idempotent requests can only be used with the same parameters"}}`, fault.Conflict},
		{"a bad API key is an internal error", 401, `{"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := stripeAnswering(t, tt.status, tt.body)
			_, err := s.Refund(ctx, RefundRequest{Ref: "CCL-1", PaymentIntent: "pi_1", AmountCents: 100, Currency: "GBP", IdempotencyKey: "refund-CCL-1-1"})
			if err == nil {
				t.Fatal("Refund succeeded")
			}
			if got := fault.CodeOf(err); got != tt.want {
				t.Errorf("code = %q, want %q (err %v)", got, tt.want, err)
			}
		})
	}

	t.Run("an unreachable Stripe is provider down", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closedURL := "http://" + ln.Addr().String()
		ln.Close()
		s := newStripeAt(t, closedURL)
		_, err = s.CreateCheckout(ctx, testCheckoutRequest())
		if got := fault.CodeOf(err); got != fault.PaymentProviderDown {
			t.Fatalf("code = %q, want %q (err %v)", got, fault.PaymentProviderDown, err)
		}
	})

	t.Run("a cancelled request is not provider down", func(t *testing.T) {
		s, _ := newMockedStripe(t, testNow)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.CreateCheckout(cancelled, testCheckoutRequest())
		if !errors.Is(err, context.Canceled) || fault.CodeOf(err) != "" {
			t.Fatalf("err = %v, want context.Canceled and no code", err)
		}
	})
}

func newStripeAt(t *testing.T, apiBase string) *Stripe {
	t.Helper()
	s, err := NewStripe(StripeConfig{
		SecretKey: testSecretKey, WebhookSecret: testWebhookSecret, APIBase: apiBase,
		Now: func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
