// Package payments takes card payments for Roster: a small Provider
// interface with two implementations, Stripe Checkout (Stripe) and an
// offline test provider (Offline) for development; verification of Stripe's
// webhooks into provider-neutral Events; and the payment_events table that
// makes applying each event at most once possible.
//
// The package knows Stripe and nothing of bookings or HTTP: a booking ref is
// an opaque string it carries to the provider and back. Amounts are int64
// minor units (pence, cents) with an ISO 4217 currency code; there are no
// floats.
package payments

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/roster-app/roster/fault"
)

// Provider takes payments through a hosted checkout page and refunds them.
type Provider interface {
	// CreateCheckout opens a hosted checkout for req and returns where to
	// send the attendee. It returns a fault.Invalid error for an incomplete
	// request, fault.HoldExpired if req.ExpiresAt has passed, and
	// fault.PaymentProviderDown when the provider cannot be reached.
	CreateCheckout(ctx context.Context, req CheckoutRequest) (Checkout, error)
	// Refund returns money to the attendee; see RefundRequest.
	Refund(ctx context.Context, req RefundRequest) (Refund, error)
	// CheckoutStatus asks the provider where a checkout stands, so a
	// success page can confirm a payment before its webhook arrives.
	CheckoutStatus(ctx context.Context, checkoutID string) (CheckoutSession, error)
	// Name is "stripe" or "offline".
	Name() string
	// Offline reports whether payments are simulated: no money moves.
	Offline() bool
}

// CheckoutRequest is one booking's payment: Quantity seats at UnitAmount
// each, or, when Lines is set, its lines less DiscountCents.
type CheckoutRequest struct {
	// Lines are what is bought at list prices, one per ticket type; set,
	// they replace UnitAmount × Quantity (each line's Name is shown after
	// ProductName).
	Lines []CheckoutLine
	// DiscountCents (minor units) comes off the lines' total as one
	// discount named DiscountName, so the provider's receipt shows it as
	// Roster's does.
	DiscountCents int64
	DiscountName  string
	// TaxCents (minor units) is tax added to prices that exclude it, sent
	// as its own line named TaxName; 0 when prices include it or there is
	// none.
	TaxCents int64
	TaxName  string
	// Ref is the booking ref. It goes into the session's
	// client_reference_id and metadata.booking_ref and into the
	// PaymentIntent's metadata.booking_ref (which Stripe copies onto the
	// charge, so refunds can be traced back too).
	Ref           string
	ProductName   string // e.g. "Career Clarity Lab — Wed 22 Sep 2027, 18:00 BST"
	UnitAmount    int64  // minor units
	Currency      string // ISO 4217, e.g. "GBP"; sent lower-case to Stripe
	Quantity      int64  // seats
	CustomerEmail string
	// ExpiresAt is when the booking's hold runs out. Stripe accepts only 30
	// minutes to 24 hours from now, so the Stripe provider moves it into
	// that window; Checkout.ExpiresAt says when the checkout really expires.
	ExpiresAt  time.Time
	SuccessURL string
	CancelURL  string
	// IdempotencyKey is derived from the booking by the caller (e.g.
	// "checkout-CCL-7KQ2M9-0"), so a retried request opens no second
	// checkout.
	IdempotencyKey string
}

// CheckoutLine is one kind of ticket bought: Quantity at UnitAmount (minor
// units) each.
type CheckoutLine struct {
	Name       string // e.g. "Early bird"
	UnitAmount int64
	Quantity   int64
}

// AmountCents is what the checkout charges, in minor units: the lines'
// total less the discount plus the tax line, or UnitAmount × Quantity.
// (The discount is taken off the whole, tax line included, which comes to
// the same total because the tax was computed on the discounted prices.)
func (r CheckoutRequest) AmountCents() int64 {
	if len(r.Lines) == 0 {
		return r.UnitAmount * r.Quantity
	}
	var total int64
	for _, l := range r.Lines {
		total += l.UnitAmount * l.Quantity
	}
	return total - r.DiscountCents + r.TaxCents
}

