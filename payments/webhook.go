package payments

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/roster-app/roster/fault"
)

// WebhookTolerance is how far a webhook's signed timestamp may be from now
// before the webhook is refused as a possible replay.
const WebhookTolerance = 5 * time.Minute

// ParseWebhook verifies a webhook Stripe sent to us and reduces its event to
// an Event. sigHeader is the request's Stripe-Signature header and payload
// the request body, unaltered.
//
// The signature is checked with stripe-go's webhook package against the
// webhook secret. The signed timestamp must be within WebhookTolerance of
// now, in either direction; stripe-go would compare it with time.Now, so its
// own check is switched off and this one, against the now passed in, is
// done instead on the timestamp the signature covers.
//
// Events rendered in any Stripe API version are accepted (stripe-go v76
// pins 2023-10-16, and would refuse others). Only fields that have been
// stable across API versions are read (ids, client_reference_id, metadata,
// payment_intent, payment_status, amount_total, currency, amount,
// amount_refunded), and Event.APIVersion records the version so a change
// can be spotted in the event log. An account's default version can move
// ahead of the library's; refusing its events would leave paid bookings
// unconfirmed until Stripe gave up retrying.
//
// The checkout.session.* event types and charge.refunded are reduced in
// full; any other type parses with only ID, Type, Created and APIVersion,
// for the caller to ignore. A missing or forged signature, a stale
// timestamp, a malformed payload, or a known type whose object is not the
// expected kind returns a fault.Invalid error, which the webhook handler
// answers with 400 (Stripe then retries, and shows the failure in its
// dashboard).
func (s *Stripe) ParseWebhook(payload []byte, sigHeader string, now time.Time) (Event, error) {
	return parseWebhook(payload, sigHeader, s.webhookSecret, now)
}

func parseWebhook(payload []byte, sigHeader, secret string, now time.Time) (Event, error) {
	if sigHeader == "" {
		return Event{}, fault.New(fault.Invalid, "webhook has no Stripe-Signature header")
	}
	se, err := webhook.ConstructEventWithOptions(payload, sigHeader, secret, webhook.ConstructEventOptions{
		IgnoreTolerance:          true,
		IgnoreAPIVersionMismatch: true,
	})
	switch {
	case errors.Is(err, webhook.ErrNotSigned), errors.Is(err, webhook.ErrInvalidHeader), errors.Is(err, webhook.ErrNoValidSignature):
		return Event{}, fmt.Errorf("%w: %w", fault.New(fault.Invalid, "webhook signature does not verify"), err)
	case err != nil:
		return Event{}, fmt.Errorf("%w: %w", fault.New(fault.Invalid, "webhook payload is malformed"), err)
	}
	signedAt, ok := signedTimestamp(sigHeader)
	if !ok {
		return Event{}, fault.New(fault.Invalid, "webhook signature has no timestamp")
	}
	if skew := now.Sub(signedAt); skew > WebhookTolerance || skew < -WebhookTolerance {
		return Event{}, fault.New(fault.Invalid, "webhook was signed at %s, more than %s from now",
			signedAt.UTC().Format(time.RFC3339), WebhookTolerance)
	}
	return eventFromStripe(se)
}

// signedTimestamp returns the t= value of a Stripe-Signature header
// ("t=1495999758,v1=ABC,v1=DEF"). Like stripe-go, which computed the
// signature it verified over it, it takes the last t= if there are several.
func signedTimestamp(header string) (time.Time, bool) {
	var (
		signedAt time.Time
		found    bool
	)
	for _, pair := range strings.Split(header, ",") {
		key, value, ok := strings.Cut(pair, "=")
		if !ok || key != "t" {
			continue
		}
		seconds, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		signedAt, found = time.Unix(seconds, 0), true
	}
	return signedAt, found
}

// eventFromStripe reduces a Stripe event to an Event.
func eventFromStripe(se stripe.Event) (Event, error) {
	if se.ID == "" || se.Type == "" {
		return Event{}, fault.New(fault.Invalid, "webhook event has no id or type")
	}
	e := Event{
		ID:         se.ID,
		Type:       string(se.Type),
		Created:    time.Unix(se.Created, 0).UTC(),
		APIVersion: se.APIVersion,
	}
	switch e.Type {
	case EventCheckoutCompleted, EventCheckoutAsyncSucceeded, EventCheckoutAsyncFailed, EventCheckoutExpired:
		var cs stripe.CheckoutSession
		if err := decodeObject(se, "checkout.session", &cs); err != nil {
			return Event{}, err
		}
		s := sessionFromStripe(&cs)
		e.CheckoutID, e.Ref, e.PaymentIntent, e.PaymentStatus = s.ID, s.Ref, s.PaymentIntent, s.PaymentStatus
		e.AmountCents, e.Currency = s.AmountCents, s.Currency
	case EventChargeRefunded:
		var ch stripe.Charge
		if err := decodeObject(se, "charge", &ch); err != nil {
			return Event{}, err
		}
		e.Ref = ch.Metadata[metadataRef]
		if ch.PaymentIntent != nil {
			e.PaymentIntent = ch.PaymentIntent.ID
		}
		e.AmountCents, e.Currency, e.RefundedCents = ch.Amount, upper(string(ch.Currency)), ch.AmountRefunded
	}
	return e, nil
}

// decodeObject decodes the event's data.object into v, which must be the
// Stripe object named kind ("checkout.session", "charge").
func decodeObject(se stripe.Event, kind string, v any) error {
	if se.Data == nil || len(se.Data.Raw) == 0 {
		return fault.New(fault.Invalid, "webhook event %s has no data.object", se.ID)
	}
	var head struct {
		Object string `json:"object"`
	}
	if err := json.Unmarshal(se.Data.Raw, &head); err != nil || head.Object != kind {
		return fault.New(fault.Invalid, "webhook event %s of type %s does not carry a %s", se.ID, se.Type, kind)
	}
	if err := json.Unmarshal(se.Data.Raw, v); err != nil {
		return fmt.Errorf("%w: %w", fault.New(fault.Invalid, "webhook event %s has a malformed %s", se.ID, kind), err)
	}
	return nil
}
