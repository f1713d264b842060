package payments

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/roster-app/roster/fault"
)

// The payloads below follow the events Stripe sends (trimmed of fields
// Roster does not read), and are signed exactly as Stripe signs them.

var webhookNow = time.Date(2027, 9, 22, 16, 30, 0, 0, time.UTC)

func stripeEventJSON(id, typ, apiVersion, object string) []byte {
	return []byte(fmt.Sprintf(`{
  "id": %q,
  "object": "event",
  "api_version": %q,
  "created": 1821616200,
  "data": {"object": %s},
  "livemode": false,
  "pending_webhooks": 1,
  "request": {"id": null, "idempotency_key": "checkout-CCL-7KQ2M9-0"},
  "type": %q
}`, id, apiVersion, object, typ))
}

// sessionJSON is a Checkout Session; clientRef may be empty (null) and
// paymentIntent too.
func sessionJSON(clientRef, paymentIntent, status, paymentStatus string) string {
	nullable := func(s string) string {
		if s == "" {
			return "null"
		}
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf(`{
    "id": "cs_test_a1B2c3",
    "object": "checkout.session",
    "amount_subtotal": 9800,
    "amount_total": 9800,
    "client_reference_id": %s,
    "currency": "gbp",
    "customer_email": "ada@example.com",
    "expires_at": 1821618000,
    "metadata": {"booking_ref": "CCL-7KQ2M9"},
    "mode": "payment",
    "payment_intent": %s,
    "payment_status": %q,
    "status": %q,
    "url": null
  }`, nullable(clientRef), nullable(paymentIntent), paymentStatus, status)
}

const chargeJSON = `{
    "id": "ch_3Pxyz",
    "object": "charge",
    "amount": 9800,
    "amount_captured": 9800,
    "amount_refunded": 4900,
    "currency": "gbp",
    "metadata": {"booking_ref": "CCL-7KQ2M9"},
    "payment_intent": "pi_3Pxyz",
    "refunded": false,
    "status": "succeeded"
  }`

func sign(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{
		Payload: payload, Secret: secret, Timestamp: at,
	}).Header
}

