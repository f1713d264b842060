package booking

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/payments"
)

// ErrNoPayments is returned for a paid booking when no payment provider is
// configured.
var ErrNoPayments = fault.New(fault.PaymentProviderDown, "payments are not set up")

// Checkout is where to send the attendee to pay for a hold.
type Checkout struct {
	URL       string
	ExpiresAt time.Time
}

// StartCheckout opens a checkout with the payment provider for a booking
// held for payment. It calls the provider outside any transaction: the hold
// is already committed, the checkout id is recorded afterwards, and if the
// provider fails the hold is released and a fault.PaymentProviderDown error
// returned, so no seat stays held for a payment that cannot happen. The
// checkout expires with the hold (Stripe allows 30 minutes to 24 hours, so
// the hold is stretched to the checkout's expiry).
func (s *Service) StartCheckout(ctx context.Context, ref, token string) (Checkout, error) {
	if s.cfg.Payments == nil {
		return Checkout{}, ErrNoPayments
	}
	d, err := s.Get(ctx, ref, Actor{Token: token})
	if err != nil {
		return Checkout{}, err
	}
	b := d.Booking
	if b.Status != PendingPayment || b.HoldExpiresAt == nil {
		return Checkout{}, ErrNotLive
	}
	manage := s.ManageURL(b.Ref, token)
	co, err := s.cfg.Payments.CreateCheckout(ctx, payments.CheckoutRequest{
		Ref: b.Ref, ProductName: productName(d.Event, d.Session), UnitAmount: d.Event.PriceCents, Currency: b.Currency,
		Quantity: int64(b.Seats), CustomerEmail: b.Email, ExpiresAt: *b.HoldExpiresAt,
		SuccessURL:     manage + "&paid=1",
		CancelURL:      s.cfg.BaseURL + "/bookings/" + b.Ref + "/abandon?t=" + url.QueryEscape(token),
		IdempotencyKey: fmt.Sprintf("checkout-%s-%d", b.Ref, b.Sequence),
	})
	if err != nil {
		if _, releaseErr := s.release(ctx, b.ID, "payment provider failed: "+err.Error()); releaseErr != nil {
			return Checkout{}, errors.Join(err, releaseErr)
		}
		if fault.CodeOf(err) == fault.PaymentProviderDown {
			return Checkout{}, err
		}
		return Checkout{}, fmt.Errorf("%w: %w", fault.New(fault.PaymentProviderDown, "the payment provider is unavailable; please try again"), err)
	}
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		cur, err := bookingByID(ctx, tx, b.ID, s.db.ForUpdate())
		if err != nil {
			return err
		}
		cur.PaymentRef = co.ID
		// The hold stretches to the checkout's expiry, but never past the
		// close of registration: a payment after it is refunded.
		if cur.Status == PendingPayment && co.ExpiresAt.After(*cur.HoldExpiresAt) && !co.ExpiresAt.After(d.Session.ClosesAt(d.Event)) {
			cur.HoldExpiresAt = &co.ExpiresAt
		}
		return saveBooking(ctx, tx, cur)
	})
	if err != nil {
		return Checkout{}, err
	}
	return Checkout{URL: co.URL, ExpiresAt: co.ExpiresAt}, nil
}

func productName(e events.Event, s events.Session) string {
	return e.Title + " — " + s.StartsAt.In(e.Zone()).Format("Mon 2 Jan 2006, 15:04 MST")
}

// Abandon releases a hold whose attendee left the checkout. A booking that
// is no longer held is left as it is.
func (s *Service) Abandon(ctx context.Context, ref, token string) (Details, error) {
	d, err := s.Get(ctx, ref, Actor{Token: token})
	if err != nil {
		return Details{}, err
	}
	if d.Booking.Status == PendingPayment {
		if d.Booking, err = s.release(ctx, d.Booking.ID, "checkout abandoned"); err != nil {
			return Details{}, err
		}
	}
	return d, nil
}

// release ends a hold (PendingPayment → Expired) and returns its seats.
func (s *Service) release(ctx context.Context, bookingID int64, reason string) (Booking, error) {
	var out Booking
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		b, err := bookingByID(ctx, tx, bookingID, s.db.ForUpdate())
		if err != nil {
			return err
		}
		out = b
		if b.Status != PendingPayment {
			return nil
		}
		out, err = s.expireHoldWithReason(ctx, tx, b, reason)
		return err
	})
	return out, err
}