// Validate returns a fault.Invalid error naming every missing or malformed
// field, or nil.
func (r CheckoutRequest) Validate() error {
	var f fault.Fields
	f.Check(r.Ref != "", "ref", "is required")
	f.Check(len(r.Ref) <= maxClientReference, "ref", fmt.Sprintf("must be at most %d characters", maxClientReference))
	f.Check(r.ProductName != "", "product_name", "is required")
	if len(r.Lines) == 0 {
		f.Check(r.UnitAmount > 0, "unit_amount", "must be more than zero")
		f.Check(r.Quantity > 0, "quantity", "must be at least one")
	}
	for i, l := range r.Lines {
		f.Check(l.Name != "", fmt.Sprintf("lines[%d].name", i), "is required")
		f.Check(l.UnitAmount >= 0, fmt.Sprintf("lines[%d].unit_amount", i), "must not be negative")
		f.Check(l.Quantity > 0, fmt.Sprintf("lines[%d].quantity", i), "must be at least one")
	}
	f.Check(r.DiscountCents >= 0, "discount_cents", "must not be negative")
	f.Check(r.TaxCents >= 0, "tax_cents", "must not be negative")
	f.Check(r.TaxCents == 0 || len(r.Lines) > 0 && r.TaxName != "", "tax_name", "is required with tax_cents and lines")
	f.Check(r.AmountCents() > 0, "amount", "must be more than zero")
	f.Check(validCurrency(r.Currency), "currency", "must be a three-letter ISO 4217 code")
	f.Check(!r.ExpiresAt.IsZero(), "expires_at", "is required")
	f.Check(r.SuccessURL != "", "success_url", "is required")
	f.Check(r.CancelURL != "", "cancel_url", "is required")
	checkIdempotencyKey(&f, r.IdempotencyKey)
	return f.Err()
}

// checkHold refuses a checkout for a hold that has already run out: the
// seats may be someone else's by now.
func checkHold(req CheckoutRequest, now time.Time) error {
	if !req.ExpiresAt.After(now) {
		return fault.New(fault.HoldExpired, "the hold on booking %s expired before checkout", req.Ref)
	}
	return nil
}

// Checkout is an open hosted checkout.
type Checkout struct {
	ID        string    // cs_... (Stripe) or offline_cs_...
	URL       string    // where to send the attendee
	ExpiresAt time.Time // when the provider will expire it
}

// Checkout session states, as CheckoutSession.Status reports them.
const (
	CheckoutOpen     = "open"
	CheckoutComplete = "complete"
	CheckoutExpired  = "expired"
)

// Payment states, as CheckoutSession.PaymentStatus and Event.PaymentStatus
// report them.
const (
	PaymentPaid              = "paid"
	PaymentUnpaid            = "unpaid"
	PaymentNoPaymentRequired = "no_payment_required"
)

// CheckoutSession is where a checkout stands, as the provider sees it.
type CheckoutSession struct {
	ID            string
	Ref           string // client_reference_id, else metadata.booking_ref
	Status        string // CheckoutOpen, CheckoutComplete or CheckoutExpired
	PaymentStatus string // PaymentPaid, PaymentUnpaid or PaymentNoPaymentRequired
	PaymentIntent string
	AmountCents   int64  // amount_total
	Currency      string // upper-case ISO 4217
	ExpiresAt     time.Time
}

// Paid reports whether the attendee's money has been taken.
func (s CheckoutSession) Paid() bool { return s.PaymentStatus == PaymentPaid }

