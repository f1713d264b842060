-- +goose Up
-- Coaches' tax settings and the receipts and credit notes of paid
-- bookings (issue #20). A coach without a row charges no tax.
CREATE TABLE coach_tax (
    coach_id          BIGINT PRIMARY KEY REFERENCES coaches(id) ON DELETE CASCADE,
    registered        BOOLEAN NOT NULL,
    tax_id            TEXT NOT NULL DEFAULT '',
    rate_basis_points INTEGER NOT NULL CHECK (rate_basis_points BETWEEN 0 AND 10000),
    inclusive         BOOLEAN NOT NULL,
    business_name     TEXT NOT NULL,
    business_address  TEXT NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

-- The next number of each coach's receipts and credit notes. Taking a
-- number is one guarded UPDATE in the transaction that issues the
-- document, so numbers are handed out in order and a rolled-back
-- transaction gives its number back: no gaps, no repeats, under any
-- concurrency (the row lock orders writers on PostgreSQL; SQLite has one
-- writer).
CREATE TABLE receipt_counters (
    coach_id    BIGINT NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('receipt', 'credit_note')),
    next_number BIGINT NOT NULL CHECK (next_number >= 1),
    PRIMARY KEY (coach_id, kind)
);

-- A receipt or credit note as issued: the seller's details, the lines and
-- the totals are copied, so a later change of tax settings or prices does
-- not change a document already given. Amounts are minor units of
-- currency; a credit note's are what it credits, positive.
CREATE TABLE receipts (
    id               INTEGER PRIMARY KEY,
    coach_id         BIGINT NOT NULL REFERENCES coaches(id),
    kind             TEXT NOT NULL CHECK (kind IN ('receipt', 'credit_note')),
    number           BIGINT NOT NULL,
    booking_id       BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    refund_id        BIGINT UNIQUE,
    credits_id       BIGINT REFERENCES receipts(id),
    currency         TEXT NOT NULL,
    net_cents        BIGINT NOT NULL,
    tax_cents        BIGINT NOT NULL,
    gross_cents      BIGINT NOT NULL CHECK (gross_cents >= 0),
    inclusive        BOOLEAN NOT NULL,
    seller           TEXT NOT NULL,
    buyer_name       TEXT NOT NULL,
    buyer_email      TEXT NOT NULL,
    subject          TEXT NOT NULL,
    code             TEXT NOT NULL DEFAULT '',
    lines            TEXT NOT NULL,
    issued_at        TIMESTAMP NOT NULL,
    UNIQUE (coach_id, kind, number)
);
CREATE UNIQUE INDEX receipts_one_per_booking ON receipts (booking_id) WHERE kind = 'receipt';
CREATE INDEX receipts_booking ON receipts (booking_id);

-- A message may carry one file beside its invite (a receipt's PDF).
ALTER TABLE outbox ADD COLUMN attachment_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN attachment BLOB;

-- +goose Down
ALTER TABLE outbox DROP COLUMN attachment;
ALTER TABLE outbox DROP COLUMN attachment_name;
DROP TABLE receipts;
DROP TABLE receipt_counters;
DROP TABLE coach_tax;
