-- +goose Up
-- A payment received, with its own amount and currency: money is counted
-- per currency, and a refund of a payment that did not pay for its booking
-- (wrong amount or currency, a second payment) is recorded against that
-- payment, never against the booking.
--   applied        paid for the booking (confirmed it)
--   returned       the booking's own payment (its amount and currency) that
--                  found no seat and is refunded whole
--   refunded_wrong not the booking's payment (amount or currency differs,
--                  or the booking was already paid): refunded whole
-- Only refunds of applied and returned payments in the booking's currency
-- count in bookings.refunded_cents.
CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    booking_id   BIGINT NOT NULL REFERENCES bookings(id),
    provider_ref TEXT NOT NULL UNIQUE,      -- the provider's payment id (pi_...), else its checkout id
    checkout_id  TEXT NOT NULL DEFAULT '',
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('applied', 'returned', 'refunded_wrong')),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX payments_booking ON payments (booking_id);

-- The payment a refund returns money from. (No REFERENCES here, unlike on
-- PostgreSQL: SQLite cannot drop a column that is in a foreign key, which
-- the Down step must.)
ALTER TABLE refunds ADD COLUMN payment_id BIGINT;
CREATE INDEX refunds_payment ON refunds (payment_id);

-- Payments taken before this migration: each booking's recorded payment,
-- then any other payment a refund was made from (refunded_wrong, at the
-- sum refunded from it, the only amount known).
INSERT INTO payments (booking_id, provider_ref, checkout_id, amount_cents, currency, status, created_at)
SELECT id, payment_intent, payment_ref, amount_cents, currency,
    CASE WHEN status = 'expired' THEN 'returned' ELSE 'applied' END, updated_at
FROM bookings WHERE payment_intent <> '';
INSERT INTO payments (booking_id, provider_ref, amount_cents, currency, status, created_at)
SELECT MIN(booking_id), payment_intent, SUM(amount_cents), MIN(currency), 'refunded_wrong', MIN(created_at)
FROM refunds WHERE payment_intent <> '' AND payment_intent NOT IN (SELECT provider_ref FROM payments)
GROUP BY payment_intent;
UPDATE refunds SET payment_id = (SELECT p.id FROM payments p WHERE p.provider_ref = refunds.payment_intent)
WHERE payment_intent <> '';

-- +goose Down
DROP INDEX refunds_payment;
ALTER TABLE refunds DROP COLUMN payment_id;
DROP TABLE payments;