// RefundRequest returns AmountCents of a payment to the attendee.
type RefundRequest struct {
	Ref           string // booking ref, recorded in the refund's metadata
	PaymentIntent string // pi_... (Stripe) or offline_pi_...
	AmountCents   int64
	// Currency is the payment's currency. Stripe refunds in the currency of
	// the charge and has no parameter to check it against, so it is
	// validated here but not sent.
	Currency string
	// IdempotencyKey is derived by the caller (e.g. "refund-CCL-7KQ2M9-1"),
	// so a retried refund pays out once.
	IdempotencyKey string
	// Reason is free text kept in the refund's metadata.reason. When it is
	// one of Stripe's reasons ("duplicate", "fraudulent",
	// "requested_by_customer") it is also sent as Stripe's reason.
	Reason string
}

// Validate returns a fault.Invalid error naming every missing or malformed
// field, or nil.
func (r RefundRequest) Validate() error {
	var f fault.Fields
	f.Check(r.Ref != "", "ref", "is required")
	f.Check(r.PaymentIntent != "", "payment_intent", "is required")
	f.Check(r.AmountCents > 0, "amount_cents", "must be more than zero")
	f.Check(validCurrency(r.Currency), "currency", "must be a three-letter ISO 4217 code")
	checkIdempotencyKey(&f, r.IdempotencyKey)
	return f.Err()
}

// Refund is a refund the provider accepted.
type Refund struct {
	ID          string // re_... (Stripe) or offline_re_...
	AmountCents int64
	Status      string // "pending", "succeeded", "failed", "canceled" or "requires_action"
}

// The event types booking acts on. Any other type parses with only ID,
// Type, Created and APIVersion set, and is the caller's to ignore.
const (
	EventCheckoutCompleted      = "checkout.session.completed"
	EventCheckoutAsyncSucceeded = "checkout.session.async_payment_succeeded"
	EventCheckoutAsyncFailed    = "checkout.session.async_payment_failed"
	EventCheckoutExpired        = "checkout.session.expired"
	EventChargeRefunded         = "charge.refunded"
)

// Event is a verified provider event, reduced to what booking needs.
type Event struct {
	ID      string // evt_... (Stripe) or offline_evt_...
	Type    string // one of the Event* constants, or another type to ignore
	Created time.Time
	// CheckoutID is set for checkout.session.* events.
	CheckoutID string
	// Ref is the booking ref: for checkout.session.* events the session's
	// client_reference_id, else its metadata.booking_ref; for charge.refunded
	// the charge's metadata.booking_ref (copied from the PaymentIntent). It
	// may be empty: the caller can fall back to PaymentIntent.
	Ref           string
	PaymentIntent string
	PaymentStatus string // checkout.session.*: PaymentPaid, PaymentUnpaid or PaymentNoPaymentRequired
	// AmountCents and Currency are the session's amount_total (or, for
	// charge.refunded, the charge's amount) and its upper-case currency.
	AmountCents int64
	Currency    string
	// RefundedCents is, for charge.refunded, the total refunded so far.
	RefundedCents int64
	// APIVersion is the Stripe API version the event was rendered in.
	APIVersion string
}

// Paid reports whether the event says the attendee's money has been taken.
func (e Event) Paid() bool { return e.PaymentStatus == PaymentPaid }

func validCurrency(code string) bool {
	if len(code) != 3 {
		return false
	}
	for _, c := range code {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// maxClientReference is Stripe's limit on a client_reference_id's length.
const maxClientReference = 200

// maxIdempotencyKey is Stripe's limit on an idempotency key's length.
const maxIdempotencyKey = 255

func checkIdempotencyKey(f *fault.Fields, key string) {
	f.Check(key != "", "idempotency_key", "is required")
	f.Check(len(key) <= maxIdempotencyKey, "idempotency_key", fmt.Sprintf("must be at most %d characters", maxIdempotencyKey))
}

// upper returns an ISO currency code the way Roster stores it.
func upper(currency string) string { return strings.ToUpper(currency) }

// lower returns an ISO currency code the way Stripe wants it.
func lower(currency string) string { return strings.ToLower(currency) }
