-- +goose Up
-- How long before a date an attendee's cancellation is still refunded in
-- full; after it, none. Coaches can always refund by hand.
ALTER TABLE events ADD COLUMN refund_cutoff_hours INTEGER NOT NULL DEFAULT 48;

-- A refund to make through the payment provider. Rows are written in the
-- transaction that decides the refund and sent by a worker, which retries
-- failures: a refund is never lost to an outage.
CREATE TABLE refunds (
    id              INTEGER PRIMARY KEY,
    booking_id      BIGINT NOT NULL REFERENCES bookings(id),
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    currency        TEXT NOT NULL,
    payment_intent  TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    provider_id     TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX refunds_due ON refunds (status, next_attempt_at);
CREATE INDEX refunds_booking ON refunds (booking_id);

ALTER TABLE bookings ADD COLUMN checked_in_at TIMESTAMP;

-- +goose Down
ALTER TABLE bookings DROP COLUMN checked_in_at;
DROP TABLE refunds;
ALTER TABLE events DROP COLUMN refund_cutoff_hours;
