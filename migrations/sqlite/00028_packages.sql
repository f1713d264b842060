-- +goose Up
-- Coaching packages (issue #16): N appointments of one type sold together.
-- A purchase is booking-like (its own ref, manage tokens, payment, status
-- history) and holds its credits as a guarded counter: every change of
-- credits_used, credits_left and credits_voided (expired or refunded) is
-- one UPDATE whose WHERE clause guards it, and the CHECK below makes
-- invariant 9 physical: used + left + voided = bought, none negative.
CREATE TABLE packages (
    id                  INTEGER PRIMARY KEY,
    slug                TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    appointment_type_id BIGINT NOT NULL REFERENCES appointment_types(id),
    credits             INTEGER NOT NULL CHECK (credits BETWEEN 1 AND 100),
    price_cents         BIGINT NOT NULL CHECK (price_cents >= 0),
    currency            TEXT NOT NULL,
    valid_days          INTEGER NOT NULL CHECK (valid_days BETWEEN 1 AND 3650),
    status              TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX packages_type ON packages (appointment_type_id);

CREATE TABLE package_purchases (
    id              INTEGER PRIMARY KEY,
    ref             TEXT NOT NULL UNIQUE,
    package_id      BIGINT NOT NULL REFERENCES packages(id),
    name            TEXT NOT NULL,
    email           TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending_payment', 'active', 'abandoned', 'expired', 'refunded')),
    source          TEXT NOT NULL CHECK (source IN ('sale', 'grant')),
    note            TEXT NOT NULL,
    amount_cents    BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency        TEXT NOT NULL,
    refunded_cents  BIGINT NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
    credits_bought  INTEGER NOT NULL CHECK (credits_bought >= 1),
    credits_used    INTEGER NOT NULL CHECK (credits_used >= 0),
    credits_left    INTEGER NOT NULL CHECK (credits_left >= 0),
    credits_voided  INTEGER NOT NULL CHECK (credits_voided >= 0),
    hold_expires_at TIMESTAMP,
    expires_at      TIMESTAMP,
    reminded_days   INTEGER NOT NULL DEFAULT 0,
    payment_ref     TEXT NOT NULL DEFAULT '',
    payment_intent  TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK (credits_used + credits_left + credits_voided = credits_bought)
);
CREATE INDEX package_purchases_package ON package_purchases (package_id, created_at);
CREATE INDEX package_purchases_email ON package_purchases (email);
CREATE INDEX package_purchases_expiry ON package_purchases (status, expires_at);

CREATE TABLE package_tokens (
    id          INTEGER PRIMARY KEY,
    purchase_id BIGINT NOT NULL REFERENCES package_purchases(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX package_tokens_purchase ON package_tokens (purchase_id);

-- One row per appointment booked with a credit; returned_at is set when
-- a cancellation gives the credit back. At most one unreturned row per
-- booking; credits_used counts the unreturned rows (roster check).
CREATE TABLE package_credit_uses (
    id          INTEGER PRIMARY KEY,
    purchase_id BIGINT NOT NULL REFERENCES package_purchases(id),
    booking_id  BIGINT NOT NULL UNIQUE REFERENCES bookings(id),
    spent_at    TIMESTAMP NOT NULL,
    returned_at TIMESTAMP
);
CREATE INDEX package_credit_uses_purchase ON package_credit_uses (purchase_id);

CREATE TABLE package_history (
    id          INTEGER PRIMARY KEY,
    purchase_id BIGINT NOT NULL REFERENCES package_purchases(id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX package_history_purchase ON package_history (purchase_id);

-- Money back for a package, written in the transaction that voids its
-- credits and sent by the refund worker (like refunds for bookings).
CREATE TABLE package_refunds (
    id              INTEGER PRIMARY KEY,
    purchase_id     BIGINT NOT NULL REFERENCES package_purchases(id),
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
CREATE INDEX package_refunds_due ON package_refunds (status, next_attempt_at);

-- +goose Down
DROP TABLE package_refunds;
DROP TABLE package_history;
DROP TABLE package_credit_uses;
DROP TABLE package_tokens;
DROP TABLE package_purchases;
DROP TABLE packages;
