package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// PaymentStatus says what a payment received did for its booking.
type PaymentStatus string

// Payment statuses. Only refunds of Applied and Returned payments in the
// booking's currency count in the booking's refunded amount: the others
// were never the booking's money.
const (
	PaymentApplied       PaymentStatus = "applied"        // paid for the booking
	PaymentReturned      PaymentStatus = "returned"       // the booking's own payment that found no seat, refunded whole
	PaymentRefundedWrong PaymentStatus = "refunded_wrong" // wrong amount or currency, or a second payment: refunded whole
)

// countsForBooking reports whether refunds of a payment with this status
// are refunds of the booking.
func (p PaymentStatus) countsForBooking() bool { return p == PaymentApplied || p == PaymentReturned }

// Payment is money received from a provider for a booking: an amount in
// minor units of its own currency, which need not be the booking's.
type Payment struct {
	ID          int64         `db:"id"`
	BookingID   int64         `db:"booking_id"`
	ProviderRef string        `db:"provider_ref"` // the provider's payment id (pi_...), else its checkout id
	CheckoutID  string        `db:"checkout_id"`
	AmountCents int64         `db:"amount_cents"` // minor units of Currency
	Currency    string        `db:"currency"`     // ISO 4217, upper case
	Status      PaymentStatus `db:"status"`
	CreatedAt   time.Time     `db:"created_at"` // UTC
}

const paymentColumns = `id, booking_id, provider_ref, checkout_id, amount_cents, currency, status, created_at`

// recordPayment inserts p and sets its id.
func recordPayment(ctx context.Context, ext sqlx.ExtContext, p *Payment) error {
	q, args, err := sqlx.Named(`INSERT INTO payments (booking_id, provider_ref, checkout_id, amount_cents, currency, status, created_at)
		VALUES (:booking_id, :provider_ref, :checkout_id, :amount_cents, :currency, :status, :created_at) RETURNING id`, p)
	if err != nil {
		return err
	}
	if err := sqlx.GetContext(ctx, ext, &p.ID, ext.Rebind(q), args...); err != nil {
		return fmt.Errorf("record payment %s: %w", p.ProviderRef, err)
	}
	return nil
}

// paymentByRef returns the payment with the provider's reference, and
// false if none is recorded.
func paymentByRef(ctx context.Context, ext sqlx.ExtContext, providerRef string) (Payment, bool, error) {
	var p Payment
	err := sqlx.GetContext(ctx, ext, &p, ext.Rebind(`SELECT `+paymentColumns+` FROM payments WHERE provider_ref = ?`), providerRef)
	if isNoRows(err) {
		return Payment{}, false, nil
	}
	if err != nil {
		return Payment{}, false, fmt.Errorf("payment %s: %w", providerRef, err)
	}
	return p, true, nil
}

// paymentByID returns a recorded payment.
func paymentByID(ctx context.Context, ext sqlx.ExtContext, id int64) (Payment, error) {
	var p Payment
	if err := sqlx.GetContext(ctx, ext, &p, ext.Rebind(`SELECT `+paymentColumns+` FROM payments WHERE id = ?`), id); err != nil {
		return Payment{}, fmt.Errorf("payment %d: %w", id, err)
	}
	return p, nil
}

// ownPayment returns the payment that paid for b (its payment intent),
// and false if b has none recorded.
func ownPayment(ctx context.Context, ext sqlx.ExtContext, b Booking) (Payment, bool, error) {
	if b.PaymentIntent == "" {
		return Payment{}, false, nil
	}
	p, ok, err := paymentByRef(ctx, ext, b.PaymentIntent)
	if err != nil || !ok || p.BookingID != b.ID || !p.Status.countsForBooking() {
		return Payment{}, false, err
	}
	return p, true, nil
}

// Payments lists the payments received for a booking, oldest first.
func (s *Service) Payments(ctx context.Context, bookingID int64) ([]Payment, error) {
	var out []Payment
	if err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT `+paymentColumns+` FROM payments WHERE booking_id = ? ORDER BY id`), bookingID); err != nil {
		return nil, fmt.Errorf("payments of booking %d: %w", bookingID, err)
	}
	return out, nil
}
