package payments

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"github.com/roster-app/roster/fault"
)

// StripeConfig configures the Stripe provider.
type StripeConfig struct {
	SecretKey     string // sk_live_... or sk_test_...
	WebhookSecret string // whsec_..., the webhook endpoint's signing secret
	// APIBase overrides Stripe's API URL (stripe-mock in tests); empty means
	// Stripe's.
	APIBase string
	// HTTPClient makes the API requests; nil means a client with a
	// 30-second timeout.
	HTTPClient *http.Client
	// Logger receives stripe-go's own log lines (requests at debug level,
	// retries at warn); nil means none. Every failure is returned as an
	// error as well, so nothing is lost without it.
	Logger *slog.Logger
	// Now is the clock that expires_at is clamped against; nil means
	// time.Now.
	Now func() time.Time
	// NetworkRetries is how often stripe-go retries a request that failed
	// in transit (with the same idempotency key); nil means its default.
	// Callers that retry on their own schedule, like tests of outages, set 0.
	NetworkRetries *int64
}

// Stripe takes payments with Stripe Checkout. It holds its own API client:
// nothing is set on stripe-go's package-level globals, so several can live
// in one process.
type Stripe struct {
	api           *client.API
	webhookSecret string
	now           func() time.Time
}

var _ Provider = (*Stripe)(nil)

// NewStripe returns a Stripe provider. It returns an error if the secret
// key or the webhook secret is missing (without the webhook secret no
// payment could ever be confirmed) or APIBase is not an http(s) URL.
func NewStripe(cfg StripeConfig) (*Stripe, error) {
	if cfg.SecretKey == "" {
		return nil, errors.New("stripe: secret key is required")
	}
	if cfg.WebhookSecret == "" {
		return nil, errors.New("stripe: webhook signing secret is required: without it no payment can be confirmed")
	}
	backend := &stripe.BackendConfig{
		HTTPClient:        cfg.HTTPClient,
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
		MaxNetworkRetries: cfg.NetworkRetries,
	}
	if backend.HTTPClient == nil {
		backend.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger != nil {
		backend.LeveledLogger = slogLogger{cfg.Logger}
	}
	if cfg.APIBase != "" {
		u, err := url.Parse(cfg.APIBase)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("stripe: API base %q is not an http(s) URL", cfg.APIBase)
		}
		backend.URL = stripe.String(cfg.APIBase)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	backends := &stripe.Backends{API: stripe.GetBackendWithConfig(stripe.APIBackend, backend)}
	return &Stripe{
		api:           client.New(cfg.SecretKey, backends),
		webhookSecret: cfg.WebhookSecret,
		now:           now,
	}, nil
}

// Name returns "stripe".
func (s *Stripe) Name() string { return "stripe" }

// Offline returns false: Stripe moves real money (or test-mode money).
func (s *Stripe) Offline() bool { return false }

// The window Stripe accepts for a Checkout Session's expires_at is 30
// minutes to 24 hours after Stripe creates it. The minute of margin on each
// side absorbs request latency and clock skew between us and Stripe.
const (
	minCheckoutLife = 30*time.Minute + time.Minute
	maxCheckoutLife = 24*time.Hour - time.Minute
)

// clampExpiry moves want into the window Stripe accepts. A clamped time is
// rounded to the whole minute (up from the lower bound, down from the upper
// one) so that a caller retrying with the same idempotency key within the
// minute sends the same parameters: Stripe refuses a reused key whose
// parameters differ.
func clampExpiry(want, now time.Time) time.Time {
	if earliest := now.Add(minCheckoutLife); want.Before(earliest) {
		return earliest.Truncate(time.Minute).Add(time.Minute)
	}
	if latest := now.Add(maxCheckoutLife); want.After(latest) {
		return latest.Truncate(time.Minute)
	}
	return want
}

// CreateCheckout opens a Stripe Checkout Session in payment mode for req,
// sent with req.IdempotencyKey. The session expires at req.ExpiresAt clamped
// into Stripe's window of 30 minutes to 24 hours from now (see clampExpiry),
// so a payment may arrive after a short hold has run out; Checkout.ExpiresAt
// is the clamped time. It returns a fault.Invalid error for an incomplete
// request, fault.HoldExpired if req.ExpiresAt has passed,
// fault.PaymentProviderDown if Stripe cannot be reached or is failing, and
// fault.Conflict if the idempotency key was used before with other
// parameters.
func (s *Stripe) CreateCheckout(ctx context.Context, req CheckoutRequest) (Checkout, error) {
	if err := req.Validate(); err != nil {
		return Checkout{}, err
	}
	now := s.now()
	if err := checkHold(req, now); err != nil {
		return Checkout{}, err
	}
	expiresAt := clampExpiry(req.ExpiresAt, now)
	params := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		LineItems:         lineItems(req),
		ClientReferenceID: stripe.String(req.Ref),
		Metadata:          map[string]string{metadataRef: req.Ref},
		PaymentIntentData: &stripe.CheckoutSessionPaymentIntentDataParams{
			Metadata: map[string]string{metadataRef: req.Ref},
		},
		ExpiresAt:  stripe.Int64(expiresAt.Unix()),
		SuccessURL: stripe.String(req.SuccessURL),
		CancelURL:  stripe.String(req.CancelURL),
	}
	if req.CustomerEmail != "" {
		params.CustomerEmail = stripe.String(req.CustomerEmail)
	}
	if req.DiscountCents > 0 {
		coupon, err := s.coupon(ctx, req)
		if err != nil {
			return Checkout{}, err
		}
		params.Discounts = []*stripe.CheckoutSessionDiscountParams{{Coupon: stripe.String(coupon)}}
	}
	params.Context = ctx
	params.SetIdempotencyKey(req.IdempotencyKey)
	cs, err := s.api.CheckoutSessions.New(params)
	if err != nil {
		return Checkout{}, stripeError(err, "create checkout for %s", req.Ref)
	}
	return Checkout{ID: cs.ID, URL: cs.URL, ExpiresAt: time.Unix(expiresAt.Unix(), 0).UTC()}, nil
}