// ApplyPayment applies a verified payment event, at most once per event id:
// the id is recorded in the same transaction as the change it causes.
//
//   - A completed, paid checkout confirms a held booking when amount and
//     currency match it. A payment that arrives after its hold expired takes
//     a seat again if one is free; if the date is full it is refunded
//     automatically and the attendee told. A payment whose amount or
//     currency does not match the booking, or a second payment for a
//     booking already paid, is refunded as that payment's refund: it
//     never confirms the booking nor counts as the booking's refund.
//   - An expired checkout or a failed async payment releases a hold; it
//     never touches a confirmed booking, so events out of order are harmless.
//   - A refund recorded at the provider updates the booking's refunded
//     amount if it refunds the booking's own payment in its currency.
//
// Every payment received is recorded with its amount and currency (see
// Payment); a payment reported again by another event is applied once.
//
// It returns the outcome recorded in the webhook log.
func (s *Service) ApplyPayment(ctx context.Context, e payments.Event) (string, error) {
	var outcome string
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		first, err := payments.RecordEvent(ctx, tx, e, "", s.now().UTC())
		if err != nil {
			return err
		}
		if !first {
			outcome = "duplicate: already applied"
			return nil
		}
		if outcome, err = s.applyPayment(ctx, tx, e); err != nil {
			return err
		}
		return payments.SetEventOutcome(ctx, tx, e.ID, outcome)
	})
	return outcome, err
}

func (s *Service) applyPayment(ctx context.Context, tx *sqlx.Tx, e payments.Event) (string, error) {
	if e.Ref == "" {
		return "ignored: names no booking", nil
	}
	b, err := bookingByRef(ctx, tx, e.Ref, s.db.ForUpdate())
	if errors.Is(err, ErrNotFound) {
		if outcome, ok, err := s.applyPackagePayment(ctx, tx, e); ok || err != nil {
			return outcome, err
		}
		return "ignored: unknown booking " + e.Ref, nil
	}
	if err != nil {
		return "", err
	}
	switch e.Type {
	case payments.EventCheckoutCompleted, payments.EventCheckoutAsyncSucceeded:
		if !e.Paid() {
			return "waiting: payment not yet settled", nil
		}
		return s.applyPaid(ctx, tx, b, e)
	case payments.EventCheckoutExpired, payments.EventCheckoutAsyncFailed:
		if b.Status != PendingPayment || (b.PaymentRef != "" && e.CheckoutID != "" && b.PaymentRef != e.CheckoutID) {
			return fmt.Sprintf("ignored: booking is %s", b.Status), nil
		}
		if b, err = s.expireHoldWithReason(ctx, tx, b, e.Type); err != nil {
			return "", err
		}
		if e.Type == payments.EventCheckoutAsyncFailed {
			if err := s.tellPaymentFailed(ctx, tx, b); err != nil {
				return "", err
			}
			return "hold released; attendee told the payment failed", nil
		}
		return "hold released", nil
	case payments.EventChargeRefunded:
		return s.applyRefunded(ctx, tx, b, e)
	}
	return "ignored: event type " + e.Type, nil
}

