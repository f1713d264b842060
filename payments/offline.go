package payments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/roster-app/roster/fault"
)

// offlinePrefix starts every id the offline provider makes, so an offline
// payment can never be mistaken for a real one (or refunded at Stripe).
const offlinePrefix = "offline_"

// Offline simulates payments for development and demos: no network, no
// money. Its checkout URL is a TEST MODE page the web layer serves, whose
// Pay and Abandon buttons turn into Events through CompleteEvent and
// ExpireEvent; those go through exactly the same confirmation and release
// code as Stripe's webhooks.
//
// It keeps no state, yet behaves as Stripe does where booking relies on
// it: its ids are derived from what identifies the object, so a request
// retried with the same idempotency key gets the same checkout or refund
// back, and pressing Pay twice yields the same event twice (a redelivery,
// which booking's event log absorbs), not two payments.
type Offline struct {
	baseURL string
	now     func() time.Time
}

var _ Provider = (*Offline)(nil)

// NewOffline returns an offline provider whose checkout pages live under
// baseURL (ROSTER_BASE_URL). Check OfflineAllowed first.
func NewOffline(baseURL string) *Offline {
	return NewOfflineWithClock(baseURL, time.Now)
}

// NewOfflineWithClock is NewOffline with the clock that judges whether a
// hold has expired (the booking service's, so tests share one clock).
func NewOfflineWithClock(baseURL string, now func() time.Time) *Offline {
	return &Offline{baseURL: strings.TrimRight(baseURL, "/"), now: now}
}

// Name returns "offline".
func (o *Offline) Name() string { return "offline" }

// Offline returns true: no money moves.
func (o *Offline) Offline() bool { return true }

// CreateCheckout returns a checkout with an id like offline_cs_<hex>, the
// same for the same idempotency key, at
// <baseURL>/checkout/test/<id>?ref=<ref>. It expires at req.ExpiresAt
// exactly: unlike Stripe's, the offline checkout has no window to clamp to.
// It returns a fault.Invalid error for an incomplete request and
// fault.HoldExpired if req.ExpiresAt has passed.
func (o *Offline) CreateCheckout(ctx context.Context, req CheckoutRequest) (Checkout, error) {
	if err := req.Validate(); err != nil {
		return Checkout{}, err
	}
	if err := checkHold(req, o.now()); err != nil {
		return Checkout{}, err
	}
	id := offlineID("cs", req.IdempotencyKey)
	u := fmt.Sprintf("%s/checkout/test/%s?ref=%s", o.baseURL, id, url.QueryEscape(req.Ref))
	return Checkout{ID: id, URL: u, ExpiresAt: req.ExpiresAt.UTC()}, nil
}

// CheckoutStatus reports an offline checkout as open and unpaid: offline
// payments are confirmed at once by the CompleteEvent the Pay button makes,
// so there is never anything to confirm sooner. It returns a fault.NotFound
// error for an id the offline provider did not make.
func (o *Offline) CheckoutStatus(ctx context.Context, checkoutID string) (CheckoutSession, error) {
	if !validOfflineID(checkoutID, "cs") {
		return CheckoutSession{}, fault.New(fault.NotFound, "no checkout %q", checkoutID)
	}
	return CheckoutSession{ID: checkoutID, Status: CheckoutOpen, PaymentStatus: PaymentUnpaid}, nil
}

// Refund pretends to refund an offline payment and returns a succeeded
// refund with an id like offline_re_<hex>, the same for the same
// idempotency key. It returns a fault.Invalid error for an incomplete
// request or a payment the offline provider did not take, which must be a
// real one: refunding it here would pay nothing back.
func (o *Offline) Refund(ctx context.Context, req RefundRequest) (Refund, error) {
	if err := req.Validate(); err != nil {
		return Refund{}, err
	}
	if !validOfflineID(req.PaymentIntent, "pi") {
		return Refund{}, fault.New(fault.Invalid, "payment %s was not taken offline: refund it with its real payment provider", req.PaymentIntent)
	}
	return Refund{
		ID:          offlineID("re", req.IdempotencyKey),
		AmountCents: req.AmountCents,
		Status:      string(stripe.RefundStatusSucceeded),
	}, nil
}

// CompleteEvent is the event the TEST MODE page's Pay button makes: a paid
// checkout.session.completed for amount in currency. Its id and payment id
// are derived from checkoutID, so a second press is the same event again.
func (o *Offline) CompleteEvent(checkoutID, ref string, amount int64, currency string, now time.Time) Event {
	return Event{
		ID:            offlineID("evt", EventCheckoutCompleted, checkoutID),
		Type:          EventCheckoutCompleted,
		Created:       now.UTC().Truncate(time.Second),
		CheckoutID:    checkoutID,
		Ref:           ref,
		PaymentIntent: offlineID("pi", checkoutID),
		PaymentStatus: PaymentPaid,
		AmountCents:   amount,
		Currency:      upper(currency),
		APIVersion:    stripe.APIVersion,
	}
}

// ExpireEvent is the event the TEST MODE page's Abandon button makes: an
// unpaid checkout.session.expired, which releases the booking's hold. Its
// id is derived from checkoutID, so a second press is the same event again.
func (o *Offline) ExpireEvent(checkoutID, ref string, now time.Time) Event {
	return Event{
		ID:            offlineID("evt", EventCheckoutExpired, checkoutID),
		Type:          EventCheckoutExpired,
		Created:       now.UTC().Truncate(time.Second),
		CheckoutID:    checkoutID,
		Ref:           ref,
		PaymentStatus: PaymentUnpaid,
		APIVersion:    stripe.APIVersion,
	}
}

// offlineID returns the id of an offline object of the given kind ("cs",
// "pi", "re", "evt") identified by parts, such as
// offline_cs_3f9a0c1d2e4b5a6978877665.
func offlineID(kind string, parts ...string) string {
	h := sha256.New()
	for _, p := range append([]string{kind}, parts...) {
		h.Write([]byte(p))
		h.Write([]byte{0}) // so that ("ab", "c") and ("a", "bc") differ
	}
	return offlinePrefix + kind + "_" + hex.EncodeToString(h.Sum(nil)[:12])
}

func validOfflineID(id, kind string) bool {
	return validStripeID(id, offlinePrefix+kind+"_")
}

// OfflineAllowed returns an error if offline test payments should not run
// with this base URL. One on any host other than localhost (or
// *.localhost) or a loopback address (127.0.0.1, ::1), over http as much
// as https, looks like a real deployment, where a missing
// STRIPE_SECRET_KEY is a mistake that would let anyone book without
// paying. explicitlyEnabled (--offline-payments) overrides the check, for
// public demos.
func OfflineAllowed(baseURL string, explicitlyEnabled bool) error {
	u, err := url.Parse(baseURL)
	if err != nil {
		return fmt.Errorf("offline payments: base URL %q: %w", baseURL, err)
	}
	if explicitlyEnabled || isLocalHost(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("offline payments: %s looks like a public site, where test payments would let anyone book without paying: configure Stripe, or enable offline payments explicitly", baseURL)
}

func isLocalHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