// lineItems are the checkout's lines: one per ticket type and tax added
// to prices that exclude it as a line of its own, or the seats at one
// price.
func lineItems(req CheckoutRequest) []*stripe.CheckoutSessionLineItemParams {
	item := func(name string, unit, quantity int64) *stripe.CheckoutSessionLineItemParams {
		return &stripe.CheckoutSessionLineItemParams{
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(lower(req.Currency)),
				UnitAmount:  stripe.Int64(unit),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(name)},
			},
			Quantity: stripe.Int64(quantity),
		}
	}
	if len(req.Lines) == 0 {
		return []*stripe.CheckoutSessionLineItemParams{item(req.ProductName, req.UnitAmount, req.Quantity)}
	}
	items := make([]*stripe.CheckoutSessionLineItemParams, 0, len(req.Lines)+1)
	for _, l := range req.Lines {
		items = append(items, item(req.ProductName+" · "+l.Name, l.UnitAmount, l.Quantity))
	}
	if req.TaxCents > 0 {
		items = append(items, item(req.TaxName, req.TaxCents, 1))
	}
	return items
}

// coupon creates the single-use coupon that carries a booking's discount
// into its checkout (an amount off, so Stripe's total is Roster's to the
// penny), with an idempotency key derived from the checkout's.
func (s *Stripe) coupon(ctx context.Context, req CheckoutRequest) (string, error) {
	params := &stripe.CouponParams{
		AmountOff:      stripe.Int64(req.DiscountCents),
		Currency:       stripe.String(lower(req.Currency)),
		Duration:       stripe.String(string(stripe.CouponDurationOnce)),
		MaxRedemptions: stripe.Int64(1),
		Metadata:       map[string]string{metadataRef: req.Ref},
	}
	if req.DiscountName != "" {
		params.Name = stripe.String(truncate(req.DiscountName, 40))
	}
	params.Context = ctx
	params.SetIdempotencyKey(req.IdempotencyKey + "-coupon")
	c, err := s.api.Coupons.New(params)
	if err != nil {
		return "", stripeError(err, "create the discount for %s", req.Ref)
	}
	return c.ID, nil
}

// CheckoutStatus retrieves a Checkout Session. It returns a fault.NotFound
// error if checkoutID is malformed or Stripe has no such session, and
// fault.PaymentProviderDown if Stripe cannot be reached.
func (s *Stripe) CheckoutStatus(ctx context.Context, checkoutID string) (CheckoutSession, error) {
	if !validStripeID(checkoutID, "cs_") {
		return CheckoutSession{}, fault.New(fault.NotFound, "no checkout %q", checkoutID)
	}
	params := &stripe.CheckoutSessionParams{}
	params.Context = ctx
	cs, err := s.api.CheckoutSessions.Get(checkoutID, params)
	if err != nil {
		return CheckoutSession{}, stripeError(err, "get checkout %s", checkoutID)
	}
	return sessionFromStripe(cs), nil
}

// Refund refunds req.AmountCents of req.PaymentIntent through Stripe's
// Refunds API, sent with req.IdempotencyKey. It returns a fault.Invalid
// error for an incomplete request or an offline (test) payment,
// fault.NotFound if Stripe has no such payment, fault.Conflict if it is
// already fully refunded or the idempotency key was used before with other
// parameters, and fault.PaymentProviderDown if Stripe cannot be reached.
func (s *Stripe) Refund(ctx context.Context, req RefundRequest) (Refund, error) {
	if err := req.Validate(); err != nil {
		return Refund{}, err
	}
	if strings.HasPrefix(req.PaymentIntent, offlinePrefix) {
		return Refund{}, fault.New(fault.Invalid, "payment %s was an offline test payment: no money was taken", req.PaymentIntent)
	}
	params := &stripe.RefundParams{
		PaymentIntent: stripe.String(req.PaymentIntent),
		Amount:        stripe.Int64(req.AmountCents),
		Metadata:      map[string]string{metadataRef: req.Ref},
	}
	if req.Reason != "" {
		params.Metadata["reason"] = truncate(req.Reason, maxMetadataValue)
	}
	if stripeRefundReasons[req.Reason] {
		params.Reason = stripe.String(req.Reason)
	}
	params.Context = ctx
	params.SetIdempotencyKey(req.IdempotencyKey)
	r, err := s.api.Refunds.New(params)
	if err != nil {
		return Refund{}, stripeError(err, "refund %s for %s", req.PaymentIntent, req.Ref)
	}
	return Refund{ID: r.ID, AmountCents: r.Amount, Status: string(r.Status)}, nil
}