func (s *Service) applyPaid(ctx context.Context, tx *sqlx.Tx, b Booking, e payments.Event) (string, error) {
	pay := Payment{BookingID: b.ID, ProviderRef: firstNonEmpty(e.PaymentIntent, e.CheckoutID), CheckoutID: e.CheckoutID,
		AmountCents: e.AmountCents, Currency: e.Currency, CreatedAt: s.now().UTC()}
	// One payment may be reported by several events (the webhook, the
	// success page's lookup, an async success): it is applied once.
	if _, seen, err := paymentByRef(ctx, tx, pay.ProviderRef); err != nil {
		return "", err
	} else if seen {
		return "ignored: payment already recorded", nil
	}
	if e.AmountCents != b.AmountCents || e.Currency != b.Currency {
		reason := fmt.Sprintf("paid %d %s, booking is %d %s", e.AmountCents, e.Currency, b.AmountCents, b.Currency)
		return "refunding: " + reason, s.refundWrong(ctx, tx, b, pay, "amount mismatch: "+reason)
	}
	switch b.Status {
	case Confirmed, Refunded:
		// Another payment already paid for it (two checkouts both paid).
		reason := fmt.Sprintf("second payment of %d %s for a booking already paid", e.AmountCents, e.Currency)
		return "refunding: " + reason, s.refundWrong(ctx, tx, b, pay, reason)
	}
	d, err := s.details(ctx, tx, b)
	if err != nil {
		return "", err
	}
	sess, event := d.Session, d.Event
	if refused := guard(event, sess, ActionPay, s.now()); refused != nil {
		// The date was cancelled, closed or began while the attendee paid:
		// the payment is returned, never confirmed.
		if b.Status == PendingPayment {
			if b, err = s.expireHoldWithReason(ctx, tx, b, "payment arrived for a date that is "+string(events.PhaseOf(event, sess, s.now()))); err != nil {
				return "", err
			}
		}
		return s.refundLate(ctx, tx, b, pay, payReason(fault.CodeOf(refused)))
	}
	switch b.Status {
	case PendingPayment:
		return "confirmed", s.confirmPaid(ctx, tx, b, pay, e, ActionPay, "payment received")
	case Cancelled:
		return s.refundLate(ctx, tx, b, pay, "booking cancelled")
	}
	// The hold ended (expired or abandoned) before the payment landed.
	if liveElsewhere(ctx, tx, b) {
		return s.refundLate(ctx, tx, b, pay, "already booked again")
	}
	if waiting, err := someoneWaits(ctx, tx, b.SessionID); err != nil {
		return "", err
	} else if waiting {
		return s.refundLate(ctx, tx, b, pay, "date full")
	}
	ok, err := s.retakeHeld(ctx, tx, b)
	if err != nil {
		return "", err
	}
	if !ok && b.IsAppointment() {
		return s.refundLate(ctx, tx, b, pay, "slot taken")
	}
	if !ok {
		return s.refundLate(ctx, tx, b, pay, "date full")
	}
	return "confirmed late: seat retaken", s.confirmPaid(ctx, tx, b, pay, e, ActionLatePaid, "late payment: seat retaken")
}

// payReason says in the attendee's words why a date refused a payment.
func payReason(code fault.Code) string {
	switch code {
	case fault.SessionCancelled:
		return "date cancelled"
	case fault.EventCancelled:
		return "event cancelled"
	case fault.SessionStarted:
		return "date already started"
	}
	return "registration closed"
}

// liveElsewhere reports whether the attendee already has another live
// booking for the date (made after this one's hold ended).
func liveElsewhere(ctx context.Context, ext sqlx.ExtContext, b Booking) bool {
	ref, err := liveRef(ctx, ext, liveKey(b.SessionID, b.Email))
	return err == nil && ref != "" && ref != b.Ref
}

func (s *Service) confirmPaid(ctx context.Context, tx *sqlx.Tx, b Booking, pay Payment, e payments.Event, action Action, reason string) error {
	pay.Status = PaymentApplied
	if err := recordPayment(ctx, tx, &pay); err != nil {
		return err
	}
	b.PaymentRef, b.PaymentIntent = firstNonEmpty(e.CheckoutID, b.PaymentRef), pay.ProviderRef
	if err := s.transition(ctx, tx, &b, action, reason); err != nil {
		return err
	}
	d, err := s.details(ctx, tx, b)
	if err != nil {
		return err
	}
	token, err := s.mintToken(ctx, tx, b.ID)
	if err != nil {
		return err
	}
	return s.notifyConfirmed(ctx, tx, b, d.Event, d.Session, token)
}

// refundWrong records a payment that did not pay for b (its amount or
// currency differs, or b was already paid) and refunds it whole. The
// booking is left as it is: the refund is of that payment, not of b.
func (s *Service) refundWrong(ctx context.Context, tx *sqlx.Tx, b Booking, pay Payment, reason string) error {
	pay.Status = PaymentRefundedWrong
	if err := recordPayment(ctx, tx, &pay); err != nil {
		return err
	}
	return s.queueRefund(ctx, tx, b, pay, pay.AmountCents, reason)
}