func TestParseWebhook(t *testing.T) {
	s := &Stripe{webhookSecret: testWebhookSecret}
	created := time.Unix(1821616200, 0).UTC()
	paid := Event{
		ID: "evt_1", Type: EventCheckoutCompleted, Created: created,
		CheckoutID: "cs_test_a1B2c3", Ref: "CCL-7KQ2M9", PaymentIntent: "pi_3Pxyz",
		PaymentStatus: PaymentPaid, AmountCents: 9800, Currency: "GBP", APIVersion: stripe.APIVersion,
	}
	with := func(e Event, change func(*Event)) Event {
		change(&e)
		return e
	}

	for _, tt := range []struct {
		name    string
		payload []byte
		want    Event
	}{
		{
			"a paid checkout is completed",
			stripeEventJSON("evt_1", EventCheckoutCompleted, stripe.APIVersion, sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "paid")),
			paid,
		},
		{
			"the ref falls back to metadata.booking_ref",
			stripeEventJSON("evt_1", EventCheckoutCompleted, stripe.APIVersion, sessionJSON("", "pi_3Pxyz", "complete", "paid")),
			paid,
		},
		{
			"a delayed payment that is not yet paid completes unpaid",
			stripeEventJSON("evt_1", EventCheckoutCompleted, stripe.APIVersion, sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "unpaid")),
			with(paid, func(e *Event) { e.PaymentStatus = PaymentUnpaid }),
		},
		{
			"a delayed payment succeeds",
			stripeEventJSON("evt_2", EventCheckoutAsyncSucceeded, stripe.APIVersion, sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "paid")),
			with(paid, func(e *Event) { e.ID, e.Type = "evt_2", EventCheckoutAsyncSucceeded }),
		},
		{
			"a delayed payment fails",
			stripeEventJSON("evt_3", EventCheckoutAsyncFailed, stripe.APIVersion, sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "unpaid")),
			with(paid, func(e *Event) { e.ID, e.Type, e.PaymentStatus = "evt_3", EventCheckoutAsyncFailed, PaymentUnpaid }),
		},
		{
			"an abandoned checkout expires",
			stripeEventJSON("evt_4", EventCheckoutExpired, stripe.APIVersion, sessionJSON("CCL-7KQ2M9", "", "expired", "unpaid")),
			with(paid, func(e *Event) {
				e.ID, e.Type, e.PaymentStatus, e.PaymentIntent = "evt_4", EventCheckoutExpired, PaymentUnpaid, ""
			}),
		},
		{
			"a refunded charge names its booking and payment",
			stripeEventJSON("evt_5", EventChargeRefunded, stripe.APIVersion, chargeJSON),
			Event{
				ID: "evt_5", Type: EventChargeRefunded, Created: created, Ref: "CCL-7KQ2M9", PaymentIntent: "pi_3Pxyz",
				AmountCents: 9800, Currency: "GBP", RefundedCents: 4900, APIVersion: stripe.APIVersion,
			},
		},
		{
			"an unknown type parses with its id and type only",
			stripeEventJSON("evt_6", "customer.created", stripe.APIVersion, `{"id": "cus_1", "object": "customer"}`),
			Event{ID: "evt_6", Type: "customer.created", Created: created, APIVersion: stripe.APIVersion},
		},
		{
			"another API version is accepted and recorded",
			stripeEventJSON("evt_1", EventCheckoutCompleted, "2024-06-20", sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "paid")),
			with(paid, func(e *Event) { e.APIVersion = "2024-06-20" }),
		},
		{
			"an expanded payment intent is reduced to its id",
			stripeEventJSON("evt_1", EventCheckoutCompleted, stripe.APIVersion, strings.Replace(
				sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "paid"),
				`"payment_intent": "pi_3Pxyz"`, `"payment_intent": {"id": "pi_3Pxyz", "object": "payment_intent"}`, 1)),
			paid,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ParseWebhook(tt.payload, sign(tt.payload, testWebhookSecret, webhookNow.Add(-30*time.Second)), webhookNow)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseWebhookRefuses(t *testing.T) {
	s := &Stripe{webhookSecret: testWebhookSecret}
	good := stripeEventJSON("evt_1", EventCheckoutCompleted, stripe.APIVersion, sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "paid"))
	signedAt := webhookNow.Add(-30 * time.Second)
	signedWith := func(secret string, at time.Time) func([]byte) string {
		return func(payload []byte) string { return sign(payload, secret, at) }
	}
	header := func(h string) func([]byte) string { return func([]byte) string { return h } }
	stale := webhookNow.Add(-10 * time.Minute)

	for _, tt := range []struct {
		name    string
		payload []byte
		header  func(payload []byte) string // nil: signed as Stripe signs, just now
	}{
		{"a signature made with another secret", good, signedWith("whsec_forged", signedAt)},
		{"a timestamp 10 minutes old", good, signedWith(testWebhookSecret, stale)},
		{"a timestamp 10 minutes ahead", good, signedWith(testWebhookSecret, webhookNow.Add(10*time.Minute))},
		{"a payload changed after signing", []byte(strings.Replace(string(good), "9800", "1", 1)), header(sign(good, testWebhookSecret, signedAt))},
		{"a stale signature given a fresh timestamp", good, header(strings.Replace(sign(good, testWebhookSecret, stale),
			fmt.Sprintf("t=%d", stale.Unix()), fmt.Sprintf("t=%d", signedAt.Unix()), 1))},
		{"a missing header", good, header("")},
		{"a header without a signature", good, header(fmt.Sprintf("t=%d", signedAt.Unix()))},
		{"a header that is not Stripe's", good, header("sha256=abcdef")},
		{"malformed JSON", []byte(`{"id": "evt_1", "type": `), nil},
		{"a body that is not an object", []byte(`[1, 2, 3]`), nil},
		{"an empty body", []byte{}, nil},
		{"an event without an id", stripeEventJSON("", EventCheckoutCompleted, stripe.APIVersion, sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "paid")), nil},
		{"a checkout event carrying a charge", stripeEventJSON("evt_1", EventCheckoutCompleted, stripe.APIVersion, chargeJSON), nil},
		{"a refund event carrying a session", stripeEventJSON("evt_1", EventChargeRefunded, stripe.APIVersion, sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "paid")), nil},
		{"a checkout event without its object", stripeEventJSON("evt_1", EventCheckoutCompleted, stripe.APIVersion, `null`), nil},
		{"a session with a malformed amount", stripeEventJSON("evt_1", EventCheckoutCompleted, stripe.APIVersion, strings.Replace(
			sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "paid"), `"amount_total": 9800`, `"amount_total": "lots"`, 1)), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sign := tt.header
			if sign == nil {
				sign = signedWith(testWebhookSecret, signedAt)
			}
			got, err := s.ParseWebhook(tt.payload, sign(tt.payload), webhookNow)
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Code != fault.Invalid {
				t.Fatalf("ParseWebhook = %+v, %v; want a %s error", got, err, fault.Invalid)
			}
		})
	}
}

// FuzzParseWebhook feeds signed payloads of every shape through the parser:
// it must never panic, and must refuse only with fault.Invalid.
func FuzzParseWebhook(f *testing.F) {
	f.Add(stripeEventJSON("evt_1", EventCheckoutCompleted, stripe.APIVersion, sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "paid")))
	f.Add(stripeEventJSON("evt_5", EventChargeRefunded, stripe.APIVersion, chargeJSON))
	f.Add(stripeEventJSON("evt_6", "customer.created", "2024-06-20", `{"id": "cus_1"}`))
	f.Add([]byte(`{"id": "evt_1", "type": "charge.refunded", "data": {"object": "ch_1"}}`))
	f.Add([]byte(`{"id": "evt_1", "type": "checkout.session.expired", "data": {}}`))
	f.Add([]byte(`null`))
	s := &Stripe{webhookSecret: testWebhookSecret}
	f.Fuzz(func(t *testing.T, payload []byte) {
		header := sign(payload, testWebhookSecret, webhookNow)
		e, err := s.ParseWebhook(payload, header, webhookNow)
		if err != nil {
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("error %v is not %s", err, fault.Invalid)
			}
			return
		}
		if e.ID == "" || e.Type == "" {
			t.Fatalf("accepted an event without id or type: %+v", e)
		}
	})
}