// metadataRef is the metadata key that carries the booking ref.
const metadataRef = "booking_ref"

// maxMetadataValue is Stripe's limit on a metadata value, in characters.
const maxMetadataValue = 500

// stripeRefundReasons are the reasons Stripe's refund API accepts from us.
var stripeRefundReasons = map[string]bool{
	string(stripe.RefundReasonDuplicate):           true,
	string(stripe.RefundReasonFraudulent):          true,
	string(stripe.RefundReasonRequestedByCustomer): true,
}

func truncate(s string, maxRunes int) string {
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	return string([]rune(s)[:maxRunes])
}

// validStripeID reports whether id looks like a Stripe object id with the
// given prefix, so that ids from URLs never reach Stripe's API paths
// unchecked.
func validStripeID(id, prefix string) bool {
	if !strings.HasPrefix(id, prefix) || len(id) > 255 || len(id) == len(prefix) {
		return false
	}
	for _, c := range id {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func sessionFromStripe(cs *stripe.CheckoutSession) CheckoutSession {
	s := CheckoutSession{
		ID:            cs.ID,
		Ref:           cs.ClientReferenceID,
		Status:        string(cs.Status),
		PaymentStatus: string(cs.PaymentStatus),
		AmountCents:   cs.AmountTotal,
		Currency:      upper(string(cs.Currency)),
	}
	if s.Ref == "" {
		s.Ref = cs.Metadata[metadataRef]
	}
	if cs.PaymentIntent != nil {
		s.PaymentIntent = cs.PaymentIntent.ID
	}
	if cs.ExpiresAt != 0 {
		s.ExpiresAt = time.Unix(cs.ExpiresAt, 0).UTC()
	}
	return s
}

// errProviderDown is what callers see when Stripe cannot serve a request
// now but may later.
var errProviderDown = fault.New(fault.PaymentProviderDown, "payment provider unavailable, try again")

// stripeError turns an error from stripe-go into Roster's terms, keeping
// the original in the chain for logs:
//   - no answer from Stripe (network failure, timeout, a proxy's non-JSON
//     error page), a 5xx, a 429 rate limit or lock timeout, or an api_error:
//     fault.PaymentProviderDown;
//   - resource_missing: fault.NotFound;
//   - charge_already_refunded or a reused idempotency key: fault.Conflict;
//   - anything else (a bad key, a request Stripe refuses): wrapped as is, an
//     internal error.
//
// A cancelled context is returned wrapped: the caller gave up, Stripe did
// not fail.
func stripeError(err error, format string, args ...any) error {
	what := "stripe: " + fmt.Sprintf(format, args...)
	var se *stripe.Error
	if !errors.As(err, &se) {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("%s: %w", what, err)
		}
		return fmt.Errorf("%s: %w: %w", what, errProviderDown, err)
	}
	switch {
	case se.HTTPStatusCode >= 500, se.HTTPStatusCode == http.StatusTooManyRequests,
		se.Type == stripe.ErrorTypeAPI, se.Code == stripe.ErrorCodeRateLimit, se.Code == stripe.ErrorCodeLockTimeout:
		return fmt.Errorf("%s: %w: %w", what, errProviderDown, err)
	case se.Code == stripe.ErrorCodeResourceMissing:
		return fmt.Errorf("%s: %w: %w", what, fault.New(fault.NotFound, "the payment provider has no such object"), err)
	case se.Code == stripe.ErrorCodeChargeAlreadyRefunded:
		return fmt.Errorf("%s: %w: %w", what, fault.New(fault.Conflict, "the payment is already refunded"), err)
	case se.Type == stripe.ErrorTypeIdempotency:
		return fmt.Errorf("%s: %w: %w", what, fault.New(fault.Conflict, "the idempotency key was used before with other parameters"), err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// slogLogger adapts a *slog.Logger to stripe-go's leveled logger. Stripe's
// per-request info lines go to debug.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Debugf(format string, v ...any) { s.l.Debug(fmt.Sprintf(format, v...)) }
func (s slogLogger) Infof(format string, v ...any)  { s.l.Debug(fmt.Sprintf(format, v...)) }
func (s slogLogger) Warnf(format string, v ...any)  { s.l.Warn(fmt.Sprintf(format, v...)) }
func (s slogLogger) Errorf(format string, v ...any) { s.l.Error(fmt.Sprintf(format, v...)) }