// refundLate refunds the booking's own payment that found no seat and
// tells the attendee.
func (s *Service) refundLate(ctx context.Context, tx *sqlx.Tx, b Booking, pay Payment, why string) (string, error) {
	pay.Status = PaymentReturned
	if err := recordPayment(ctx, tx, &pay); err != nil {
		return "", err
	}
	b.PaymentRef, b.PaymentIntent = firstNonEmpty(pay.CheckoutID, b.PaymentRef), pay.ProviderRef
	if err := saveBooking(ctx, tx, b); err != nil {
		return "", err
	}
	if err := s.queueRefund(ctx, tx, b, pay, pay.AmountCents, "late payment, "+why); err != nil {
		return "", err
	}
	d, err := s.details(ctx, tx, b)
	if err != nil {
		return "", err
	}
	if err := s.notifier.Notify(ctx, tx, Notice{Kind: NoticeLatePaymentRefund, Booking: b, Event: d.Event, Session: d.Session, Reason: why}); err != nil {
		return "", fmt.Errorf("notify late payment refund: %w", err)
	}
	return "refunding late payment: " + why, nil
}

// applyRefunded records a refund made at the provider. Only a refund of
// the booking's own payment, in its currency, counts for the booking; a
// refund of another payment (a wrong one Roster refunded) changes nothing.
func (s *Service) applyRefunded(ctx context.Context, tx *sqlx.Tx, b Booking, e payments.Event) (string, error) {
	if e.PaymentIntent != b.PaymentIntent || e.Currency != "" && e.Currency != b.Currency {
		return "ignored: refund of a payment that did not pay for the booking", nil
	}
	if e.RefundedCents <= b.RefundedCents {
		return "ignored: refund already recorded", nil
	}
	b.RefundedCents, b.UpdatedAt = min(e.RefundedCents, b.AmountCents), s.now().UTC()
	reason := fmt.Sprintf("refund of %d recorded at the provider", e.RefundedCents)
	var err error
	if b.RefundedCents == b.AmountCents && b.Status != Refunded {
		err = s.transition(ctx, tx, &b, ActionRefunded, reason)
	} else if err = saveBooking(ctx, tx, b); err == nil {
		err = recordHistory(ctx, tx, b, b.Status, reason, b.UpdatedAt)
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("refunded %d", b.RefundedCents), nil
}

// tellPaymentFailed tells an attendee whose payment failed that their hold
// is released, with a link to book again while the date has seats.
func (s *Service) tellPaymentFailed(ctx context.Context, tx *sqlx.Tx, b Booking) error {
	d, err := s.details(ctx, tx, b)
	if err != nil {
		return err
	}
	n := Notice{Kind: NoticePaymentFailed, Booking: b, Event: d.Event, Session: d.Session}
	if events.Allows(d.Event, d.Session, events.ActBook, s.now()) == nil && d.Session.SeatsLeft() >= b.Seats {
		n.RetryURL = s.cfg.BaseURL + "/events/" + d.Event.Slug
	}
	if err := s.notifier.Notify(ctx, tx, n); err != nil {
		return fmt.Errorf("notify payment failed: %w", err)
	}
	return nil
}

// ConfirmFromCheckout asks the provider whether the booking's checkout was
// paid and, if so, applies it as the webhook would, so the success page can
// confirm before the webhook lands. The webhook, when it comes, changes
// nothing more.
func (s *Service) ConfirmFromCheckout(ctx context.Context, ref, token string) error {
	if s.cfg.Payments == nil {
		return nil
	}
	d, err := s.Get(ctx, ref, Actor{Token: token})
	if err != nil {
		return err
	}
	if d.Booking.Status != PendingPayment || d.Booking.PaymentRef == "" {
		return nil
	}
	cs, err := s.cfg.Payments.CheckoutStatus(ctx, d.Booking.PaymentRef)
	if err != nil || !cs.Paid() {
		return err
	}
	_, err = s.ApplyPayment(ctx, payments.Event{
		ID: "lookup-" + cs.ID, Type: payments.EventCheckoutCompleted, Created: s.now(),
		CheckoutID: cs.ID, Ref: d.Booking.Ref, PaymentIntent: cs.PaymentIntent, PaymentStatus: cs.PaymentStatus,
		AmountCents: cs.AmountCents, Currency: cs.Currency,
	})
	return err
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// PaymentsName names the payment provider ("stripe", "offline"), or "none".
func (s *Service) PaymentsName() string {
	if s.cfg.Payments == nil {
		return "none"
	}
	return s.cfg.Payments.Name()
}
